"""Reminders on Zalo OA respect its 7-day window: a learner silent for 7 days is due a
reminder by the back-off, but the drain skips it (Zalo would refuse it with -230) instead of
sending; one who wrote 4 days ago gets it."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.channels.zalo_oa.adapter import CHANNEL as OA
from bot.content import Catalog
from bot.reminders import ReminderJob
from storage import Storage
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.reminders.world import local
from tests.zalo.conftest import OALearner, running_oa

ANNA, BINH = "1000000000000000011", "1000000000000000012"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
START = date(2026, 3, 2)


@pytest.fixture
def clock() -> Clock:
    return Clock(local(START, 9))


async def test_a_reminder_outside_the_7_day_window_is_skipped_not_sent(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(storage, a1_catalog, fake, clock, fake.consent()) as oa:
        anna, binh = OALearner(oa, ANNA), OALearner(oa, BINH)
        for learner in (anna, binh):
            await learner.follow()
            await learner.choose("Đồng ý")
        clock.advance(timedelta(days=3))
        await binh.say("menu")
        clock.advance(local(START + timedelta(days=7), 19) - clock.now())  # Anna 7, Binh 4
        job = ReminderJob(storage, a1_catalog, zone=ZONE, clock=clock.now, channels=[OA])
        before = {user: len(fake.messages_to(user)) for user in (ANNA, BINH)}

        assert (await job.run()).queued == 2
        assert (await oa.drain_outbox()).outcomes == {"sent": 1, "skipped": 1}
        [reminder] = fake.messages_to(BINH)[before[BINH] :]
        assert a1_catalog.lessons[0].title in reminder.text
        assert fake.messages_to(ANNA)[before[ANNA] :] == []
        rows = {r["recipient"]: r for r in await storage.rows("outbox_message", kind="reminder")}
        assert rows[ANNA]["status"] == "skipped" and "7-day" in rows[ANNA]["last_error"]
        assert rows[BINH]["status"] == "sent"
