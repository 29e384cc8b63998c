"""A reminder end to end on Telegram: a learner agrees through the fake Bot API, the reminder
job queues the next day's reminder at 19:00, the channel's outbox drain delivers it with its
two buttons; a reminder still queued when quiet hours begin is skipped, not sent."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.content import Catalog
from bot.outbox import OutboxDrainer
from bot.reminders import ReminderJob
from bot.service import utc_now
from storage import Storage
from tests.fakes.fake_bot_api import FakeBotApi
from tests.reminders.world import Clock, local
from tests.telegram import updates
from tests.telegram.conftest import Harness, Learner, running_bot

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


async def agreed(bot: Harness, user_id: int) -> Learner:
    """A learner who started the bot and agreed (now, by the real clock)."""
    learner = bot.learner(user_id)
    await learner.say("/start")
    await learner.tap("Đồng ý")
    return learner


async def test_a_telegram_learner_gets_the_reminder_through_the_outbox_once(
    storage: Storage, small_catalog: Catalog, fake_api: FakeBotApi
) -> None:
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        anna, binh = await agreed(bot, 8_100_001), await agreed(bot, 8_100_002)
        tomorrow = utc_now().astimezone(ZONE).date() + timedelta(days=1)
        clock = Clock(local(tomorrow, 19, 0))
        job = ReminderJob(
            storage, small_catalog, zone=ZONE, clock=clock, channels=[bot.channel.name]
        )
        drainer = OutboxDrainer(storage, bot.channel, clock=clock)
        await storage.identities.mark_unreachable("telegram", str(binh.user_id), "test", clock())
        before = len(anna.messages)

        assert (await job.run()).queued == 1  # Binh blocked the bot: not queued
        assert (await drainer.drain()).outcomes == {"sent": 1}
        [reminder] = anna.messages[before:]
        assert "Bài thử một" in reminder.text  # the next lesson, by name
        assert [label for label, _data in reminder.buttons] == ["Học ngay", "Đổi giờ nhắc học"]
        assert binh.messages[-1].text != reminder.text

        clock.now += timedelta(minutes=1)  # the next minute: nothing new, nothing twice
        assert (await job.run()).queued == 0
        assert (await drainer.drain()).handled == 0
        assert len(anna.messages) == before + 1

        # Its button works whatever screen Anna is on: the lesson it named opens.
        opened = await anna.tap("Học ngay")
        assert any("Bài thử một" in (m.text or "") for m in opened)
        data = [d for label, d in reminder.buttons if label == "Đổi giờ nhắc học"][0]
        changed = await anna.send(updates.tap(anna.user_id, data))  # the older message's button
        assert "Nhắc học:" in changed[-1].text


async def test_a_reminder_still_queued_at_21_is_skipped_not_sent(
    storage: Storage, small_catalog: Catalog, fake_api: FakeBotApi
) -> None:
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        chi = await agreed(bot, 8_100_003)
        tomorrow = utc_now().astimezone(ZONE).date() + timedelta(days=1)
        clock = Clock(local(tomorrow, 20, 59))
        job = ReminderJob(storage, small_catalog, zone=ZONE, clock=clock)
        assert (await job.run()).queued == 1
        before = len(chi.messages)

        clock.now = local(tomorrow, 21, 0)  # the drain ran late (Telegram was down, say)
        drainer = OutboxDrainer(storage, bot.channel, clock=clock)
        assert (await drainer.drain()).outcomes == {"skipped": 1}
        assert len(chi.messages) == before
        [row] = await storage.rows("outbox_message", kind="reminder")
        assert row["status"] == "skipped" and "expired" in row["last_error"]
