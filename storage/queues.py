"""The durable inbox (raw platform events, stored before acknowledging) and outbox (sends).

Both are plain tables polled by workers: unique keys make redelivery and double-enqueueing
harmless, and rows survive a crash at any point.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.repository import Storage, identity_t
from storage.tables import InboxEvent, OutboxMessage

inbox_t: Table = InboxEvent.__table__  # type: ignore[attr-defined]
outbox_t: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


def _insert_ignore(conn: AsyncConnection, table: Table) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


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
    """Raw inbound events: `store` before acknowledging the platform, `pending` after a crash."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def store(self, channel: str, event_key: str, payload: str, now: datetime) -> int | None:
        """Keep one raw event durably. Returns its row id, or None if it was seen before."""
        async with self.storage.unit_of_work(now) as uow:
            result = await uow.conn.execute(
                _insert_ignore(uow.conn, inbox_t)
                .values(
                    channel=channel,
                    event_key=event_key[:128],
                    payload=payload,
                    received_at=now,
                    attempts=0,
                )
                .returning(inbox_t.c.id)
            )
            return result.scalar()

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
        async with self.storage.unit_of_work(now) as uow:
            await uow.conn.execute(
                update(inbox_t).where(inbox_t.c.id == item_id).values(processed_at=now)
            )

    async def mark_failed(self, item_id: int, error: str, now: datetime, give_up: bool) -> None:
        """Count a failed attempt; `give_up` stops retrying (the row keeps the error)."""
        async with self.storage.unit_of_work(now) as uow:
            await uow.conn.execute(
                update(inbox_t)
                .where(inbox_t.c.id == item_id)
                .values(
                    attempts=inbox_t.c.attempts + 1,
                    last_error=error[:2000],
                    processed_at=now if give_up else None,
                )
            )


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
            _insert_ignore(conn, outbox_t)
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
