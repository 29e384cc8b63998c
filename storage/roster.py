"""An ambassador's roster, their nudges and the real-world skills they confirm; the weekly
summary's fires.

    load()            the villagers of the ambassador a learner is (`Context.roster`): those
                      enrolled through their invite and those they learn with ("học cùng"),
                      with progress, last activity, reminders, reach, skills and nudges
    real_skills()     a learner's confirmed real-world skills (`Context.real_skills`, /tiendo)
    record_nudge()    a `NudgeQueued` event, in the ambassador's turn: one `scheduled_fire`
                      row (kind "nudge") per villager and local day, and only then the message
    record_skill()    a `SkillConfirmed` event: who confirmed which skill, when, with the
                      villager's profile at that time (reports never join the learner)
    weekly_due()      ambassadors who have not had this week's summary yet
    week_activity()   what an ambassador's villagers did in a week
    fire_weekly()     this week's summary, once per ambassador (kind "weekly", day = Monday)

Everything is read per ambassador, never across ambassadors: an ambassador sees the progress of
the people they enrolled, nothing else.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.events import NudgeQueued, SkillConfirmed
from bot.core.messages import Choice, Reply, ReplyKind
from bot.core.skills import ConfirmedSkill
from bot.core.villagers import ASSISTED, Roster, Villager
from storage.db import as_utc, insert_ignore
from storage.outbox import EXPIRES_AT, outbox_row, reachable_identities
from storage.reminders import record_fires
from storage.repository import Storage, UnitOfWork
from storage.tables import (
    ambassador_t,
    assisted_t,
    completion_t,
    enrollment_t,
    fire_t,
    identity_t,
    learner_t,
    outbox_t,
    progress_t,
    skill_t,
)
from storage.tallies import record_skill_confirmed
from storage.villager_rows import NUDGE, describe_villagers

WEEKLY = "weekly"  # scheduled_fire.kind (day: the week's Monday) and outbox kind of a summary


def nudge_key(learner_id: int, day: date) -> str:
    """The outbox de-duplication key of a villager's nudge of one day."""
    return f"{NUDGE}:{learner_id}:{day.isoformat()}"


def weekly_key(learner_id: int, monday: date) -> str:
    """The outbox de-duplication key of an ambassador's summary of one week."""
    return f"{WEEKLY}:{learner_id}:{monday.isoformat()}"


@dataclass(frozen=True)
class WeeklyCandidate:
    """An ambassador due this week's summary; `channel`/`recipient` are None when none of
    their apps can be written to."""

    ambassador_id: int
    learner_id: int
    locale: str | None
    commune: str
    channel: str | None
    recipient: str | None


@dataclass(frozen=True)
class WeekActivity:
    """What an ambassador's villagers did in one week."""

    lessons_passed: int
    courses_completed: int


@dataclass(frozen=True)
class WeeklyFire:
    """This week's summary for one ambassador (learner `learner_id`): `payload` to queue on
    `channel` for `recipient`, or None to record the week as done with nothing to send (no
    villagers yet)."""

    learner_id: int
    monday: date
    channel: str | None = None
    recipient: str | None = None
    payload: dict[str, Any] | None = None


async def _ambassador_id(conn: AsyncConnection, learner_id: int) -> int | None:
    found = await conn.scalar(
        select(ambassador_t.c.id).where(ambassador_t.c.learner_id == learner_id)
    )
    return int(found) if found is not None else None


async def _villagers(
    conn: AsyncConnection, ambassador_id: int, today: date
) -> tuple[Villager, ...]:
    """The roster's villagers, numbered in the order they joined."""
    joined: dict[int, dict[str, Any]] = {}
    rows = await conn.execute(
        select(
            enrollment_t.c.learner_id,
            enrollment_t.c.channel,
            enrollment_t.c.via,
            enrollment_t.c.enrolled_at,
        ).where(enrollment_t.c.ambassador_id == ambassador_id)
    )
    for row in rows:
        joined[row.learner_id] = {
            "joined_at": as_utc(row.enrolled_at),
            "via": row.via,
            "channel": None if row.via == ASSISTED else row.channel,
            "alias": None,
        }
    rows = await conn.execute(
        select(assisted_t.c.learner_id, assisted_t.c.alias, assisted_t.c.attested_at).where(
            assisted_t.c.ambassador_id == ambassador_id
        )
    )
    for row in rows:
        attested = as_utc(row.attested_at)
        known = joined.get(row.learner_id)
        joined[row.learner_id] = {
            "joined_at": min(attested, known["joined_at"]) if known else attested,
            "via": ASSISTED,
            "channel": None,
            "alias": row.alias,
        }
    return await describe_villagers(conn, joined, today)


class Rosters:
    """Ambassadors' rosters, nudges, confirmed skills and weekly summaries (`Storage.roster`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def load(
        self, learner_id: int, *, today: date, uow: UnitOfWork | None = None
    ) -> Roster | None:
        """The roster of the ambassador learner `learner_id` is (None: they are none), with the
        nudges queued for `today` (local) or later; in `uow` or a read of its own.

        Raises:
            StorageError: the database could not be read.
        """
        if uow is not None:
            return await self._load(uow.connection, learner_id, today)
        async with self._storage.reading() as conn:
            return await self._load(conn, learner_id, today)

    async def _load(self, conn: AsyncConnection, learner_id: int, today: date) -> Roster | None:
        ambassador = await _ambassador_id(conn, learner_id)
        if ambassador is None:
            return None
        return Roster(ambassador, await _villagers(conn, ambassador, today))

    async def real_skills(
        self, learner_id: int, uow: UnitOfWork | None = None
    ) -> tuple[ConfirmedSkill, ...]:
        """The real-world skills confirmed for learner `learner_id`, oldest first.

        Raises:
            StorageError: the database could not be read.
        """
        query = (
            select(skill_t.c.skill, skill_t.c.confirmed_at)
            .where(skill_t.c.learner_id == learner_id)
            .order_by(skill_t.c.confirmed_at, skill_t.c.id)
        )
        if uow is not None:
            rows = (await uow.connection.execute(query)).all()
        else:
            async with self._storage.reading() as conn:
                rows = (await conn.execute(query)).all()
        return tuple(ConfirmedSkill(row.skill, as_utc(row.confirmed_at)) for row in rows)

    async def weekly_due(
        self,
        monday: date,
        *,
        after: int = 0,
        limit: int = 500,
        channels: Collection[str] | None = None,
    ) -> list[WeeklyCandidate]:
        """Up to `limit` ambassadors (by learner id, above `after`) who agreed and have no
        summary of the week starting `monday` yet. A page shorter than `limit` is the last.

        Raises:
            StorageError: the database could not be read.
        """
        fired = exists().where(
            fire_t.c.learner_id == ambassador_t.c.learner_id,
            fire_t.c.kind == WEEKLY,
            fire_t.c.day == monday,
        )
        page = (
            select(
                ambassador_t.c.id.label("ambassador_id"),
                ambassador_t.c.commune_code,
                learner_t.c.id.label("learner_id"),
                learner_t.c.locale,
            )
            .join(learner_t, learner_t.c.id == ambassador_t.c.learner_id)
            .where(learner_t.c.id > after, learner_t.c.consent_version.is_not(None), ~fired)
            .order_by(learner_t.c.id)
            .limit(limit)
            .subquery()
        )
        conditions = [identity_t.c.learner_id.in_(select(page.c.learner_id))]
        if channels is not None:
            conditions.append(identity_t.c.channel.in_(sorted(channels)))
        chosen = reachable_identities(*conditions).subquery()
        query = (
            select(page, chosen.c.channel, chosen.c.external_id)
            .select_from(page.outerjoin(chosen, chosen.c.learner_id == page.c.learner_id))
            .order_by(page.c.learner_id)
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).all()
        return [
            WeeklyCandidate(
                row.ambassador_id,
                row.learner_id,
                row.locale,
                row.commune_code,
                row.channel,
                row.external_id,
            )
            for row in rows
        ]

    async def week_activity(
        self, ambassador_id: int, start: datetime, end: datetime
    ) -> WeekActivity:
        """Lessons first passed and courses completed in [start, end) by the villagers of
        ambassador `ambassador_id` (enrolled or learning with them).

        Raises:
            StorageError: the database could not be read.
        """
        villagers = (
            select(enrollment_t.c.learner_id)
            .where(enrollment_t.c.ambassador_id == ambassador_id)
            .union(
                select(assisted_t.c.learner_id).where(assisted_t.c.ambassador_id == ambassador_id)
            )
        )
        ids = select(villagers.subquery().c.learner_id)
        lessons = select(func.count()).where(
            progress_t.c.learner_id.in_(ids),
            progress_t.c.passed_at >= start,
            progress_t.c.passed_at < end,
        )
        courses = select(func.count()).where(
            completion_t.c.learner_id.in_(ids),
            completion_t.c.kind == "course_completed",
            and_(completion_t.c.occurred_at >= start, completion_t.c.occurred_at < end),
        )
        async with self._storage.reading() as conn:
            passed = await conn.scalar(lessons)
            completed = await conn.scalar(courses)
        return WeekActivity(int(passed or 0), int(completed or 0))

    async def fire_weekly(self, uow: UnitOfWork, fires: Sequence[WeeklyFire]) -> frozenset[int]:
        """Record each ambassador's summary of the week (one row per ambassador and week) and
        queue its message, in the caller's transaction. An ambassador whose week was recorded
        before (a re-run, a restart, another worker) gets nothing. Returns the ambassadors'
        learner ids whose summary was queued.

        Raises:
            StorageError: nothing was recorded (the transaction is rolled back).
        """
        if not fires:
            return frozenset()
        conn, now = uow.connection, uow.now
        # In learner order, so two workers recording the same fires never deadlock.
        ordered = sorted(fires, key=lambda fire: (fire.learner_id, fire.monday))
        recorded = await record_fires(uow, WEEKLY, [(f.learner_id, f.monday) for f in ordered])
        queued = [
            f
            for f in ordered
            if (f.learner_id, f.monday) in recorded
            and f.payload is not None
            and f.channel is not None
            and f.recipient is not None
        ]
        if queued:
            await conn.execute(
                insert_ignore(uow.dialect, outbox_t),
                [
                    outbox_row(
                        channel=f.channel or "",
                        recipient=f.recipient or "",
                        payload=f.payload or {},
                        now=now,
                        learner_id=f.learner_id,
                        kind=WEEKLY,
                        dedupe_key=weekly_key(f.learner_id, f.monday),
                        not_before=None,
                    )
                    for f in queued
                ],
            )
        return frozenset(f.learner_id for f in queued)


async def record_nudge(uow: UnitOfWork, event: NudgeQueued) -> bool:
    """Write a `NudgeQueued` event: the villager's nudge of `event.day`, once. Whether it was
    queued (not when one was recorded for that day already, or no app of theirs can be
    written to any more)."""
    conn = uow.connection
    target = (
        await conn.execute(reachable_identities(identity_t.c.learner_id == event.learner_id))
    ).first()
    if target is None:
        return False
    recorded = (
        await conn.execute(
            insert_ignore(uow.dialect, fire_t).returning(fire_t.c.id),
            [
                {
                    "learner_id": event.learner_id,
                    "kind": NUDGE,
                    "day": event.day,
                    "created_at": uow.now,
                }
            ],
        )
    ).first()
    if recorded is None:
        return False
    reply = Reply(
        event.text,
        tuple(Choice(choice_id, label) for choice_id, label in event.choices),
        kind=ReplyKind.REMINDER,
    )
    payload = {"replies": [reply.to_json()], EXPIRES_AT: event.expires_at.isoformat()}
    await conn.execute(
        insert_ignore(uow.dialect, outbox_t).values(
            outbox_row(
                channel=target.channel,
                recipient=target.external_id,
                payload=payload,
                now=uow.now,
                learner_id=event.learner_id,
                kind=NUDGE,
                dedupe_key=nudge_key(event.learner_id, event.day),
                not_before=event.not_before,
            )
        )
    )
    return True


async def record_skill(uow: UnitOfWork, event: SkillConfirmed) -> None:
    """Write a `SkillConfirmed` event: kept only when the villager is on the confirming
    ambassador's roster; the first confirmation of a skill stays."""
    conn = uow.connection
    villagers = (
        select(enrollment_t.c.learner_id)
        .where(enrollment_t.c.ambassador_id == event.ambassador_id)
        .union(
            select(assisted_t.c.learner_id).where(
                assisted_t.c.ambassador_id == event.ambassador_id
            )
        )
        .subquery()
    )
    on_roster = await conn.scalar(
        select(villagers.c.learner_id).where(villagers.c.learner_id == event.learner_id)
    )
    if on_roster is None:
        return
    profile = (
        await conn.execute(
            select(
                learner_t.c.province_code, learner_t.c.commune_code, learner_t.c.target_group
            ).where(learner_t.c.id == event.learner_id)
        )
    ).first()
    area = {
        "province_code": profile.province_code if profile else None,
        "commune_code": profile.commune_code if profile else None,
        "target_group": profile.target_group if profile else None,
    }
    written = await conn.execute(
        insert_ignore(uow.dialect, skill_t).values(
            learner_id=event.learner_id,
            skill=event.skill[:32],
            confirmed_by=event.ambassador_id,
            confirmed_at=uow.now,
            **area,
        )
    )
    if written.rowcount:
        await record_skill_confirmed(conn, event.learner_id, event.skill, area, uow.now)


__all__ = [
    "NUDGE",
    "WEEKLY",
    "Rosters",
    "WeekActivity",
    "WeeklyCandidate",
    "WeeklyFire",
    "nudge_key",
    "record_nudge",
    "record_skill",
    "weekly_key",
]
