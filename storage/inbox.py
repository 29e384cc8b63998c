"""The durable inbox: raw platform events, stored before the platform is acknowledged.

A plain table polled by workers: the unique (channel, event key) makes a redelivered event
harmless, and rows survive a crash at any point (pending rows are picked up again on start).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update

from storage.db import insert_ignore
from storage.repository import Storage, UnitOfWork
from storage.tables import inbox_t

MAX_EVENT_KEY = 128
MAX_ERROR = 2000


# The inbox statements run for every update: built once (per dialect for the insert), executed
# with one parameter set per row.
_STORE_INBOX = {
    name: insert_ignore(name, inbox_t).returning(inbox_t.c.id, inbox_t.c.event_key)
    for name in ("postgresql", "sqlite")
}
_MARK_INBOX_PROCESSED = (
    update(inbox_t)
    .where(inbox_t.c.id.in_(bindparam("item_ids", expanding=True)))
    .values(processed_at=bindparam("now"))
)
_MARK_INBOX_FAILED = (
    update(inbox_t)
    .where(inbox_t.c.id == bindparam("item_id"))
    .values(
        attempts=inbox_t.c.attempts + 1,
        last_error=bindparam("error"),
        processed_at=bindparam("finished_at"),
    )
)


@dataclass(frozen=True)
class InboxItem:
    """A stored raw event waiting to be processed."""

    id: int
    channel: str
    event_key: str
    payload: str
    attempts: int


class Inbox:
    """Raw inbound events: `store` before acknowledging the platform, `pending` after a crash.

    The `*_many` methods write many events with one statement each; given `uow`, they write in
    that transaction (so a caller can batch stores and marks together), else in their own.
    """

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    @asynccontextmanager
    async def _within(self, uow: UnitOfWork | None, now: datetime) -> AsyncIterator[UnitOfWork]:
        if uow is not None:
            yield uow
            return
        async with self._storage.unit_of_work(now) as fresh:
            yield fresh

    async def store(self, channel: str, event_key: str, payload: str, now: datetime) -> int | None:
        """Keep one raw event durably. Returns its row id, or None if it was seen before."""
        [stored] = await self.store_many(channel, [(event_key, payload)], now)
        return stored

    async def store_many(
        self,
        channel: str,
        events: Sequence[tuple[str, str]],
        now: datetime,
        *,
        uow: UnitOfWork | None = None,
    ) -> list[int | None]:
        """Keep raw events durably: (event key, payload) pairs of one channel.

        Returns each event's new row id, in order; None for an event seen before (stored
        earlier, or earlier in `events`). Keys are cut to 128 characters, as `store` does.
        """
        keys = [key[:MAX_EVENT_KEY] for key, _payload in events]
        first: dict[str, int] = {}
        for index, key in enumerate(keys):
            first.setdefault(key, index)
        if not first:
            return []
        rows = [
            {
                "channel": channel,
                "event_key": key,
                "payload": events[index][1],
                "received_at": now,
                "attempts": 0,
            }
            for key, index in first.items()
        ]
        async with self._within(uow, now) as work:
            statement = _STORE_INBOX[work.dialect]
            result = await work.connection.execute(statement, rows)
            created = {row.event_key: row.id for row in result}
        return [
            created.get(key) if first[key] == index else None for index, key in enumerate(keys)
        ]

    async def pending(self, channel: str, limit: int = 100) -> list[InboxItem]:
        """Events stored but not yet processed, oldest first."""
        query = (
            select(inbox_t)
            .where(inbox_t.c.channel == channel, inbox_t.c.processed_at.is_(None))
            .order_by(inbox_t.c.id)
            .limit(limit)
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            InboxItem(r["id"], r["channel"], r["event_key"], r["payload"], r["attempts"])
            for r in rows
        ]

    async def mark_processed(self, item_id: int, now: datetime) -> None:
        """The event's effects are committed."""
        await self.mark_processed_many([item_id], now)

    async def mark_processed_many(
        self, item_ids: Sequence[int], now: datetime, *, uow: UnitOfWork | None = None
    ) -> None:
        """These events' effects are committed (and their replies sent)."""
        if not item_ids:
            return
        async with self._within(uow, now) as work:
            await work.connection.execute(
                _MARK_INBOX_PROCESSED, {"item_ids": list(item_ids), "now": now}
            )

    async def mark_failed(self, item_id: int, error: str, now: datetime, give_up: bool) -> None:
        """Count a failed attempt; `give_up` stops retrying (the row keeps the error)."""
        await self.mark_failed_many([(item_id, error)], now, give_up=give_up)

    async def mark_failed_many(
        self,
        failures: Sequence[tuple[int, str]],
        now: datetime,
        *,
        give_up: bool,
        uow: UnitOfWork | None = None,
    ) -> None:
        """Count a failed attempt of each (row id, error); `give_up` stops retrying them (the
        rows keep their errors)."""
        if not failures:
            return
        params = [
            {
                "item_id": item_id,
                "error": error[:MAX_ERROR],
                "finished_at": now if give_up else None,
            }
            for item_id, error in failures
        ]
        async with self._within(uow, now) as work:
            await work.connection.execute(_MARK_INBOX_FAILED, params)


__all__ = ["MAX_ERROR", "MAX_EVENT_KEY", "Inbox", "InboxItem"]
