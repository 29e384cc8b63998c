"""Learners as an ambassador's roster and a family's screen show them: progress, last
activity, reminders, reach, skills and the nudges already queued (`Villager`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.skills import ConfirmedSkill
from bot.core.state import LearnerState, ReminderSlot
from bot.core.villagers import Villager
from storage.db import as_utc
from storage.outbox import reachable_identities
from storage.tables import fire_t, identity_t, learner_t, progress_t, skill_t

NUDGE = "nudge"  # scheduled_fire.kind and outbox_message.kind of a nudge (ambassador, family)


async def describe_villagers(
    conn: AsyncConnection, joined: dict[int, dict[str, Any]], today: date
) -> tuple[Villager, ...]:
    """Learners as the roster shows them (progress, reach, nudges from `today` on), numbered
    in the order they joined: `joined` gives each one's "joined_at", "via", "channel" and
    "alias" (also the family screen's, `storage/families.py`)."""
    if not joined:
        return ()
    ids = sorted(joined)
    learners = {
        row.id: row
        for row in await conn.execute(
            select(
                learner_t.c.id,
                learner_t.c.locale,
                learner_t.c.last_seen_at,
                learner_t.c.last_step_on,
                learner_t.c.reminder_slot,
                learner_t.c.state,
            ).where(learner_t.c.id.in_(ids))
        )
    }
    passed: dict[int, set[str]] = defaultdict(set)
    # The lesson they opened last (their state's current lesson: opening one touches its row),
    # so a nudge names the lesson its "Learn now" button opens.
    current: dict[int, tuple[datetime, str]] = {}
    for lesson in await conn.execute(
        select(
            progress_t.c.learner_id,
            progress_t.c.lesson_id,
            progress_t.c.status,
            progress_t.c.updated_at,
        ).where(progress_t.c.learner_id.in_(ids))
    ):
        if lesson.status == "passed":
            passed[lesson.learner_id].add(lesson.lesson_id)
        touched = (as_utc(lesson.updated_at), lesson.lesson_id)
        current[lesson.learner_id] = max(current.get(lesson.learner_id, touched), touched)
    skills: dict[int, list[ConfirmedSkill]] = defaultdict(list)
    for skill in await conn.execute(
        select(skill_t.c.learner_id, skill_t.c.skill, skill_t.c.confirmed_at).where(
            skill_t.c.learner_id.in_(ids)
        )
    ):
        skills[skill.learner_id].append(ConfirmedSkill(skill.skill, as_utc(skill.confirmed_at)))
    nudged: dict[int, set[date]] = defaultdict(set)
    for fire in await conn.execute(
        select(fire_t.c.learner_id, fire_t.c.day).where(
            fire_t.c.learner_id.in_(ids), fire_t.c.kind == NUDGE, fire_t.c.day >= today
        )
    ):
        nudged[fire.learner_id].add(fire.day)
    reach = {
        row.learner_id: row.channel
        for row in await conn.execute(reachable_identities(identity_t.c.learner_id.in_(ids)))
    }
    order = sorted(
        (learner for learner in ids if learner in learners),
        key=lambda learner: (joined[learner]["joined_at"], learner),
    )
    return tuple(
        Villager(
            learner_id=learner,
            number=number,
            joined_at=joined[learner]["joined_at"],
            via=joined[learner]["via"],
            channel=joined[learner]["channel"],
            alias=joined[learner]["alias"],
            last_seen_at=as_utc(learners[learner].last_seen_at),
            last_step_on=learners[learner].last_step_on,
            passed=frozenset(passed[learner]),
            lesson_id=current[learner][1] if learner in current else None,
            locale=learners[learner].locale,
            reminders_off=learners[learner].reminder_slot == ReminderSlot.OFF.value,
            reach=reach.get(learner),
            skills=tuple(skills[learner]),
            nudged_on=frozenset(nudged[learner]),
            state=LearnerState.from_json(learners[learner].state),
        )
        for number, learner in enumerate(order, 1)
    )


__all__ = ["NUDGE", "describe_villagers"]
