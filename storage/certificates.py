"""Certificates of completion, read back for the verification page and the certificate files.

The row is written in the turn's transaction from a `CertificateIssued` event
(`storage/progress.py`); here it is only read. Codes are looked up case-insensitively: people
type them from paper, so "abcd2345" finds "ABCD2345".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from storage.db import as_utc
from storage.repository import Storage
from storage.tables import certificate_t

MAX_CODE = 24  # certificate.code's length
_CODE = re.compile(rf"[A-Z0-9-]{{1,{MAX_CODE}}}")


@dataclass(frozen=True)
class CertificateRecord:
    """A certificate as it was issued. `display_name` is "" when the learner chose no name."""

    code: str
    display_name: str
    modules: tuple[str, ...]  # module ids, in the order they were completed or listed
    lessons: int
    content_version: str
    issued_at: datetime  # timezone-aware UTC


def normalise_code(raw: str) -> str | None:
    """The code as stored (upper case, no surrounding spaces), or None when `raw` cannot be a
    certificate code at all (wrong characters or length), so nothing needs to be looked up."""
    code = raw.strip().upper()
    return code if _CODE.fullmatch(code) else None


def _modules(raw: str) -> tuple[str, ...]:
    try:
        value = json.loads(raw)
    except ValueError:
        return ()
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


class Certificates:
    """Issued certificates (`Storage.certificates`), read-only."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def get(self, code: str) -> CertificateRecord | None:
        """The certificate with this code (any letter case), or None if there is none.

        Raises:
            StorageError: the database could not be read.
        """
        normal = normalise_code(code)
        if normal is None:
            return None
        query = select(
            certificate_t.c.code,
            certificate_t.c.display_name,
            certificate_t.c.modules,
            certificate_t.c.lessons,
            certificate_t.c.content_version,
            certificate_t.c.issued_at,
        ).where(certificate_t.c.code == normal)
        async with self._storage.reading() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return CertificateRecord(
            code=row.code,
            display_name=row.display_name or "",
            modules=_modules(row.modules),
            lessons=int(row.lessons or 0),
            content_version=row.content_version,
            issued_at=as_utc(row.issued_at),
        )


__all__ = ["MAX_CODE", "CertificateRecord", "Certificates", "normalise_code"]
