"""The outbox as the operator sees it: one channel's latest rows, one row, whether a
de-duplication key was used, and sending a finished row again (`hocvuso report outbox` and
`report replay`). A base of `storage.outbox.Outbox`, kept apart to keep that module short.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.db import as_utc
from storage.repository import Storage
from storage.tables import outbox_t

MAX_DEDUPE_KEY = 160  # the column's length (storage.outbox cuts keys the same way)


@dataclass(frozen=True)
class OutboxEntry:
    """An outbox row as the operator sees it."""

    id: int
    channel: str
    status: str
    attempts: int
    not_before: datetime
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None
    payload: dict[str, Any]


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(
        row["id"],
        row["channel"],
        row["status"],
        row["attempts"],
        as_utc(row["not_before"]),
        as_utc(row["created_at"]),
        as_utc(row["sent_at"]),
        row["last_error"],
        json.loads(row["payload"]),
    )


class OutboxRows:
    """The operator's reads and re-sends (methods of `Storage.outbox`)."""

    _storage: Storage

    async def entries(self, channel: str, *, limit: int = 50) -> list[OutboxEntry]:
        """One channel's latest rows, newest first."""
        query = (
            select(outbox_t)
            .where(outbox_t.c.channel == channel)
            .order_by(outbox_t.c.id.desc())
            .limit(limit)
        )
        async with self._storage.reading() as conn:
            return [_entry(r) for r in (await conn.execute(query)).mappings()]

    async def entry(self, item_id: int) -> OutboxEntry | None:
        """One row, or None when there is no such row."""
        async with self._storage.reading() as conn:
            query = select(outbox_t).where(outbox_t.c.id == item_id)
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _entry(row)

    async def has_key(self, dedupe_key: str) -> bool:
        """Whether a row was queued with `dedupe_key` (and not pruned since)."""
        query = select(outbox_t.c.id).where(outbox_t.c.dedupe_key == dedupe_key[:MAX_DEDUPE_KEY])
        async with self._storage.reading() as conn:
            return (await conn.execute(query.limit(1))).first() is not None

    async def requeue(self, item_id: int, now: datetime, *, channel: str) -> bool:
        """Send a finished row (sent, skipped or dead) of `channel` again, as it is: pending
        now, attempts from zero. False when there is no such finished row (a pending or
        sending one goes out anyway)."""
        async with self._storage.unit_of_work(now) as uow:
            result = await uow.connection.execute(
                update(outbox_t)
                .where(
                    outbox_t.c.id == item_id,
                    outbox_t.c.channel == channel,
                    outbox_t.c.status.in_(("sent", "skipped", "dead")),
                )
                .values(
                    status="pending",
                    attempts=0,
                    not_before=now,
                    claimed_until=None,
                    sent_at=None,
                    last_error=None,
                )
            )
        return int(result.rowcount) == 1


__all__ = ["OutboxEntry", "OutboxRows"]
