"""Retention: delete what the bot no longer needs, in small transactions.

- processed inbox rows (`inbox_event` with `processed_at`, including events given up on) and
  processed-message keys (`processed_message`) older than `Retention.keys`. They exist to
  recognise a redelivered event: Telegram redelivers for at most 24 hours, Zalo retries for
  hours and the OA webhook refuses events older than a day, so two weeks is ample. Pending
  inbox rows are never deleted, however old.
- sent outbox rows older than `Retention.sent`. Dead ones stay for the operator.

Deletes go in batches (one short transaction each), so learners' turns never wait long behind
them, on SQLite least of all. With several processes on PostgreSQL only one prunes at a time
(a `LeaderLock` held for the run); a second one asking meanwhile is told so and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, delete, or_, select

from storage.repository import Storage
from storage.tables import fire_t, inbox_t, link_t, outbox_t, processed_t

BATCH = 2000
# A used or expired link code is kept a day, so "this code was already used" can still be told.
LINK_GRACE = timedelta(days=1)
LOCK_NAME = "maintenance"


@dataclass(frozen=True)
class Retention:
    """How long finished rows are kept."""

    keys: timedelta = timedelta(days=14)  # processed inbox rows and processed-message keys
    sent: timedelta = timedelta(days=30)  # sent outbox rows


@dataclass(frozen=True)
class Pruned:
    """How many rows one run deleted."""

    inbox_events: int
    processed_messages: int
    outbox_messages: int
    reminder_fires: int = 0  # older than the sent-message retention: their messages are gone
    link_codes: int = 0  # used or expired a day ago

    @property
    def total(self) -> int:
        """All rows deleted."""
        return (
            self.inbox_events
            + self.processed_messages
            + self.outbox_messages
            + self.reminder_fires
            + self.link_codes
        )


async def prune(
    storage: Storage, now: datetime, retention: Retention, *, batch: int = BATCH
) -> Pruned | None:
    """Delete finished rows older than the retention periods (relative to `now`).

    Returns:
        What was deleted, or None when another process is pruning right now.

    Raises:
        StorageError: the database failed; what was deleted before stays deleted.
    """
    lock = storage.locks.leader(LOCK_NAME)
    if not await lock.hold():
        return None
    try:
        keys_before, sent_before = now - retention.keys, now - retention.sent
        inbox = await _delete(
            storage,
            inbox_t,
            and_(inbox_t.c.processed_at.is_not(None), inbox_t.c.processed_at < keys_before),
            now,
            batch,
        )
        processed = await _delete(
            storage, processed_t, processed_t.c.processed_at < keys_before, now, batch
        )
        outbox = await _delete(
            storage,
            outbox_t,
            and_(outbox_t.c.status == "sent", outbox_t.c.sent_at < sent_before),
            now,
            batch,
        )
        fires = await _delete(storage, fire_t, fire_t.c.created_at < sent_before, now, batch)
        links = await _delete(
            storage,
            link_t,
            or_(link_t.c.used_at < now - LINK_GRACE, link_t.c.expires_at < now - LINK_GRACE),
            now,
            batch,
        )
    finally:
        await lock.release()
    return Pruned(inbox, processed, outbox, fires, links)


async def _delete(
    storage: Storage,
    table: Table,
    condition: ColumnElement[bool],
    now: datetime,
    batch: int,
) -> int:
    """Delete the rows matching `condition`, `batch` rows per transaction."""
    total = 0
    while True:
        chosen = select(table.c.id).where(condition).order_by(table.c.id).limit(batch)
        async with storage.unit_of_work(now) as uow:
            result = await uow.connection.execute(
                delete(table).where(table.c.id.in_(chosen.scalar_subquery()))
            )
        total += result.rowcount
        if result.rowcount < batch:
            return total


class RetentionRepository:
    """Deleting what is no longer needed (`Storage.retention`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def prune(
        self, now: datetime, retention: Retention, *, batch: int = BATCH
    ) -> Pruned | None:
        """See `prune`."""
        return await prune(self._storage, now, retention, batch=batch)


__all__ = ["BATCH", "LOCK_NAME", "Pruned", "Retention", "RetentionRepository", "prune"]
