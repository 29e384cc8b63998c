"""Merging the learner who typed a link code into the code's owner, in the caller's transaction.

The owner (`keep`) survives; the other learner (`drop`) is merged in and deleted, so progress is
one and nothing counts twice:

- state: `storage/merge_state.py` (what either achieved is united; the owner's place wins);
- quiz answers and completion events move to the owner, `drop`'s attempts renumbered after the
  owner's (attempt numbers stay unique per lesson); the once-per-learner milestones
  (module_completed, course_completed, vneid_reported) are kept once, the earliest;
- lesson progress: one row per lesson, the better status, the earliest times;
- certificates and channel identities move to the owner; `drop`'s link codes are deleted;
- reminders already fired move to the owner unless it has one for that day (at most one a day
  stays true), queued reminders for `drop` are deleted (the owner has its own), other queued
  messages (replies, announcements) still go to the same app, now as the owner's;
- ambassador roles: the owner's stays; `drop`'s moves to the owner when it has none, else it
  is kept for its villagers with no learner (as after an erasure). The first enrollment, and
  each confirmed skill once, move the same way; a family membership moves when the owner is in
  none (else `drop` leaves its family);
- processed-message keys carry no learner and stay.

A learner with no progress (a new app that never agreed) has nothing to merge: only its
identity moves, which is the same code path with empty statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, select, update
from sqlalchemy.orm import aliased

from bot.core.state import LearnerState
from storage.families import merge_family
from storage.merge_state import merged_state
from storage.repository import UnitOfWork
from storage.tables import (
    ambassador_t,
    answer_t,
    assisted_t,
    certificate_t,
    completion_t,
    contest_attempt_t,
    enrollment_t,
    fire_t,
    identity_t,
    learner_t,
    link_t,
    official_t,
    outbox_t,
    progress_t,
    skill_t,
)
from storage.tallies import merge_log
from storage.turns import LearnerRecord

# Milestones recorded once per learner (per module for module_completed).
ONCE_PER_LEARNER = ("module_completed", "course_completed", "vneid_reported")
# Lesson statuses, worst to best: the merged row keeps the better one.
STATUS_RANK = {"started": 0, "read": 1, "failed": 2, "passed": 3}
# Queued reminders are the owner's schedule to make; the merged learner's own come instead.
REMINDER_KIND = "reminder"


@dataclass(frozen=True)
class Survivor:
    """The merged learner, as the service runs the turn on it."""

    learner: LearnerRecord
    consent_version: str | None
    consent_at: datetime | None


async def merge_learners(uow: UnitOfWork, *, keep: int, drop: int) -> Survivor:
    """Merge learner `drop` into learner `keep` and delete `drop` (see the module docstring)."""
    conn = uow.connection
    # The owner's row is locked: a turn of the owner on its other app (another process) waits
    # for the merge, then reads the merged state (`storage/turns.py` locks the same rows).
    owner = (
        await conn.execute(select(learner_t).where(learner_t.c.id == keep).with_for_update())
    ).one()
    other = (await conn.execute(select(learner_t).where(learner_t.c.id == drop))).one()
    keep_state = LearnerState.from_json(owner.state)
    drop_state = LearnerState.from_json(other.state)
    offsets = {
        lesson: keep_state.attempts.get(lesson, 0)
        for lesson, count in drop_state.attempts.items()
        if count and keep_state.attempts.get(lesson, 0)
    }
    await _move_answers_and_events(uow, keep, drop, offsets)
    await _merge_progress(uow, keep, drop, offsets)
    await _move_the_rest(uow, keep, drop)
    state = merged_state(keep_state, drop_state)
    await conn.execute(
        update(learner_t)
        .where(learner_t.c.id == keep)
        .values(
            state=state.to_json(),
            vneid_reported_at=_earliest(owner.vneid_reported_at, other.vneid_reported_at),
            updated_at=uow.now,
        )
    )
    await conn.execute(delete(learner_t).where(learner_t.c.id == drop))
    return Survivor(
        LearnerRecord(keep, owner.public_id, state, False),
        owner.consent_version or other.consent_version,
        owner.consent_at or other.consent_at,
    )


async def _move_answers_and_events(
    uow: UnitOfWork, keep: int, drop: int, offsets: dict[str, int]
) -> None:
    conn = uow.connection
    if offsets:
        renumber = [{"b_lesson": lesson, "b_offset": offset} for lesson, offset in offsets.items()]
        for table in (answer_t, completion_t):
            await conn.execute(
                update(table)
                .where(
                    table.c.learner_id == drop,
                    table.c.lesson_id == bindparam("b_lesson"),
                    table.c.attempt.is_not(None),
                )
                .values(attempt=table.c.attempt + bindparam("b_offset")),
                renumber,
            )
    await conn.execute(
        update(answer_t).where(answer_t.c.learner_id == drop).values(learner_id=keep)
    )
    # A milestone the two reached apart is one learner's milestone: the first one stays.
    await merge_log(conn, keep, drop, ONCE_PER_LEARNER, uow.now)


async def _merge_progress(uow: UnitOfWork, keep: int, drop: int, offsets: dict[str, int]) -> None:
    conn = uow.connection
    rows = (
        await conn.execute(select(progress_t).where(progress_t.c.learner_id.in_((keep, drop))))
    ).mappings()
    kept: dict[str, Any] = {}
    dropped: list[Any] = []
    for row in rows:
        if row["learner_id"] == keep:
            kept[row["lesson_id"]] = row
        else:
            dropped.append(row)
    for row in dropped:
        offset = offsets.get(row["lesson_id"], 0)
        attempts = row["attempts"] + offset if row["attempts"] else 0
        mine = kept.get(row["lesson_id"])
        if mine is None:
            await conn.execute(
                update(progress_t)
                .where(progress_t.c.id == row["id"])
                .values(learner_id=keep, attempts=attempts)
            )
            continue
        await conn.execute(delete(progress_t).where(progress_t.c.id == row["id"]))
        better = max((mine, row), key=lambda r: STATUS_RANK.get(r["status"], 0))
        await conn.execute(
            update(progress_t)
            .where(progress_t.c.id == mine["id"])
            .values(
                status=better["status"],
                attempts=max(mine["attempts"], attempts),
                best_score=_most(mine["best_score"], row["best_score"]),
                started_at=min(mine["started_at"], row["started_at"]),
                read_at=_earliest(mine["read_at"], row["read_at"]),
                passed_at=_earliest(mine["passed_at"], row["passed_at"]),
                updated_at=max(mine["updated_at"], row["updated_at"]),
            )
        )


async def _move_the_rest(uow: UnitOfWork, keep: int, drop: int) -> None:
    conn = uow.connection
    for table in (certificate_t, identity_t):
        await conn.execute(update(table).where(table.c.learner_id == drop).values(learner_id=keep))
    await conn.execute(delete(link_t).where(link_t.c.learner_id == drop))
    await _move_ambassador_rows(uow, keep, drop)
    owners = aliased(fire_t)
    await conn.execute(
        update(fire_t)
        .where(
            fire_t.c.learner_id == drop,
            ~exists().where(
                and_(
                    owners.c.learner_id == keep,
                    owners.c.kind == fire_t.c.kind,
                    owners.c.day == fire_t.c.day,
                )
            ),
        )
        .values(learner_id=keep)
    )
    await conn.execute(delete(fire_t).where(fire_t.c.learner_id == drop))
    await conn.execute(
        delete(outbox_t).where(outbox_t.c.learner_id == drop, outbox_t.c.kind == REMINDER_KIND)
    )
    await conn.execute(
        update(outbox_t).where(outbox_t.c.learner_id == drop).values(learner_id=keep)
    )


async def _move_ambassador_rows(uow: UnitOfWork, keep: int, drop: int) -> None:
    """Roles, enrollments, confirmed skills and assisted rows: one each, the owner's first."""
    conn = uow.connection
    for table in (ambassador_t, official_t, enrollment_t, assisted_t):
        owned = await conn.scalar(select(func.count()).where(table.c.learner_id == keep))
        if not owned:
            await conn.execute(
                update(table).where(table.c.learner_id == drop).values(learner_id=keep)
            )
    for table in (ambassador_t, official_t):
        await conn.execute(update(table).where(table.c.learner_id == drop).values(learner_id=None))
    for table in (enrollment_t, assisted_t):
        await conn.execute(delete(table).where(table.c.learner_id == drop))
    owners = aliased(skill_t)
    await conn.execute(
        update(skill_t)
        .where(
            skill_t.c.learner_id == drop,
            ~exists().where(and_(owners.c.learner_id == keep, owners.c.skill == skill_t.c.skill)),
        )
        .values(learner_id=keep)
    )
    await conn.execute(delete(skill_t).where(skill_t.c.learner_id == drop))
    await merge_family(uow, keep, drop)
    # Contest attempts: one per contest and person; a second one (played on the other app
    # before linking) stays counted in its commune's standings, unlinked.
    mine = aliased(contest_attempt_t)
    await conn.execute(
        update(contest_attempt_t)
        .where(
            contest_attempt_t.c.learner_id == drop,
            ~exists().where(
                and_(
                    mine.c.learner_id == keep,
                    mine.c.contest_id == contest_attempt_t.c.contest_id,
                )
            ),
        )
        .values(learner_id=keep)
    )
    await conn.execute(
        update(contest_attempt_t)
        .where(contest_attempt_t.c.learner_id == drop)
        .values(learner_id=None)
    )


def _earliest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return first if second is None else second
    return min(first, second)


def _most(first: float | None, second: float | None) -> float | None:
    if first is None or second is None:
        return first if second is None else second
    return max(first, second)


__all__ = ["ONCE_PER_LEARNER", "Survivor", "merge_learners"]
