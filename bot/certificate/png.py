"""The certificate as a PNG picture (Pillow), landscape, sized for a phone screen and a chat.

1600 × 1131 pixels (A4's proportions): readable on a phone once zoomed, small enough for every
chat platform's photo limits, and Telegram's 1280-pixel photos keep the text sharp.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from bot.certificate.sheet import (
    BOLD_FONT,
    DEFAULT_ZONE,
    GREEN,
    GREY,
    INK,
    QR_BORDER,
    REGULAR_FONT,
    Sheet,
    make_sheet,
    qr_code,
    qr_image,
)
from storage import CertificateRecord

WIDTH, HEIGHT = 1600, 1131
MARGIN = 110  # text keeps this far from the edges (inside the frame)
QR_SIDE = 300  # the QR code's box, quiet zone included, at the bottom right
QR_RIGHT, QR_BOTTOM = WIDTH - 96, HEIGHT - 96
PAPER = (255, 255, 255)
PALE = (226, 240, 233)

# FreeType faces are not safe to use from two threads at once; certificates are rare, so one
# lock around the whole drawing costs nothing.
_drawing = threading.Lock()

Font = ImageFont.FreeTypeFont


@cache
def _font(bold: bool, size: int) -> Font:
    return ImageFont.truetype(str(BOLD_FONT if bold else REGULAR_FONT), size)


@dataclass(frozen=True)
class QrBox:
    """Where the QR code sits in the picture: its top-left corner (of the quiet zone), the
    pixels per module, and the modules of quiet zone around the symbol."""

    left: int
    top: int
    scale: int
    border: int


def qr_box(verify_url: str) -> QrBox:
    """The QR code's place in a certificate that points to `verify_url`."""
    modules = int(qr_code(verify_url).symbol_size(scale=1, border=QR_BORDER)[0])
    scale = max(1, QR_SIDE // modules)
    side = modules * scale
    return QrBox(QR_RIGHT - side, QR_BOTTOM - side, scale, QR_BORDER)


def _fit(draw: ImageDraw.ImageDraw, text: str, bold: bool, size: int, width: int) -> Font:
    """The largest font up to `size` in which `text` fits on one line of `width` pixels."""
    while size > 14 and draw.textlength(text, font=_font(bold, size)) > width:
        size -= 2
    return _font(bold, size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    """`text` cut into lines at spaces, each at most `width` pixels (a longer word stays)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _centred(
    draw: ImageDraw.ImageDraw, y: int, text: str, font: Font, fill: tuple[int, ...]
) -> int:
    """Draw one centred line with its top at `y`; the y below it."""
    draw.text((WIDTH // 2, y), text, font=font, fill=fill, anchor="ma")
    return y + int(font.size * 1.3)


def _draw(sheet: Sheet) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, WIDTH - 25, HEIGHT - 25), outline=GREEN, width=14)
    draw.rectangle((50, 50, WIDTH - 51, HEIGHT - 51), outline=PALE, width=4)
    text_width = WIDTH - 2 * MARGIN

    y = _centred(draw, 88, "HỌC VỤ SỐ", _font(True, 30), GREEN)
    heading = sheet.heading.upper()
    y = _centred(draw, y + 8, heading, _fit(draw, heading, True, 54, text_width), GREEN)
    y = _centred(draw, y, sheet.subtitle, _fit(draw, sheet.subtitle, False, 30, text_width), GREY)
    y = _centred(draw, y + 26, sheet.certifies, _font(False, 30), INK)
    name_font = _fit(draw, sheet.name, True, 66 if sheet.named else 44, text_width)
    y = _centred(draw, y + 4, sheet.name, name_font, INK if sheet.named else GREY)
    line_y = y + 6
    draw.line((WIDTH // 2 - 360, line_y, WIDTH // 2 + 360, line_y), fill=PALE, width=3)
    completed = _fit(draw, sheet.completed, False, 30, text_width)
    y = _centred(draw, line_y + 22, sheet.completed, completed, INK)

    # The modules in two columns (three rows for the six modules of the course).
    rows = (len(sheet.modules) + 1) // 2
    column = text_width // 2
    for index, title in enumerate(sheet.modules):
        x = MARGIN + 40 + (index // rows) * column
        line = f"• {title}"
        font = _fit(draw, line, False, 27, column - 60)
        draw.text((x, y + 8 + (index % rows) * 42), line, font=font, fill=INK)

    box = qr_box(sheet.verify_url)
    image.paste(qr_image(sheet.verify_url, box.scale), (box.left, box.top))

    # Bottom left, beside the QR code: date, code, where to check, and the disclaimer.
    left_width = box.left - MARGIN - 40
    y = HEIGHT - 400
    draw.text((MARGIN, y), sheet.issued, font=_font(False, 30), fill=INK)
    draw.text((MARGIN, y + 48), sheet.code, font=_font(True, 32), fill=INK)
    small = _font(False, 21)
    y += 106
    for line in _wrap(draw, sheet.check, small, left_width):
        draw.text((MARGIN, y), line, font=small, fill=GREY)
        y += 28
    url_font = _fit(draw, sheet.verify_url, False, 22, left_width)
    draw.text((MARGIN, y), sheet.verify_url, font=url_font, fill=GREEN)
    y += 44
    for line in _wrap(draw, sheet.disclaimer, small, left_width):
        draw.text((MARGIN, y), line, font=small, fill=GREY)
        y += 28
    return image


def render_png(
    record: CertificateRecord,
    verify_url: str,
    *,
    titles: Mapping[str, str],
    zone: ZoneInfo = DEFAULT_ZONE,
    locale: str = "vi",
) -> bytes:
    """The certificate of `record` as PNG bytes; its QR code opens `verify_url`.

    `titles` maps module ids to titles (`{m.id: m.title for m in catalog.modules}`).
    """
    return sheet_png(make_sheet(record, verify_url, titles, zone, locale))


def sheet_png(sheet: Sheet) -> bytes:
    """Any certificate's `sheet` (course, contest participation, family) as PNG bytes."""
    with _drawing:
        image = _draw(sheet)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


__all__ = ["HEIGHT", "WIDTH", "QrBox", "qr_box", "render_png", "sheet_png"]
