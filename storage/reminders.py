"""Reminders: which learners may be due one now, and recording each fire exactly once.

The reminder job (`bot/reminders/job.py`) asks for `candidates` page by page: the database does
the heavy filtering (consent, the slot's time has come, not off, nothing fired today, no step
completed today, last activity on a day that may call for a reminder, a reachable identity),
the job's pure policy has the last word. `fire` then writes one `scheduled_fire` row per
learner and local day (unique) and, only for the rows it really inserted, the outbox message,
in one transaction: a second worker, a re-run or a restart finds the row and sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, select

from bot.core.state import LearnerState
from storage.db import as_utc, insert_ignore
from storage.outbox import outbox_row, reachable_identities
from storage.repository import Storage, UnitOfWork
from storage.tables import fire_t, identity_t, learner_t, outbox_t

KIND = "reminder"  # scheduled_fire.kind and outbox_message.kind


@dataclass(frozen=True)
class ReminderFilter:
    """What the database keeps for one run of the reminder job (times in UTC).

    Attributes:
        day: the local day; one reminder per learner and day.
        slots: the stored slot values whose time has come.
        unset_due: whether learners who chose no slot (NULL) are due too.
        seen_ranges: [start, end) ranges of the last message that may call for a reminder.
        step_days: dates of the last completed step that may call for one.
        seen_before: the last message must be no later than this.
        channels: only identities on these channels (None: any).
    """

    day: date
    slots: frozenset[str]
    unset_due: bool
    seen_ranges: tuple[tuple[datetime, datetime], ...]
    step_days: tuple[date, ...]
    seen_before: datetime
    channels: frozenset[str] | None = None


@dataclass(frozen=True)
class ReminderCandidate:
    """A learner who may be due a reminder. `channel`/`recipient` are None when no identity
    can be written to (blocked everywhere, or only on channels not running)."""

    learner_id: int
    locale: str | None
    state: LearnerState
    reminder_slot: str | None
    last_step_on: date | None
    last_seen_at: datetime
    fired_before: int  # reminders fired on earlier days (the template rotation)
    channel: str | None
    recipient: str | None


@dataclass(frozen=True)
class ReminderFire:
    """A reminder to record and queue."""

    learner_id: int
    day: date
    channel: str
    recipient: str
    payload: dict[str, Any]


def reminder_key(learner_id: int, day: date) -> str:
    """The outbox de-duplication key of a learner's reminder of one day."""
    return f"{KIND}:{learner_id}:{day.isoformat()}"


async def record_fires(
    uow: UnitOfWork, kind: str, fires: Sequence[tuple[int, date]]
) -> set[tuple[int, date]]:
    """Record (learner id, local day) fires of `kind`; the ones recorded now (not by an earlier
    run, a restart or another worker), which alone may be sent. Callers pass them in learner
    order, so two workers recording the same fires never deadlock."""
    result = await uow.connection.execute(
        insert_ignore(uow.dialect, fire_t).returning(fire_t.c.learner_id, fire_t.c.day),
        [
            {"learner_id": learner, "kind": kind, "day": day, "created_at": uow.now}
            for learner, day in fires
        ],
    )
    return {(row.learner_id, row.day) for row in result}


class Reminders:
    """Reminder fires (`Storage.reminders`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def candidates(
        self, due: ReminderFilter, *, after: int = 0, limit: int = 500
    ) -> list[ReminderCandidate]:
        """Up to `limit` learners with an id above `after` who pass `due`, by id. A page
        shorter than `limit` is the last.

        Raises:
            StorageError: the database could not be read.
        """
        learner = learner_t.c
        fired_today = exists().where(
            fire_t.c.learner_id == learner.id, fire_t.c.kind == KIND, fire_t.c.day == due.day
        )
        fired_before = (
            select(func.count())
            .where(fire_t.c.learner_id == learner.id, fire_t.c.kind == KIND)
            .scalar_subquery()
        )
        recent = [
            and_(learner.last_seen_at >= start, learner.last_seen_at < end)
            for start, end in due.seen_ranges
        ]
        page = (
            select(
                learner.id,
                learner.locale,
                learner.state,
                learner.reminder_slot,
                learner.last_step_on,
                learner.last_seen_at,
                fired_before.label("fired_before"),
            )
            .where(
                learner.id > after,
                learner.consent_version.is_not(None),
                or_(
                    learner.reminder_slot.in_(sorted(due.slots)),
                    learner.reminder_slot.is_(None) if due.unset_due else false(),
                ),
                or_(learner.last_step_on.is_(None), learner.last_step_on != due.day),
                learner.last_seen_at <= due.seen_before,
                or_(*recent, learner.last_step_on.in_(due.step_days)),
                ~fired_today,
            )
            .order_by(learner.id)
            .limit(limit)
            .subquery()
        )
        conditions = [identity_t.c.learner_id.in_(select(page.c.id))]
        if due.channels is not None:
            conditions.append(identity_t.c.channel.in_(sorted(due.channels)))
        chosen = reachable_identities(*conditions).subquery()
        query = (
            select(page, chosen.c.channel, chosen.c.external_id)
            .select_from(page.outerjoin(chosen, chosen.c.learner_id == page.c.id))
            .order_by(page.c.id)
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).all()
        return [
            ReminderCandidate(
                learner_id=row.id,
                locale=row.locale,
                state=LearnerState.from_json(row.state),
                reminder_slot=row.reminder_slot,
                last_step_on=row.last_step_on,
                last_seen_at=as_utc(row.last_seen_at),
                fired_before=row.fired_before,
                channel=row.channel,
                recipient=row.external_id,
            )
            for row in rows
        ]

    async def fire(self, uow: UnitOfWork, fires: Sequence[ReminderFire]) -> frozenset[int]:
        """Record each reminder (one row per learner and day) and queue its message, in the
        caller's transaction. A learner whose reminder of that day was recorded before (by a
        re-run, a restart or another worker) gets nothing. Returns the learners queued.

        Raises:
            StorageError: nothing was recorded (the transaction is rolled back).
        """
        if not fires:
            return frozenset()
        conn, now = uow.connection, uow.now
        # In learner order, so two workers recording the same fires never deadlock.
        ordered = sorted(fires, key=lambda fire: (fire.learner_id, fire.day))
        recorded = await record_fires(uow, KIND, [(f.learner_id, f.day) for f in ordered])
        queued = [f for f in ordered if (f.learner_id, f.day) in recorded]
        if queued:
            await conn.execute(
                insert_ignore(uow.dialect, outbox_t),
                [
                    outbox_row(
                        channel=f.channel,
                        recipient=f.recipient,
                        payload=f.payload,
                        now=now,
                        learner_id=f.learner_id,
                        kind=KIND,
                        dedupe_key=reminder_key(f.learner_id, f.day),
                        not_before=None,
                    )
                    for f in queued
                ],
            )
        return frozenset(f.learner_id for f in queued)

    async def fired_days(self, learner_id: int) -> list[date]:
        """The local days a learner was reminded on, oldest first (tests, the CLI).

        Raises:
            StorageError: the database could not be read.
        """
        query = (
            select(fire_t.c.day)
            .where(fire_t.c.learner_id == learner_id, fire_t.c.kind == KIND)
            .order_by(fire_t.c.day)
        )
        async with self._storage.reading() as conn:
            return list((await conn.scalars(query)).all())


__all__ = [
    "KIND",
    "ReminderCandidate",
    "ReminderFilter",
    "ReminderFire",
    "Reminders",
    "reminder_key",
]
