"""Certificates in chat: the one place that knows what a reply's `image` of
`"certificate/<CODE>.png"` means, where its files are served, and how they are made.

The core names a certificate in a reply by that convention (it cannot render anything);
each channel asks `certificate_code(reply.image)` and then shows the certificate its own way:

    web chat   the picture from /certificate/<CODE>.png, links to the PDF and /verify/<CODE>
    Telegram   the PNG as a photo and the PDF as a document, uploaded from `CertificateFiles`
    Zalo OA    a text with the absolute links (`links_text`)
    Zalo Bot   the picture by URL (sendPhoto, when the public URL is https) and the links text

Rendered files never change for a code, so the last few are kept (`CACHED` of each kind).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from bot.certificate.awards import family_sheet, participation_sheet
from bot.certificate.pdf import sheet_pdf
from bot.certificate.png import sheet_png
from bot.certificate.sheet import Sheet, make_sheet
from bot.core import Catalog, Reply
from bot.core.messages import certificate_image
from bot.i18n import N_, Translator
from storage import CertificateRecord, Storage, is_family_certificate, normalise_code

PREFIX = "certificate/"
CACHED = 32  # rendered files kept (about 150 kB a PNG, 35 kB a PDF)
_IMAGE = re.compile(r"certificate/([A-Za-z0-9-]{1,24})\.png")

Kind = Literal["png", "pdf"]

LINKS = N_("Your certificate:\nPicture: {png}\nPDF: {pdf}\nCheck it: {verify}")
PDF_LINK = N_("Download the certificate (PDF)")
VERIFY_LINK = N_("Check the certificate")


def certificate_code(image: str | None) -> str | None:
    """The certificate code a reply's `image` names, or None for a lesson picture (or none)."""
    if not image:
        return None
    match = _IMAGE.fullmatch(image)
    return normalise_code(match.group(1)) if match else None


def png_path(code: str) -> str:
    """Where the certificate's picture is served (relative to the server)."""
    return f"/certificate/{code}.png"


def pdf_path(code: str) -> str:
    """Where the certificate's PDF is served."""
    return f"/certificate/{code}.pdf"


def verify_path(code: str) -> str:
    """The page that says whether the certificate is genuine."""
    return f"/verify/{code}"


def absolute(base_url: str, path: str) -> str:
    """`path` on the server whose public address is `base_url`."""
    return base_url.rstrip("/") + path


def links_text(code: str, base_url: str, t: Translator) -> str:
    """The certificate's picture, PDF and verification addresses, for a channel that shows no
    pictures (or as well as one)."""
    return t.gettext(LINKS).format(
        png=absolute(base_url, png_path(code)),
        pdf=absolute(base_url, pdf_path(code)),
        verify=absolute(base_url, verify_path(code)),
    )


def with_links(reply: Reply, base_url: str, t: Translator) -> Reply:
    """`reply` for a text-only channel: a certificate picture becomes the links text under the
    reply's own text; any other reply is returned as it is."""
    code = certificate_code(reply.image)
    if code is None:
        return reply
    links = links_text(code, base_url, t)
    text = f"{reply.text.rstrip()}\n\n{links}" if reply.text.strip() else links
    return Reply(text, reply.choices, None, reply.kind)


@lru_cache(maxsize=CACHED)
def _rendered(kind: Kind, sheet: Sheet, issued_at: datetime, code: str) -> bytes:
    return sheet_png(sheet) if kind == "png" else sheet_pdf(sheet, issued_at, code)


@dataclass(frozen=True)
class CertificateFile:
    """A rendered certificate: its bytes, content type and a file name to save it under."""

    content: bytes
    content_type: str
    filename: str


class CertificateFiles:
    """Certificates read from storage and rendered (in a worker thread, the last few kept).

    Args:
        storage: where certificates are read.
        catalog: the content whose module titles are printed.
        zone: the time zone of the printed date.
    """

    def __init__(self, storage: Storage, catalog: Catalog, zone: ZoneInfo) -> None:
        self.storage, self.zone = storage, zone
        self.titles: Mapping[str, str] = {module.id: module.title for module in catalog.modules}

    async def record(self, code: str) -> CertificateRecord | None:
        """The certificate with this code (any letter case), or None.

        Raises:
            StorageError: the database could not be read.
        """
        return await self.storage.certificates.get(code)

    async def render(
        self, record: CertificateRecord, kind: Kind, base_url: str
    ) -> CertificateFile:
        """`record`'s certificate as a PNG or PDF whose QR code opens its verification page on
        the server at `base_url`."""
        verify_url = absolute(base_url, verify_path(record.code))
        sheet = make_sheet(record, verify_url, self.titles, self.zone)
        return await self._render(sheet, record.issued_at, record.code, kind)

    async def _render(
        self, sheet: Sheet, issued_at: datetime, code: str, kind: Kind
    ) -> CertificateFile:
        content = await asyncio.to_thread(_rendered, kind, sheet, issued_at, code)
        content_type = "image/png" if kind == "png" else "application/pdf"
        return CertificateFile(content, content_type, f"hocvuso-chung-nhan-{code}.{kind}")

    async def file(self, code: str, kind: Kind, base_url: str) -> CertificateFile | None:
        """The certificate with this code rendered, or None if there is no such certificate:
        a course certificate, a family's (Gia đình số) or a contest's participation.

        Raises:
            StorageError: the database could not be read.
        """
        record = await self.record(code)
        if record is not None:
            return await self.render(record, kind, base_url)
        found = await self.other_sheet(code, base_url)
        return None if found is None else await self._render(*found, kind)

    async def other_sheet(self, code: str, base_url: str) -> tuple[Sheet, datetime, str] | None:
        """The sheet, issue time and code of a family or participation certificate, or None.

        Raises:
            StorageError: the database could not be read.
        """
        if normalise_code(code) is None:
            return None
        if is_family_certificate(code):
            family = await self.storage.families.certificate(code)
            if family is not None:
                url = absolute(base_url, verify_path(family.code))
                sheet = family_sheet(
                    members=family.members,
                    issued_at=family.issued_at,
                    code=family.code,
                    verify_url=url,
                    zone=self.zone,
                )
                return sheet, family.issued_at, family.code
        played = await self.storage.contests.by_certificate(code)
        if played is None:
            return None
        contest, attempt = played
        finished = attempt.finished_at or attempt.started_at
        number = attempt.certificate_code or code.strip().upper()
        sheet = participation_sheet(
            title=contest.title,
            questions=len(contest.questions),
            finished_at=finished,
            code=number,
            verify_url=absolute(base_url, verify_path(number)),
            zone=self.zone,
        )
        return sheet, finished, number


__all__ = [
    "CACHED",
    "PREFIX",
    "CertificateFile",
    "CertificateFiles",
    "Kind",
    "absolute",
    "certificate_code",
    "certificate_image",
    "links_text",
    "pdf_path",
    "png_path",
    "verify_path",
    "with_links",
]
