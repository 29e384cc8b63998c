"""What a certificate says, worded once for both the picture and the PDF.

The certificate is ours, not the state's: it certifies that a learner completed the hocvuso
course and says in so many words that it is not the official certification of the Bình dân
học vụ số platform or VNeID (docs: ../shared/reference/domain.md §1).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from PIL import Image

from bot.i18n import N_, translator
from storage import CertificateRecord

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR_FONT = FONTS / "DejaVuSans.ttf"
BOLD_FONT = FONTS / "DejaVuSans-Bold.ttf"
DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICIAL_SITE = "https://binhdanhocvuso.gov.vn"
QR_ERROR = "m"  # 15% of the symbol may be lost (a crease, a thumb) and it still reads
QR_BORDER = 4  # the quiet zone the standard asks for, in modules

GREEN = (11, 110, 79)  # the web chat's green
INK = (27, 27, 27)
GREY = (85, 85, 85)

HEADING = N_("Certificate of course completion")
SUBTITLE = N_("Basic digital skills course of the Học vụ số chatbot")
CERTIFIES = N_("This certifies that")
NO_NAME = N_("A learner of Học vụ số")
COMPLETED = N_("has completed all {lessons} lessons of the course, in these modules:")
ISSUED = N_("Issued on {date}")
CODE = N_("Verification code: {code}")
CHECK = N_("Scan the QR code or open this address to check that the certificate is genuine:")
DISCLAIMER = N_(
    "This certificate is given by the Học vụ số chatbot for completing its course. It is not "
    "the official certification of the Bình dân học vụ số platform (binhdanhocvuso.gov.vn) or "
    "of VNeID."
)


@dataclass(frozen=True)
class Sheet:
    """Every line a certificate prints, already translated, in reading order."""

    heading: str
    subtitle: str
    certifies: str
    name: str
    named: bool  # False: the neutral line stands where a name would be
    completed: str
    modules: tuple[str, ...]  # module titles
    issued: str
    code: str  # "Verification code: …"
    check: str
    verify_url: str
    disclaimer: str


def clean_name(name: str) -> str:
    """The display name as printed: NFC (a name typed as letters plus combining marks prints
    and extracts as the same letters), inner runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def module_titles(record: CertificateRecord, titles: Mapping[str, str]) -> tuple[str, ...]:
    """The titles of the certificate's modules; a module no longer in the content keeps its
    id rather than disappearing from a certificate already given."""
    return tuple(clean_name(titles.get(module, module)) for module in record.modules)


def make_sheet(
    record: CertificateRecord,
    verify_url: str,
    titles: Mapping[str, str],
    zone: ZoneInfo = DEFAULT_ZONE,
    locale: str = "vi",
) -> Sheet:
    """The lines of `record`'s certificate; `titles` maps module ids to their titles."""
    t = translator(locale)
    name = clean_name(record.display_name)
    return Sheet(
        heading=t.gettext(HEADING),
        subtitle=t.gettext(SUBTITLE),
        certifies=t.gettext(CERTIFIES),
        name=name or t.gettext(NO_NAME),
        named=bool(name),
        completed=t.gettext(COMPLETED).format(lessons=t.number(record.lessons)),
        modules=module_titles(record, titles),
        issued=t.gettext(ISSUED).format(date=t.day(record.issued_at, zone)),
        code=t.gettext(CODE).format(code=record.code),
        check=t.gettext(CHECK),
        verify_url=verify_url,
        disclaimer=t.gettext(DISCLAIMER),
    )


def qr_code(url: str) -> segno.QRCode:
    """The QR code for `url` (always a full QR code: phones' cameras do not read micro ones)."""
    return segno.make_qr(url, error=QR_ERROR)


def qr_image(url: str, scale: int) -> Image.Image:
    """The QR code for `url` as a black-on-white picture, `scale` pixels a module, with its
    quiet zone."""
    rows = [
        bytes(0 if dark else 255 for dark in row)
        for row in qr_code(url).matrix_iter(scale=scale, border=QR_BORDER)
    ]
    return Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows))


__all__ = [
    "BOLD_FONT",
    "DEFAULT_ZONE",
    "GREEN",
    "GREY",
    "INK",
    "OFFICIAL_SITE",
    "QR_BORDER",
    "REGULAR_FONT",
    "Sheet",
    "clean_name",
    "make_sheet",
    "module_titles",
    "qr_code",
    "qr_image",
]
