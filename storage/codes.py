"""One-time codes that grant a role (ambassador `/daisu`, official `/canbo`): drawn unused,
stored as their SHA-256 only, found from what was typed, and used up one claim at a time."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.context import CODE_ALPHABET, random_code

CODE_LENGTH = 8
# Typed codes: whatever the case, with spaces, dots or dashes between the characters.
_SEPARATORS = re.compile(r"[\s.\-_]+")
_CODE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
# A fresh random code that is taken already is drawn again, this many times at most.
_DRAWS = 20


def normalise_code(raw: str) -> str | None:
    """The code as issued (upper case, no separators), or None when `raw` cannot be one."""
    code = _SEPARATORS.sub("", raw).upper()
    return code if _CODE.fullmatch(code) else None


def hash_code(code: str) -> str:
    """The stored form of a normalised code (SHA-256, hex)."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


async def free_code(conn: AsyncConnection, table: Table) -> str:
    """A random code no row of `table` (with a `code_hash` column) holds yet."""
    for _ in range(_DRAWS):
        code = random_code(CODE_LENGTH)
        taken = await conn.scalar(select(table.c.id).where(table.c.code_hash == hash_code(code)))
        if taken is None:
            return code
    raise RuntimeError(f"no free code found in {table.name}")  # pragma: no cover - 31**8 codes


async def find_code(conn: AsyncConnection, table: Table, typed: str) -> Any | None:
    """The row of `table` whose code was typed (separators and case forgiven), or None."""
    normal = normalise_code(typed)
    if normal is None:
        return None
    return (
        await conn.execute(select(table).where(table.c.code_hash == hash_code(normal)))
    ).first()


async def claim_use(conn: AsyncConnection, table: Table, row_id: int) -> bool:
    """Use the code of row `row_id` once, if a use is left: atomic, so of two learners taking
    the last use, one gets it."""
    claimed = await conn.execute(
        update(table)
        .where(table.c.id == row_id, table.c.uses < table.c.max_uses)
        .values(uses=table.c.uses + 1)
    )
    return bool(claimed.rowcount == 1)
