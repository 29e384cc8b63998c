"""The durable inbox (raw platform events, stored before acknowledging) and outbox (sends).

Both are plain tables polled by workers: unique keys make redelivery and double-enqueueing
harmless, and rows survive a crash at any point.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import insert_ignore
from storage.repository import Storage, UnitOfWork, identity_t
from storage.tables import InboxEvent, OutboxMessage

inbox_t: Table = InboxEvent.__table__  # type: ignore[attr-defined]
outbox_t: Table = OutboxMessage.__table__  # type: ignore[attr-defined]

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


@dataclass(frozen=True)
class OutboxItem:
    """A message waiting to be sent."""

    id: int
    channel: str
    recipient: str
    learner_id: int | None
    payload: dict[str, Any]
    kind: str
    attempts: int


class Inbox:
    """Raw inbound events: `store` before acknowledging the platform, `pending` after a crash.

    The `*_many` methods write many events with one statement each; given `uow`, they write in
    that transaction (so a caller can batch stores and marks together), else in their own.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @asynccontextmanager
    async def _within(self, uow: UnitOfWork | None, now: datetime) -> AsyncIterator[UnitOfWork]:
        if uow is not None:
            yield uow
            return
        async with self.storage.unit_of_work(now) as fresh:
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
            statement = _STORE_INBOX[work.conn.dialect.name]
            result = await work.conn.execute(statement, rows)
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
        async with self.storage.engine.connect() as conn:
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
            await work.conn.execute(
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
            await work.conn.execute(_MARK_INBOX_FAILED, params)


class Outbox:
    """Messages to send. Enqueue inside the transaction that decided to send them."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @staticmethod
    async def enqueue(
        conn: AsyncConnection,
        *,
        channel: str,
        recipient: str,
        payload: dict[str, Any],
        now: datetime,
        learner_id: int | None = None,
        kind: str = "normal",
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Add a message (in the caller's transaction). None if `dedupe_key` was used before."""
        result = await conn.execute(
            insert_ignore(conn.dialect.name, outbox_t)
            .values(
                channel=channel,
                recipient=recipient,
                learner_id=learner_id,
                payload=json.dumps(payload, ensure_ascii=False),
                kind=kind,
                dedupe_key=dedupe_key,
                status="pending",
                attempts=0,
                not_before=not_before or now,
                created_at=now,
            )
            .returning(outbox_t.c.id)
        )
        return result.scalar()

    async def due(self, channel: str, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Pending messages whose time has come, oldest first."""
        query = (
            select(outbox_t)
            .where(
                outbox_t.c.channel == channel,
                outbox_t.c.status == "pending",
                outbox_t.c.not_before <= now,
            )
            .order_by(outbox_t.c.id)
            .limit(limit)
        )
        async with self.storage.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            OutboxItem(
                r["id"],
                r["channel"],
                r["recipient"],
                r["learner_id"],
                json.loads(r["payload"]),
                r["kind"],
                r["attempts"],
            )
            for r in rows
        ]

    async def mark_sent(self, item_id: int, now: datetime) -> None:
        """The platform accepted the message."""
        await self._set(item_id, now, status="sent", sent_at=now)

    async def retry_later(self, item_id: int, now: datetime, delay: timedelta, error: str) -> None:
        """A transient failure: try again after `delay`."""
        await self._set(
            item_id,
            now,
            attempts=outbox_t.c.attempts + 1,
            not_before=now + delay,
            last_error=error[:2000],
        )

    async def mark_dead(self, item_id: int, now: datetime, error: str) -> None:
        """A permanent failure: keep the row for the operator, stop trying."""
        await self._set(
            item_id, now, status="dead", attempts=outbox_t.c.attempts + 1, last_error=error[:2000]
        )

    async def _set(self, item_id: int, now: datetime, **values: Any) -> None:
        async with self.storage.unit_of_work(now) as uow:
            await uow.conn.execute(
                update(outbox_t).where(outbox_t.c.id == item_id).values(**values)
            )


async def mark_unreachable(
    storage: Storage, channel: str, external_id: str, reason: str, now: datetime
) -> None:
    """The platform says the learner blocked the bot or is outside the reply window."""
    async with storage.unit_of_work(now) as uow:
        await uow.conn.execute(
            update(identity_t)
            .where(identity_t.c.channel == channel, identity_t.c.external_id == external_id)
            .values(unreachable_since=now, unreachable_reason=reason[:64])
        )


async def is_reachable(storage: Storage, channel: str, external_id: str) -> bool:
    """Whether proactive messages may go to this learner on this channel."""
    async with storage.engine.connect() as conn:
        since = await conn.scalar(
            select(identity_t.c.unreachable_since).where(
                identity_t.c.channel == channel, identity_t.c.external_id == external_id
            )
        )
    return since is None


__all__ = ["Inbox", "InboxItem", "Outbox", "OutboxItem", "is_reachable", "mark_unreachable"]
