"""The certificate as a one-page PDF (fpdf2, LGPL-3.0), A4 landscape, laid out like the PNG.

The fonts are embedded (subset), so the Vietnamese letters print anywhere and can be copied or
searched as text; the QR code is a picture of its modules, large enough to scan from paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.certificate.sheet import (
    BOLD_FONT,
    DEFAULT_ZONE,
    GREEN,
    GREY,
    INK,
    REGULAR_FONT,
    Sheet,
    make_sheet,
    qr_image,
)
from storage import CertificateRecord

FAMILY = "DejaVuSans"
PAGE_W, PAGE_H = 297.0, 210.0  # mm
MARGIN = 20.0
QR_SIDE = 55.0  # mm, quiet zone included: about 1.5 mm a module for a verify URL
PALE = (226, 240, 233)
QR_SCALE = 10  # pixels a module in the embedded picture (no blur when a viewer enlarges it)


def _fit(pdf: FPDF, text: str, bold: bool, size: float, width: float) -> None:
    """Select the largest font up to `size` points in which `text` fits in `width` mm."""
    style = "B" if bold else ""
    pdf.set_font(FAMILY, style, size)
    while size > 7 and pdf.get_string_width(text) > width:
        size -= 1
        pdf.set_font(FAMILY, style, size)


def _line(pdf: FPDF, text: str, height: float, colour: tuple[int, int, int]) -> None:
    """One centred line across the text width, then down `height` mm."""
    pdf.set_text_color(*colour)
    pdf.cell(PAGE_W - 2 * MARGIN, height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(2.6)
    pdf.rect(5.5, 5.5, PAGE_W - 11, PAGE_H - 11)
    pdf.set_draw_color(*PALE)
    pdf.set_line_width(0.8)
    pdf.rect(9.5, 9.5, PAGE_W - 19, PAGE_H - 19)


def _draw(pdf: FPDF, sheet: Sheet) -> None:
    width = PAGE_W - 2 * MARGIN
    _frame(pdf)
    pdf.set_xy(MARGIN, 14)
    pdf.set_font(FAMILY, "B", 12)
    _line(pdf, "HỌC VỤ SỐ", 7, GREEN)
    _fit(pdf, sheet.heading.upper(), True, 24, width)
    _line(pdf, sheet.heading.upper(), 11, GREEN)
    _fit(pdf, sheet.subtitle, False, 13, width)
    _line(pdf, sheet.subtitle, 9, GREY)
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 13)
    _line(pdf, sheet.certifies, 8, INK)
    _fit(pdf, sheet.name, True, 28 if sheet.named else 19, width)
    _line(pdf, sheet.name, 14, INK if sheet.named else GREY)
    pdf.set_draw_color(*PALE)
    pdf.set_line_width(0.6)
    pdf.line(PAGE_W / 2 - 67, pdf.get_y() + 1, PAGE_W / 2 + 67, pdf.get_y() + 1)
    pdf.ln(4)
    _fit(pdf, sheet.completed, False, 13, width)
    _line(pdf, sheet.completed, 9, INK)

    # The modules in two columns, as in the picture.
    top = pdf.get_y() + 1
    rows = (len(sheet.modules) + 1) // 2
    column = width / 2
    pdf.set_text_color(*INK)
    for index, title in enumerate(sheet.modules):
        text = f"• {title}"
        _fit(pdf, text, False, 12, column - 10)
        pdf.set_xy(MARGIN + 8 + (index // rows) * column, top + (index % rows) * 7.5)
        pdf.cell(column - 10, 7, text)

    qr_left, qr_top = PAGE_W - 16 - QR_SIDE, PAGE_H - 16 - QR_SIDE
    pdf.image(qr_image(sheet.verify_url, QR_SCALE), x=qr_left, y=qr_top, w=QR_SIDE, h=QR_SIDE)

    # Bottom left, beside the QR code: date, code, where to check, and the disclaimer.
    left_width = qr_left - MARGIN - 8
    pdf.set_xy(MARGIN, PAGE_H - 74)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 13)
    pdf.cell(left_width, 8, sheet.issued, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(left_width, 9, sheet.code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_text_color(*GREY)
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(left_width, 4.6, sheet.check, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*GREEN)
    _fit(pdf, sheet.verify_url, False, 10, left_width)
    pdf.cell(
        left_width,
        6,
        sheet.verify_url,
        link=sheet.verify_url,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    pdf.set_text_color(*GREY)
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(left_width, 4.6, sheet.disclaimer, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _document(sheet: Sheet, issued_at: datetime, code: str, locale: str) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FAMILY, "", str(REGULAR_FONT))
    pdf.add_font(FAMILY, "B", str(BOLD_FONT))
    pdf.set_lang(locale)
    pdf.set_title(f"{sheet.heading} – {code}")
    pdf.set_subject(sheet.subtitle)
    pdf.set_creator("hocvuso")
    # The issue time, not the rendering time: the same certificate is the same file.
    pdf.set_creation_date(issued_at)
    pdf.add_page()
    _draw(pdf, sheet)
    return pdf


def render_pdf(
    record: CertificateRecord,
    verify_url: str,
    *,
    titles: Mapping[str, str],
    zone: ZoneInfo = DEFAULT_ZONE,
    locale: str = "vi",
) -> bytes:
    """The certificate of `record` as PDF bytes; its QR code and link open `verify_url`.

    `titles` maps module ids to titles (`{m.id: m.title for m in catalog.modules}`).
    """
    sheet = make_sheet(record, verify_url, titles, zone, locale)
    return sheet_pdf(sheet, record.issued_at, record.code, locale)


def sheet_pdf(sheet: Sheet, issued_at: datetime, code: str, locale: str = "vi") -> bytes:
    """Any certificate's `sheet` (course, contest participation, family) as PDF bytes;
    `issued_at` is its creation date (the same certificate is the same file)."""
    return bytes(_document(sheet, issued_at, code, locale).output())


__all__ = ["render_pdf", "sheet_pdf"]
