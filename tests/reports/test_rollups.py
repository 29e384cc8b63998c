"""The rollups equal a recomputation from the log after random events (10,000 with
`make test-rollups`), including
profile changes, erasures and link merges, on SQLite and PostgreSQL; and a rollup that a
write path forgot is found by the reconciliation."""

from __future__ import annotations

import os
import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from bot.core.events import (
    CourseCompleted,
    LessonCompleted,
    ModuleCompleted,
    OfficialCertificationReported,
    QuizFinished,
)
from bot.core.state import Profile, TargetGroup
from storage import Storage
from storage.merge import merge_learners
from storage.progress import erase_learner, record_milestone, record_progress
from storage.repository import UnitOfWork
from storage.tables import learner_t, rollup_t
from storage.tallies import record_skill_confirmed, sync_enrolled

START = datetime(2026, 3, 1, tzinfo=UTC)
COMMUNES = [("01", "00004"), ("01", "00008"), ("79", "26734"), ("79", None), (None, None)]
GROUPS = [*TargetGroup, None]
# Batches of 100 random events: 2,500 in `make test` (about 15 ms an event through the real
# write paths on PostgreSQL); `make test-rollups` runs the 10,000 on both databases.
BATCHES = int(os.environ.get("ROLLUP_EVENTS", "2500")) // 100
LESSONS = {f"{module}{n}": module for module in "ABCDEF" for n in (1, 2, 3)}


async def _new_learner(uow: UnitOfWork, rng: random.Random) -> int:
    learner_id = await uow.connection.scalar(
        insert(learner_t)
        .values(
            public_id=secrets.token_hex(8),
            state="{}",
            created_at=uow.now,
            updated_at=uow.now,
            last_seen_at=uow.now,
        )
        .returning(learner_t.c.id)
    )
    assert learner_id is not None
    await _move(uow, learner_id, rng)
    return int(learner_id)


async def _move(uow: UnitOfWork, learner_id: int, rng: random.Random) -> None:
    """A new profile (or a withdrawn consent), saved as a turn saves it."""
    province, commune = rng.choice(COMMUNES)
    group = rng.choice(GROUPS)
    consent = rng.random() > 0.1
    await uow.connection.execute(
        update(learner_t)
        .where(learner_t.c.id == learner_id)
        .values(
            consent_version="1" if consent else None,
            province_code=province,
            commune_code=commune,
            target_group=group.value if group else None,
        )
    )
    await sync_enrolled(uow.connection, [learner_id], uow.now)


async def _profile(uow: UnitOfWork, learner_id: int) -> Profile:
    row = (
        await uow.connection.execute(select(learner_t).where(learner_t.c.id == learner_id))
    ).one()
    return Profile(
        province=row.province_code,
        commune=row.commune_code,
        group=TargetGroup(row.target_group) if row.target_group else None,
    )


async def _one_event(uow: UnitOfWork, learners: list[int], rng: random.Random) -> None:
    roll = rng.random()
    if not learners or roll < 0.08:
        learners.append(await _new_learner(uow, rng))
        return
    learner = rng.choice(learners)
    profile = await _profile(uow, learner) if roll < 0.92 else Profile()
    common: dict[str, Any] = {"channel": "web", "content_version": "t", "profile": profile}
    lesson = rng.choice(sorted(LESSONS))
    if roll < 0.45:
        event = LessonCompleted(lesson)
        await record_progress(
            uow, learner, event, module_of=LESSONS, assisted=rng.random() < 0.2, **common
        )
    elif roll < 0.75:
        passed = rng.random() < 0.7
        quiz = QuizFinished(lesson, rng.randint(1, 3), 3.0 if passed else 1.0, 4, passed)
        await record_progress(uow, learner, quiz, module_of=LESSONS, **common)
    elif roll < 0.82:
        milestone = rng.choice(
            [
                ModuleCompleted(rng.choice("ABCDEF")),
                CourseCompleted(),
                OfficialCertificationReported(),
            ]
        )
        await record_milestone(uow, learner, milestone, **common)
    elif roll < 0.88:
        await _move(uow, learner, rng)
    elif roll < 0.92:
        area = {
            "province_code": profile.province,
            "commune_code": profile.commune,
            "target_group": profile.group.value if profile.group else None,
        }
        await record_skill_confirmed(uow.connection, learner, rng.choice("xyz"), area, uow.now)
    elif roll < 0.96:
        learners.remove(learner)
        await erase_learner(uow, learner)
    elif len(learners) > 1:
        learners.remove(learner)
        keep = rng.choice(learners)
        await merge_learners(uow, keep=keep, drop=learner)
        # The turn that follows a merge saves the survivor (and so counts where it is).
        await sync_enrolled(uow.connection, [keep], uow.now)


@pytest.mark.timeout(1800)
async def test_rollups_equal_the_log_after_random_events(storage: Storage) -> None:
    rng = random.Random(20261202)
    learners: list[int] = []
    now = START
    for _ in range(BATCHES):
        async with storage.unit_of_work(now) as uow:
            for _ in range(100):
                await _one_event(uow, learners, rng)
        now += timedelta(minutes=rng.randint(5, 600))
    log = await storage.completion_events()
    kinds = {event["kind"] for event in log}
    assert {"lesson_completed", "quiz_passed", "module_completed", "course_completed"} <= kinds
    assert any(event["learner_id"] is None for event in log), "no erasure happened"
    assert await storage.rows("tally_event", kind="unenrolled")
    assert await storage.reports.reconcile() == []


async def test_a_write_the_rollups_missed_is_reported(storage: Storage) -> None:
    rng = random.Random(7)
    learners: list[int] = []
    async with storage.unit_of_work(START) as uow:
        for _ in range(50):
            await _one_event(uow, learners, rng)
    assert await storage.reports.reconcile() == []
    async with storage.unit_of_work(START) as uow:
        await uow.connection.execute(
            update(rollup_t)
            .where(rollup_t.c.id == select(rollup_t.c.id).limit(1).scalar_subquery())
            .values(lessons_completed=rollup_t.c.lessons_completed + 1)
        )
    differences = await storage.reports.reconcile()
    assert len(differences) == 1
    assert differences[0].column == "lessons_completed"
    assert differences[0].stored == differences[0].recomputed + 1
