"""Certificates of completion of the hocvuso course, and the two others drawn the same way (a
contest's participation, a family's Gia đình số): the picture, the PDF, the verification page
and how each channel shows them.

Modules:
    sheet: what a certificate says (translated lines), the shipped fonts, the QR code.
    awards: the lines of the participation and family certificates (no names).
    png: the certificate as a PNG picture (Pillow).
    pdf: the certificate as a PDF (fpdf2).
    media: the `"certificate/<CODE>.png"` reply convention, URLs, rendered files (cached).
    web: `/verify/<code>` and `/certificate/<code>.png|.pdf`.

The fonts in `fonts/` (DejaVu Sans, with its licence) cover every Vietnamese letter, so the
certificate prints the same on any server, whatever fonts it has installed.
"""

from bot.certificate.media import (
    CertificateFile,
    CertificateFiles,
    certificate_code,
    certificate_image,
    links_text,
    with_links,
)
from bot.certificate.pdf import render_pdf
from bot.certificate.png import render_png
from bot.certificate.web import CertificateRoutes

__all__ = [
    "CertificateFile",
    "CertificateFiles",
    "CertificateRoutes",
    "certificate_code",
    "certificate_image",
    "links_text",
    "render_pdf",
    "render_png",
    "with_links",
]
