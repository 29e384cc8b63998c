"""The weekly summary on SQLite and PostgreSQL with a controllable clock: Monday from 08:00
local, never in quiet hours, catching up later in the week; what it says; exactly once per
ambassador and ISO week after a re-run, a restart, two workers racing and two schedulers."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from bot.content import Catalog
from bot.core import Reply, ReplyKind
from bot.outbox import replies_of
from bot.reminders import WeeklySummaryJob
from bot.scheduler import Scheduler
from bot.service import utc_now
from storage import Storage, WeeklyCandidate
from storage.tables import completion_t, progress_t
from tests.conftest import BotProcess
from tests.dialog import fixture_catalog
from tests.storage.test_roster import appoint, enroll, new_learner

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 3, 9)
LAST_WEEK = MONDAY - timedelta(days=7)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def catalog() -> Catalog:
    return fixture_catalog()


def job(storage: Storage, catalog: Catalog, clock: Clock) -> WeeklySummaryJob:
    return WeeklySummaryJob(storage, catalog, zone=ZONE, clock=clock)


async def summaries(storage: Storage) -> list[dict[str, Any]]:
    return await storage.rows("outbox_message", kind="weekly")


def reply_of(row: dict[str, Any]) -> Reply:
    [reply] = replies_of(json.loads(row["payload"]))
    return reply


async def ambassador_with_a_week(storage: Storage) -> int:
    """An ambassador whose last week saw one newcomer pass a lesson and another villager
    finish the course; a third villager has done nothing for 10 days. Returns their learner."""
    me = await new_learner(storage, "me")
    mine = await appoint(storage, me)
    newcomer = await new_learner(storage, "v1", last_step_on=LAST_WEEK + timedelta(days=6))
    finisher = await new_learner(storage, "v2", last_step_on=LAST_WEEK + timedelta(days=4))
    idle = await new_learner(storage, "v3", last_step_on=MONDAY - timedelta(days=10))
    await enroll(storage, newcomer, mine, local(LAST_WEEK + timedelta(days=2), 9))
    await enroll(storage, finisher, mine, local(LAST_WEEK - timedelta(days=20), 9))
    await enroll(storage, idle, mine, local(LAST_WEEK - timedelta(days=20), 9))
    passed = {
        (newcomer, "A1"): local(LAST_WEEK + timedelta(days=6), 20),  # Sunday evening
        (finisher, "A1"): local(LAST_WEEK - timedelta(days=10), 10),  # before the week
        (finisher, "A2"): local(LAST_WEEK + timedelta(days=4), 10),
    }
    async with storage.unit_of_work(local(MONDAY, 1)) as uow:
        for (learner, lesson), when in passed.items():
            await uow.connection.execute(
                insert(progress_t).values(
                    learner_id=learner,
                    lesson_id=lesson,
                    status="passed",
                    started_at=when,
                    updated_at=when,
                    passed_at=when,
                )
            )
        await uow.connection.execute(
            insert(completion_t).values(
                learner_id=finisher,
                kind="course_completed",
                lesson_id="",
                module_id="",
                channel="telegram",
                content_version="t",
                occurred_at=local(LAST_WEEK + timedelta(days=4), 10),
            )
        )
    return me


async def test_monday_from_eight_once_a_week_with_last_weeks_numbers(
    storage: Storage, catalog: Catalog
) -> None:
    me = await ambassador_with_a_week(storage)
    lonely = await new_learner(storage, "lonely")  # an ambassador with no villagers yet
    await appoint(storage, lonely)
    clock = Clock(local(MONDAY, 7, 59))
    assert (await job(storage, catalog, clock).run()).queued == 0  # before 08:00

    clock.now = local(MONDAY, 8, 0)
    run = await job(storage, catalog, clock).run()
    assert (run.queued, run.passed_over["no_villagers"]) == (1, 1)
    [row] = await summaries(storage)
    assert (row["learner_id"], row["channel"], row["recipient"]) == (me, "telegram", "telegram-me")
    reply = reply_of(row)
    assert reply.kind is ReplyKind.REPORT
    assert reply.text == (
        "📅 Tuần qua của bà con bác đồng hành (02/03/2026 – 08/03/2026):\n"
        "• 1 người mới tham gia qua lời mời của bác\n"
        "• 2 bài học đã hoàn thành\n"
        "• 🎓 1 người đã học xong cả khoá học\n"
        "• ⚠️ 1 người cần giúp (3 ngày trở lên chưa học thêm): bác gõ /danhsach để xem là ai "
        "và gửi lời nhắc nhé.\n"
        "Cảm ơn bác đã giúp bà con trong xã cùng học!"
    )
    assert [(c.id, c.label) for c in reply.choices] == [("r:roster", "👥 Mở danh sách")]
    assert (
        json.loads(row["payload"])["expires_at"]
        == local(MONDAY + timedelta(days=7), 8).isoformat()
    )
    fires = await storage.rows("scheduled_fire", kind="weekly")
    assert sorted((f["learner_id"], f["day"]) for f in fires) == [(me, MONDAY), (lonely, MONDAY)]

    for later in (local(MONDAY, 8, 5), local(MONDAY + timedelta(days=3), 15)):
        clock.now = later
        assert (await job(storage, catalog, clock).run()).queued == 0  # once a week
    clock.now = local(MONDAY + timedelta(days=7), 8, 0)
    assert (await job(storage, catalog, clock).run()).queued == 1  # the next week's
    assert len(await summaries(storage)) == 2


async def test_never_in_quiet_hours_and_a_late_job_catches_up(
    storage: Storage, catalog: Catalog
) -> None:
    await ambassador_with_a_week(storage)
    clock = Clock(local(MONDAY, 21, 0))  # down all Monday long; back at 21:00
    assert job(storage, catalog, clock).due_week(clock()) is None
    assert (await job(storage, catalog, clock).run()).queued == 0
    clock.now = local(MONDAY + timedelta(days=1), 6, 59)
    assert (await job(storage, catalog, clock).run()).queued == 0
    clock.now = local(MONDAY + timedelta(days=1), 7, 0)
    assert (await job(storage, catalog, clock).run()).queued == 1
    [fire] = await storage.rows("scheduled_fire", kind="weekly")
    assert fire["day"] == MONDAY  # this ISO week's


async def test_exactly_once_across_a_restart(
    storage: Storage, catalog: Catalog, db_url: str
) -> None:
    await ambassador_with_a_week(storage)
    clock = Clock(local(MONDAY, 8, 0))
    assert (await job(storage, catalog, clock).run()).queued == 1
    # A restart: a new process (new storage, new job) on the same database.
    restarted = Storage.open(db_url)
    try:
        clock.now = local(MONDAY, 9, 0)
        assert (await job(restarted, catalog, clock).run()).queued == 0
    finally:
        await restarted.close()
    assert len(await summaries(storage)) == 1


async def test_two_workers_racing_send_each_summary_once(
    storage: Storage, catalog: Catalog, db_url: str
) -> None:
    """Both workers read the same due ambassadors before either records a fire; the unique
    fire row lets exactly one of them queue each summary."""
    ambassadors = []
    for index in range(12):
        me = await new_learner(storage, f"a{index}")
        mine = await appoint(storage, me)
        villager = await new_learner(storage, f"v{index}")
        await enroll(storage, villager, mine, local(LAST_WEEK, 9))
        ambassadors.append(me)
    barrier = asyncio.Barrier(2)
    workers = [Storage.open(db_url), Storage.open(db_url)]

    def racing(store: Storage) -> None:
        real = store.roster.weekly_due

        async def weekly_due(monday: date, **page: Any) -> list[WeeklyCandidate]:
            found = await real(monday, **page)
            if page.get("after", 0) == 0:
                await barrier.wait()  # both workers hold the same due ambassadors
            return found

        store.roster.weekly_due = weekly_due  # type: ignore[method-assign]

    clock = Clock(local(MONDAY, 8, 0))
    try:
        for store in workers:
            racing(store)
        runs = await asyncio.wait_for(
            asyncio.gather(*(job(store, catalog, clock).run() for store in workers)), 60
        )
    finally:
        for store in workers:
            await store.close()
    assert sum(run.queued for run in runs) == 12
    assert sum(run.passed_over["fired_elsewhere"] for run in runs) == 12
    rows = await summaries(storage)
    assert sorted(r["learner_id"] for r in rows) == sorted(ambassadors)  # each exactly once


async def test_two_schedulers_run_it_under_its_lock_once(
    storage: Storage, catalog: Catalog, db_url: str
) -> None:
    """Two processes' schedulers on one database, each running the job every 50 ms: one
    summary per ambassador (PostgreSQL: one leader; SQLite: the fire row)."""
    ambassadors = []
    for index in range(3):
        me = await new_learner(storage, f"a{index}")
        mine = await appoint(storage, me)
        villager = await new_learner(storage, f"v{index}")
        await enroll(storage, villager, mine, local(LAST_WEEK, 9))
        ambassadors.append(me)
    clock = Clock(local(MONDAY, 8, 0))  # the job's clock; the schedulers keep real time
    stores = [Storage.open(db_url), Storage.open(db_url)]
    schedulers = [Scheduler(store, zone=ZONE, retention=None, clock=utc_now) for store in stores]
    try:
        for scheduler, store in zip(schedulers, stores, strict=True):
            scheduler.add_jobs([job(store, catalog, clock).periodic(seconds=0.05)])
            scheduler.start()
            assert scheduler.next_run("weekly_summary") is not None
        for _ in range(200):  # up to 10 s
            if len(await summaries(storage)) >= 3:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # more runs in both: still one each
    finally:
        for scheduler in schedulers:
            await scheduler.shutdown()
        for store in stores:
            await store.close()
    rows = await summaries(storage)
    assert sorted(r["learner_id"] for r in rows) == sorted(ambassadors)


def test_hocvuso_run_schedules_the_weekly_summary(bot_process: BotProcess) -> None:
    out = bot_process.stop()
    [jobs] = [line for line in out.splitlines() if "scheduler: jobs" in line]
    assert "weekly_summary" in jobs
