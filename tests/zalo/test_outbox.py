"""Zalo sends first: an announcement through the outbox on Zalo OA (the 7-day window) and the
Zalo Bot (a receiver that keeps failing ends in the dead letters, `retry-dead` brings it back)."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.zalo_bot.adapter import CHANNEL as BOT
from bot.channels.zalo_oa.adapter import CHANNEL as OA
from bot.content import Catalog
from bot.outbox import queue_announcement
from bot.outbox.drainer import MAX_ATTEMPTS
from storage import Storage
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.zalo.conftest import BotLearner, OALearner, running_bot, running_oa

ANNA, BINH, CHI = "1000000000000000001", "1000000000000000002", "1000000000000000003"
TED = "2bc1b8e3a55c6a2f"
TEXT = "Thông báo: xã tổ chức hướng dẫn cài VNeID vào sáng thứ Bảy."


async def test_an_announcement_on_zalo_oa_skips_and_counts_learners_outside_the_window(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(storage, a1_catalog, fake, clock, fake.consent()) as oa:
        anna, binh, chi = OALearner(oa, ANNA), OALearner(oa, BINH), OALearner(oa, CHI)
        for learner in (anna, binh):
            await learner.follow()
            await learner.choose("Đồng ý")
        await chi.follow()  # never agreed: not written to
        clock.advance(timedelta(days=3))
        await binh.say("menu")
        clock.advance(timedelta(days=4, hours=1))  # Anna wrote 7 days 1 hour ago, Binh 4 days

        assert await queue_announcement(storage, TEXT, clock.now()) == 2
        report = await oa.drain_outbox()
        assert report.outcomes == {"sent": 1, "skipped": 1}
        assert [m.text for m in fake.messages_to(BINH)][-1] == TEXT
        assert TEXT not in [m.text for m in fake.messages_to(ANNA)]
        assert TEXT not in [m.text for m in fake.messages_to(CHI)]
        counts = (await storage.outbox.counts())[OA]
        assert (counts["sent"], counts["skipped"], counts["pending"]) == (1, 1, 0)
        [skipped] = [r for r in await storage.rows("outbox_message") if r["status"] == "skipped"]
        assert skipped["recipient"] == ANNA and "7-day" in skipped["last_error"]
        assert (await oa.drain_outbox()).handled == 0  # nothing is sent twice


async def test_a_zalo_bot_receiver_that_keeps_failing_ends_dead_and_retry_dead_revives_it(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_bot(sqlite_storage, a1_catalog, fake, clock, "polling") as bot:
        ted = BotLearner(bot, TED)
        await ted.say("/start")
        await ted.choose("Đồng ý")
        assert await queue_announcement(sqlite_storage, TEXT, clock.now()) == 1

        fake.bot_send_down = True
        outcomes = []
        for _try in range(MAX_ATTEMPTS):
            outcomes.append(dict((await bot.drain_outbox()).outcomes))
            clock.advance(timedelta(hours=2))  # past the longest back-off
        assert outcomes == [{"retry": 1}] * (MAX_ATTEMPTS - 1) + [{"dead": 1}]
        [row] = await sqlite_storage.rows("outbox_message")
        assert row["status"] == "dead" and "502" in row["last_error"]
        assert (await bot.drain_outbox()).handled == 0  # dead rows wait for the operator
        assert TEXT not in [m.text for m in fake.bot_messages_to(TED)]

        fake.bot_send_down = False
        assert await sqlite_storage.outbox.retry_dead(clock.now(), channel=BOT) == 1
        assert (await bot.drain_outbox()).outcomes == {"sent": 1}
        assert [m.text for m in fake.bot_messages_to(TED)].count(TEXT) == 1
