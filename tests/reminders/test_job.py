"""The reminder job on SQLite and PostgreSQL with a controllable clock: the slot time, quiet
hours, a step done today, the back-off, writing again, the rotating texts, never twice (a
re-run, a restart, two workers racing), off, consent and unreachable learners."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.core import ReplyKind
from bot.core.state import ReminderSlot
from bot.reminders import ReminderJob
from bot.reminders.messages import CHANGE_TIME, LEARN_NOW
from bot.scheduler import Scheduler
from bot.service import utc_now
from storage import ReminderCandidate, ReminderFilter, Storage
from storage.tables import identity_t
from tests.conftest import BotProcess
from tests.dialog import fixture_catalog
from tests.reminders.world import TODAY, ZONE, World, days_before, local, reply_of

A1, A2 = "Bài thử một", "Bài thử hai"  # the fixture lessons' titles


@pytest.fixture
def world(storage: Storage) -> World:
    return World(storage, fixture_catalog())


async def test_a_reminder_goes_out_at_the_slot_time_and_not_before(world: World) -> None:
    evening = await world.learner("101")  # no slot chosen: evening
    morning = await world.learner("102")
    noon = await world.learner("103")
    await world.shape(morning, slot=ReminderSlot.MORNING)
    await world.shape(noon, slot=ReminderSlot.NOON)
    tomorrow = TODAY + timedelta(days=1)

    assert await world.run_at(tomorrow, 7, 59) == 0
    assert await world.run_at(tomorrow, 8, 0) == 1
    assert await world.run_at(tomorrow, 11, 59) == 0
    assert await world.run_at(tomorrow, 12, 0) == 1
    assert await world.run_at(tomorrow, 18, 59) == 0
    assert await world.run_at(tomorrow, 19, 0) == 1
    assert [len(await world.reminder_rows(who)) for who in (morning, noon, evening)] == [1, 1, 1]

    [row] = await world.reminder_rows(evening)
    assert (row["channel"], row["recipient"], row["status"]) == ("telegram", "101", "pending")
    assert row["dedupe_key"] == f"reminder:{evening}:{tomorrow.isoformat()}"
    reply = reply_of(row)
    assert reply.kind is ReplyKind.REMINDER
    assert A1 in reply.text  # the next lesson, by name
    assert [(c.id, c.label) for c in reply.choices] == [
        (LEARN_NOW, "Học ngay"),
        (CHANGE_TIME, "Đổi giờ nhắc học"),
    ]
    # Worth sending until quiet hours begin, not after.
    expires = datetime.fromisoformat(json.loads(row["payload"])["expires_at"])
    assert expires == local(tomorrow, 21)
    assert await world.storage.reminders.fired_days(evening) == [tomorrow]


@pytest.mark.parametrize(("hour", "minute"), [(21, 0), (21, 30), (23, 59), (0, 0), (6, 59)])
async def test_nothing_in_quiet_hours(world: World, hour: int, minute: int) -> None:
    learner = await world.learner("201")
    await world.active_on(learner, days_before(1))
    assert await world.run_at(TODAY, hour, minute) == 0
    assert await world.reminder_rows() == []
    # The same learner at the slot time the next morning's evening: due (day 2).
    assert await world.run_at(TODAY + timedelta(days=1), 19, 0) == 1


async def test_a_job_first_running_after_the_slot_catches_up_before_21(world: World) -> None:
    learner = await world.learner("202")
    await world.active_on(learner, days_before(1))
    assert await world.run_at(TODAY, 20, 30) == 1


async def test_no_reminder_once_todays_step_is_done(world: World) -> None:
    done = await world.learner("301")
    not_yet = await world.learner("302")
    await world.shape(done, step_on=TODAY, seen=local(TODAY, 9))
    await world.active_on(not_yet, days_before(1))
    assert await world.run_at(TODAY, 19, 0) == 1
    assert await world.reminder_rows(done) == []
    assert len(await world.reminder_rows(not_yet)) == 1


async def test_back_off_days_1_2_4_7_then_stop(world: World) -> None:
    learners = {}
    for days in range(10):
        learners[days] = await world.learner(f"40{days}")
        # Day 0 is a learner who wrote this morning but completed nothing yet.
        await world.active_on(learners[days], days_before(days), step=days > 0)
    assert await world.run_at(TODAY, 19, 0) == 5
    reminded = {days for days, who in learners.items() if await world.reminder_rows(who)}
    assert reminded == {0, 1, 2, 4, 7}


async def test_one_learners_week_and_writing_again_starts_over(world: World) -> None:
    learner = await world.learner("501")
    await world.active_on(learner, TODAY)  # a step today
    for offset in range(10):
        await world.run_at(TODAY + timedelta(days=offset), 19, 0)
    reminded = [(day - TODAY).days for day in await world.storage.reminders.fired_days(learner)]
    assert reminded == [1, 2, 4, 7]  # then nothing on days 8 and 9

    # Day 10: the learner writes at 10:00 (no step): reminded that evening, and the next day.
    day10 = TODAY + timedelta(days=10)
    world.clock.set(day10, 10)
    await world.say("501", "menu")
    assert await world.run_at(day10, 19, 0) == 1
    assert await world.run_at(day10 + timedelta(days=1), 19, 0) == 1
    assert await world.run_at(day10 + timedelta(days=2), 19, 0) == 1
    assert await world.run_at(day10 + timedelta(days=3), 19, 0) == 0


async def test_no_reminder_within_an_hour_of_the_last_message(world: World) -> None:
    learner = await world.learner("502")
    await world.shape(learner, seen=local(TODAY, 18, 30), step_on=None)
    assert await world.run_at(TODAY, 19, 0) == 0
    assert await world.run_at(TODAY, 19, 29) == 0
    assert await world.run_at(TODAY, 19, 30) == 1


async def test_the_texts_take_turns_and_name_the_next_lesson(world: World) -> None:
    learner = await world.learner("601")
    english = await world.learner("602", locale="en")
    await world.active_on(learner, TODAY)
    await world.active_on(english, TODAY)
    await world.shape(english, passed=["A1"], lesson_id="A1")
    for offset in (1, 2, 4, 7):
        await world.run_at(TODAY + timedelta(days=offset), 19, 0)

    texts = [reply_of(row).text for row in await world.reminder_rows(learner)]
    assert len(texts) == len(set(texts)) == 4  # four different texts
    assert all(A1 in text for text in texts)
    english_replies = [reply_of(row) for row in await world.reminder_rows(english)]
    assert all(A2 in reply.text for reply in english_replies)  # A1 passed: A2 is next
    assert [c.label for c in english_replies[0].choices] == ["Learn now", "Change reminder time"]
    assert "lesson" in english_replies[0].text

    # Every lesson passed: an invitation to review or open the handbook instead.
    await world.shape(learner, passed=["A1", "A2"], seen=local(TODAY + timedelta(days=8), 10))
    await world.run_at(TODAY + timedelta(days=9), 19, 0)
    last = reply_of((await world.reminder_rows(learner))[-1])
    assert "ôn lại" in last.text and "sổ tay" in last.text
    assert A1 not in last.text and A2 not in last.text


async def test_off_means_never(world: World) -> None:
    learner = await world.learner("701")
    await world.shape(learner, slot=ReminderSlot.OFF)
    await world.active_on(learner, TODAY)
    for offset in range(1, 8):
        for hour in (8, 12, 19, 20):
            assert await world.run_at(TODAY + timedelta(days=offset), hour, 30) == 0
    assert await world.reminder_rows() == []


async def test_only_learners_who_agreed_and_can_be_reached(world: World) -> None:
    await world.learner("801", agree=False)
    blocked = await world.learner("802")
    elsewhere = await world.learner("803", channel="zalo_bot")
    reachable = await world.learner("804")
    for learner in (blocked, elsewhere, reachable):
        await world.active_on(learner, days_before(1))
    await world.storage.identities.mark_unreachable("telegram", "802", "blocked", world.clock())
    world.clock.set(TODAY, 19, 0)
    run = await world.job(channels=["telegram", "webchat"]).run()  # no Zalo Bot running
    assert run.queued == 1
    assert run.passed_over["unreachable"] == 2
    assert [r["learner_id"] for r in await world.reminder_rows()] == [reachable]
    assert await world.storage.reminders.fired_days(blocked) == []  # tried again once back


async def test_never_twice_a_day_on_a_rerun_or_after_a_restart(world: World, db_url: str) -> None:
    learners = [await world.learner(f"90{i}") for i in range(3)]
    for learner in learners:
        await world.active_on(learner, days_before(1))
    assert await world.run_at(TODAY, 19, 0) == 3
    assert await world.run_at(TODAY, 19, 1) == 0  # the next minute's run
    # A restart: a new process (new storage, new job) on the same database.
    restarted = Storage.open(db_url)
    try:
        world.clock.set(TODAY, 20, 0)
        assert (await world.job(restarted).run()).queued == 0
    finally:
        await restarted.close()
    rows = await world.reminder_rows()
    assert sorted(r["learner_id"] for r in rows) == sorted(learners)


async def test_two_workers_racing_send_each_reminder_once(world: World, db_url: str) -> None:
    """Both workers read the same due learners before either records a fire (then both
    record them at once, on PostgreSQL in concurrent transactions); the unique fire row lets
    exactly one of them queue each reminder."""
    learners = [await world.learner(f"95{i:02d}") for i in range(30)]
    for learner in learners:
        await world.active_on(learner, days_before(2))
    world.clock.set(TODAY, 19, 0)
    barrier = asyncio.Barrier(2)
    workers = [Storage.open(db_url), Storage.open(db_url)]

    def racing(store: Storage) -> None:
        real = store.reminders.candidates

        async def candidates(due: ReminderFilter, **page: int) -> list[ReminderCandidate]:
            found = await real(due, **page)
            if page.get("after", 0) == 0:
                await barrier.wait()  # both workers hold the same due learners
            return found

        store.reminders.candidates = candidates  # type: ignore[method-assign]

    try:
        for store in workers:
            racing(store)
        jobs = [world.job(store) for store in workers]
        runs = await asyncio.wait_for(asyncio.gather(*(job.run() for job in jobs)), 60)
    finally:
        for store in workers:
            await store.close()
    assert sum(run.queued for run in runs) == 30
    assert sum(run.passed_over["fired_elsewhere"] for run in runs) == 30
    rows = await world.reminder_rows()
    assert sorted(r["learner_id"] for r in rows) == sorted(learners)  # each exactly once


async def test_learners_are_read_page_by_page(world: World) -> None:
    learners = [await world.learner(f"96{i:02d}") for i in range(7)]
    for learner in learners:
        await world.active_on(learner, days_before(1))
    world.clock.set(TODAY, 19, 0)
    job = ReminderJob(world.storage, world.catalog, zone=ZONE, clock=world.clock, page=2)
    assert (await job.run()).queued == 7
    assert len(await world.reminder_rows()) == 7


async def test_the_scheduler_runs_the_job_under_its_lock(world: World) -> None:
    assert (world.job().periodic().name, world.job().periodic().seconds) == ("reminders", 60.0)
    learner = await world.learner("971")
    await world.active_on(learner, days_before(1))
    world.clock.set(TODAY, 19, 0)  # the job's clock; the scheduler keeps real time
    scheduler = Scheduler(world.storage, zone=ZONE, retention=None, clock=utc_now)
    scheduler.add_jobs([world.job().periodic(seconds=0.05)])
    scheduler.start()
    try:
        assert scheduler.next_run("reminders") is not None
        for _ in range(200):  # up to 10 s
            if await world.reminder_rows():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # more runs: still one reminder
    finally:
        await scheduler.shutdown()
    assert [r["learner_id"] for r in await world.reminder_rows()] == [learner]


def test_hocvuso_run_schedules_the_reminders(bot_process: BotProcess) -> None:
    out = bot_process.stop()
    [jobs] = [line for line in out.splitlines() if "scheduler: jobs" in line]
    assert "reminders" in jobs


async def test_the_reminder_goes_where_the_learner_wrote_last_and_can_be_reached(
    world: World,
) -> None:
    """Two linked identities each: the later one unless a platform said it is unreachable."""
    both = await world.learner("985")
    blocked_later = await world.learner("986")
    for learner, user in ((both, "zb985"), (blocked_later, "zb986")):
        await world.active_on(learner, days_before(1))
        async with world.storage.unit_of_work(world.clock()) as uow:
            await uow.connection.execute(
                insert(identity_t).values(
                    channel="zalo_bot",
                    external_id=user,
                    learner_id=learner,
                    created_at=world.clock(),
                    last_inbound_at=world.clock() + timedelta(hours=1),
                )
            )
    await world.storage.identities.mark_unreachable("zalo_bot", "zb986", "blocked", world.clock())
    assert await world.run_at(TODAY, 19, 0) == 2
    [to_both] = await world.reminder_rows(both)
    [to_blocked] = await world.reminder_rows(blocked_later)
    assert (to_both["channel"], to_both["recipient"]) == ("zalo_bot", "zb985")
    assert (to_blocked["channel"], to_blocked["recipient"]) == ("telegram", "986")
