"""Summaries built from the rollups: the counters, the scope, targets, former communes,
erasure, the weekly trend; on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, update

from bot.core.events import CourseCompleted, LessonCompleted, ModuleCompleted, QuizFinished
from bot.core.scope import Scope
from bot.core.state import OfficialKind, Profile, TargetGroup
from bot.places import Places, Successors
from bot.places.data import load_places
from bot.reports.build import OutOfScope, ReportContext, build_summary
from bot.reports.model import SUPPRESSED, Filters, document
from storage import Storage, TargetRow
from storage.progress import erase_learner, record_milestone, record_progress
from storage.tables import learner_t
from storage.tallies import sync_enrolled

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HANOI, BA_DINH, HOAN_KIEM = "01", "00004", "00070"
VUNG_TAU_PROVINCE, VUNG_TAU = "79", "26506"
FORMER = "99001"  # a code the admin data no longer has: Ba Đình took it over
NOW = datetime(2026, 6, 30, 5, tzinfo=UTC)  # 12:00 local on 30 June
ADMIN = Scope(OfficialKind.ADMIN)
LESSONS = {"A1": "A", "A2": "A", "B1": "B"}


@cache
def _places() -> Places:
    return load_places()


def _context() -> ReportContext:
    places = _places()
    successors = Successors.parse(
        ["old_code,new_code,since_data_version,note", f"{FORMER},{BA_DINH},2025-10-18,test"],
        places,
    )
    return ReportContext(places, successors, ZONE, "2026.06")


async def _learner(
    storage: Storage,
    when: datetime,
    commune: str | None,
    group: TargetGroup | None,
    province: str = HANOI,
) -> tuple[int, Profile]:
    profile = Profile(province=province, commune=commune, group=group)
    async with storage.unit_of_work(when) as uow:
        learner = await uow.connection.scalar(
            insert(learner_t)
            .values(
                public_id=secrets.token_hex(8),
                state="{}",
                created_at=when,
                updated_at=when,
                last_seen_at=when,
                consent_version="1",
                province_code=province,
                commune_code=commune,
                target_group=group.value if group else None,
            )
            .returning(learner_t.c.id)
        )
        assert learner is not None
        await sync_enrolled(uow.connection, [learner], when)
    return int(learner), profile


async def _lesson(
    storage: Storage, learner: int, profile: Profile, when: datetime, lesson: str = "A1"
) -> None:
    async with storage.unit_of_work(when) as uow:
        await record_progress(
            uow, learner, LessonCompleted(lesson), channel="web", content_version="t",
            module_of=LESSONS, profile=profile,
        )  # fmt: skip


async def _finish(storage: Storage, learner: int, profile: Profile, when: datetime) -> None:
    async with storage.unit_of_work(when) as uow:
        for event in (ModuleCompleted("A"), CourseCompleted()):
            await record_milestone(
                uow, learner, event, channel="web", content_version="t", profile=profile
            )


async def test_counters_for_a_commune(storage: Storage) -> None:
    early = datetime(2026, 6, 1, 3, tzinfo=UTC)
    recent = NOW - timedelta(days=2)
    learners = [await _learner(storage, early, BA_DINH, TargetGroup.RESIDENTS) for _ in range(6)]
    for learner, profile in learners[:5]:
        await _lesson(storage, learner, profile, early)
    for learner, profile in learners[:2]:
        await _lesson(storage, learner, profile, recent, "B1")
        async with storage.unit_of_work(recent) as uow:
            await record_progress(
                uow, learner, QuizFinished("B1", 1, 4.0, 4, True), channel="web",
                content_version="t", module_of=LESSONS, profile=profile,
            )  # fmt: skip
        await _finish(storage, learner, profile, recent)
    other, other_profile = await _learner(storage, early, HOAN_KIEM, TargetGroup.PUPILS)
    await _lesson(storage, other, other_profile, early)

    commune = Scope(OfficialKind.COMMUNE, HANOI, BA_DINH)
    summary = await build_summary(storage, _context(), commune, Filters(), NOW)
    assert (summary.start, summary.end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert {row.commune for row in summary.rows} == {BA_DINH}
    (row,) = [row for row in summary.rows if row.module is None]
    assert row.counts == {
        "enrolled": 6,
        "active_7d": 2,
        "lessons_completed": 7,
        "quizzes_passed": 2,
        "course_completed": 2,
        "assisted": 0,
        "skills_confirmed": 0,
        "vneid_reported": 0,
    }
    modules = {row.module: row for row in summary.rows if row.module}
    assert modules["A"].counts["lessons_completed"] == 5
    assert modules["A"].counts["course_completed"] == 2  # module A finished by two
    assert modules["B"].counts["active_7d"] == 2
    assert summary.totals["lessons_completed"] == 7
    # The plan's default for residents in 2026, no population imported.
    assert row.target.percent == 100.0 and row.percent_of_target is None

    # A period before the recent activity: nobody active at its end, no course completed.
    june_first = Filters(start=date(2026, 6, 1), end=date(2026, 6, 5))
    earlier = await build_summary(storage, _context(), commune, june_first, NOW)
    (row,) = [row for row in earlier.rows if row.module is None]
    assert row.counts["active_7d"] == 5
    assert row.counts["course_completed"] == 0 and row.counts["lessons_completed"] == 5


async def test_scope_is_enforced_and_narrows(storage: Storage) -> None:
    early = datetime(2026, 6, 1, 3, tzinfo=UTC)
    for commune, province in ((BA_DINH, HANOI), (HOAN_KIEM, HANOI), (VUNG_TAU, VUNG_TAU_PROVINCE)):
        learner, profile = await _learner(storage, early, commune, TargetGroup.PUPILS, province)
        await _lesson(storage, learner, profile, early)
    commune = Scope(OfficialKind.COMMUNE, HANOI, BA_DINH)
    province = Scope(OfficialKind.PROVINCE, HANOI)
    for scope, filters in (
        (commune, Filters(commune=HOAN_KIEM)),
        (commune, Filters(province=VUNG_TAU_PROVINCE)),
        (province, Filters(province=VUNG_TAU_PROVINCE)),
        (province, Filters(commune=VUNG_TAU)),
    ):
        with pytest.raises(OutOfScope):
            await build_summary(storage, _context(), scope, filters, NOW)
    seen = await build_summary(storage, _context(), province, Filters(), NOW)
    assert {row.commune for row in seen.rows} == {BA_DINH, HOAN_KIEM}
    everything = await build_summary(storage, _context(), ADMIN, Filters(), NOW)
    assert {row.commune for row in everything.rows} == {BA_DINH, HOAN_KIEM, VUNG_TAU}
    assert everything.totals["enrolled"] == 3


async def test_targets_former_communes_erasure_and_suppression(storage: Storage) -> None:
    early = datetime(2026, 3, 2, 3, tzinfo=UTC)
    await storage.targets.replace(
        [TargetRow(2026, HANOI, BA_DINH, TargetGroup.RESIDENTS, 40, 50.0)],
        source="t.csv",
        now=early,
    )
    learners = [await _learner(storage, early, BA_DINH, TargetGroup.RESIDENTS) for _ in range(3)]
    learners.append(await _learner(storage, early, FORMER, TargetGroup.RESIDENTS))
    for learner, profile in learners:
        await _finish(storage, learner, profile, early + timedelta(days=1))
    async with storage.unit_of_work(NOW - timedelta(days=1)) as uow:
        await erase_learner(uow, learners[0][0])

    summary = await build_summary(storage, _context(), ADMIN, Filters(commune=BA_DINH), NOW)
    (row,) = [row for row in summary.rows if row.module is None]
    assert row.commune == BA_DINH  # the former code's learner is counted here
    assert row.counts["enrolled"] == 3  # one erased: no longer enrolled
    assert row.counts["course_completed"] == 4  # ... but the completion stays counted
    assert row.percent_of_target == 20.0  # 4 of 40 × 50 %
    for_province = document(summary, Scope(OfficialKind.PROVINCE, HANOI))
    (line,) = [line for line in for_province["rows"] if line["module"] is None]
    assert line["enrolled"] == SUPPRESSED and line["course_completed"] == SUPPRESSED
    assert line["percent_of_target"] is None
    own = document(summary, Scope(OfficialKind.COMMUNE, HANOI, BA_DINH))
    (line,) = [line for line in own["rows"] if line["module"] is None]
    assert (line["enrolled"], line["percent_of_target"]) == (3, 20.0)

    week = {point.week_start: point for point in summary.weekly}
    assert week[date(2026, 3, 2)].course_completed == 4
    assert week[date(2026, 3, 2)].enrolled == 4
    assert sum(point.enrolled for point in summary.weekly) == 3


async def test_moving_commune_moves_the_enrolment(storage: Storage) -> None:
    early = datetime(2026, 3, 2, 3, tzinfo=UTC)
    learner, _ = await _learner(storage, early, BA_DINH, TargetGroup.PUPILS)
    async with storage.unit_of_work(early + timedelta(days=10)) as uow:
        await uow.connection.execute(
            update(learner_t).where(learner_t.c.id == learner).values(commune_code=HOAN_KIEM)
        )
        await sync_enrolled(uow.connection, [learner], uow.now)
    now = await build_summary(storage, _context(), ADMIN, Filters(province=HANOI), NOW)
    # Ba Đình, left with nothing to count, has no row.
    assert {row.commune: row.counts["enrolled"] for row in now.rows} == {HOAN_KIEM: 1}
    before = Filters(province=HANOI, end=date(2026, 3, 5))
    then = await build_summary(storage, _context(), ADMIN, before, NOW)
    assert {row.commune: row.counts["enrolled"] for row in then.rows} == {BA_DINH: 1}
