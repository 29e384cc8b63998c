"""What the bot sends first on Messenger: only inside Meta's 24-hour standard messaging window
(as `messaging_type` UPDATE, never with a message tag); outside it the outbox row is skipped and
counted as out of the window. Rate limits back off and send once; a person who blocked the Page
is marked unreachable until they write again; a refused Page token waits for the operator."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.channels.base import OUT_OF_WINDOW
from bot.channels.messenger.adapter import CHANNEL
from bot.content import Catalog
from bot.outbox import queue_announcement
from bot.outbox.drainer import BLOCKED
from bot.reminders import ReminderJob
from storage import Storage
from tests.fakes.fake_graph import FakeGraph
from tests.fakes.fake_zalo import Clock
from tests.messenger.conftest import MessengerHarness, MessengerLearner, running_messenger
from tests.reminders.world import local

ANNA, BINH = "6100000000000001", "6100000000000002"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
START = date(2026, 3, 2)
TEXT = "Thông báo: xã tổ chức hướng dẫn cài VNeID vào sáng thứ Bảy."


@pytest.fixture
def clock() -> Clock:
    return Clock(local(START, 9))


async def two_learners(page: MessengerHarness) -> tuple[MessengerLearner, MessengerLearner]:
    anna, binh = MessengerLearner(page, ANNA), MessengerLearner(page, BINH)
    for learner in (anna, binh):
        await learner.get_started()
        await learner.choose("Đồng ý")
    return anna, binh


async def test_a_reminder_outside_the_24_hour_window_is_skipped_and_counted(
    storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(storage, a1_catalog, graph, clock) as page:
        anna, binh = await two_learners(page)
        clock.advance(local(START + timedelta(days=1), 20) - clock.now())
        await binh.say("menu")
        clock.advance(local(START + timedelta(days=2), 19) - clock.now())  # Anna 58 h, Binh 23 h
        job = ReminderJob(storage, a1_catalog, zone=ZONE, clock=clock.now, channels=[CHANNEL])
        before = {psid: len(graph.messages_to(psid)) for psid in (ANNA, BINH)}

        assert (await job.run()).queued == 2
        assert (await page.drain_outbox()).outcomes == {"sent": 1, "skipped": 1}
        [reminder] = graph.messages_to(BINH)[before[BINH] :]
        assert reminder.messaging_type == "UPDATE"
        assert a1_catalog.lessons[0].title in reminder.text
        assert graph.messages_to(ANNA)[before[ANNA] :] == []
        assert graph.refused == []  # Anna's was never even tried
        rows = {r["recipient"]: r for r in await storage.rows("outbox_message", kind="reminder")}
        assert rows[ANNA]["status"] == "skipped" and OUT_OF_WINDOW in rows[ANNA]["last_error"]
        assert await storage.outbox.skipped_because(BLOCKED + OUT_OF_WINDOW) == {CHANNEL: 1}


async def test_an_announcement_goes_through_the_outbox_inside_the_window(
    storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(storage, a1_catalog, graph, clock) as page:
        _anna, binh = await two_learners(page)
        clock.advance(timedelta(hours=20))
        await binh.say("menu")
        clock.advance(timedelta(hours=5))  # Anna wrote 25 hours ago, Binh 5

        assert await queue_announcement(storage, TEXT, clock.now()) == 2
        assert (await page.drain_outbox()).outcomes == {"sent": 1, "skipped": 1}
        [announcement] = [m for m in graph.messages_to(BINH) if m.text == TEXT]
        assert announcement.messaging_type == "UPDATE"
        assert TEXT not in [m.text for m in graph.messages_to(ANNA)]
        assert (await page.drain_outbox()).handled == 0  # nothing is sent twice
        counts = (await storage.outbox.counts())[CHANNEL]
        assert (counts["sent"], counts["skipped"], counts["pending"]) == (1, 1, 0)


async def test_rate_limits_back_off_and_the_message_goes_once(
    sqlite_storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        anna, _binh = await two_learners(page)
        graph.fail_next(2, 613, status=400)  # "Calls to this api have exceeded the rate limit"
        said = await anna.say("/tiendo")
        assert len(graph.refused) == 2
        assert said and [m.text for m in said].count(said[0].text) == 1

        graph.fail_next(1, 4, status=429)  # the application's limit, as HTTP 429
        assert await queue_announcement(sqlite_storage, TEXT, clock.now(), channel=CHANNEL) == 2
        assert (await page.drain_outbox()).outcomes == {"sent": 2}
        assert [m.text for m in graph.sent].count(TEXT) == 2


async def test_a_person_who_blocked_the_page_is_unreachable_until_they_write(
    sqlite_storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        anna, _binh = await two_learners(page)
        graph.blocked.add(ANNA)
        assert await queue_announcement(sqlite_storage, TEXT, clock.now(), channel=CHANNEL) == 2
        assert (await page.drain_outbox()).outcomes == {"sent": 1, "skipped": 1}
        [identity] = await sqlite_storage.rows("channel_identity", external_id=ANNA)
        assert identity["unreachable_since"] is not None
        assert "551" in identity["unreachable_reason"]
        tried = len(graph.refused)
        assert await queue_announcement(sqlite_storage, "Lần hai", clock.now()) == 1  # Binh only
        assert (await page.drain_outbox()).outcomes == {"sent": 1}
        assert len(graph.refused) == tried

        graph.blocked.discard(ANNA)
        await anna.say("menu")  # writing again makes her reachable
        [identity] = await sqlite_storage.rows("channel_identity", external_id=ANNA)
        assert identity["unreachable_since"] is None


async def test_a_refused_page_token_waits_for_the_operator(
    sqlite_storage: Storage,
    a1_catalog: Catalog,
    graph: FakeGraph,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        await two_learners(page)
        graph.fail_next(2, 190)  # "Invalid OAuth access token."
        assert await queue_announcement(sqlite_storage, TEXT, clock.now(), channel=CHANNEL) == 2
        with caplog.at_level(logging.ERROR):
            assert (await page.drain_outbox()).outcomes == {"retry": 2}
        assert "MESSENGER_PAGE_ACCESS_TOKEN was refused" in caplog.text
        [row, _other] = await sqlite_storage.rows("outbox_message")
        assert row["status"] == "pending" and "MESSENGER_PAGE_ACCESS_TOKEN" in row["last_error"]
