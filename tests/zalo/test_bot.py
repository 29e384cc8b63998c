"""The Zalo Bot Platform channel end to end, polling and webhook, through the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from sqlalchemy import select

from bot.channels.zalo_bot.channel import PROTECTED_TEXT
from bot.content import Catalog
from bot.i18n import translator
from storage import Storage
from storage.tables import outbox_t
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.web.journey import first_lesson
from tests.zalo.conftest import (
    BOT_SECRET,
    PUBLIC_BOT_URL,
    BotLearner,
    assert_first_lesson_recorded,
    fixture,
    inbox_rows,
    running_bot,
    wait_processed,
)

TED = "6ede9afa66b88fe6d6a9"
CHANNEL = "zalo_bot"


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_learner_journey_with_numbers(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock, mode: str
) -> None:
    lesson, _quiz = first_lesson(a1_catalog)
    async with running_bot(storage, a1_catalog, fake, clock, mode) as bot:
        if mode == "webhook":
            assert fake.bot_webhook == {"url": PUBLIC_BOT_URL, "secret_token": BOT_SECRET}
        else:
            assert "deleteWebhook" in fake.bot_calls
        learner = BotLearner(bot, TED)
        await learner.say("/start")
        assert "Học vụ số" in learner.said and "1. Đồng ý" in learner.said
        await learner.choose("Đồng ý")
        await learner.say(learner.choice(f"Học bài: {lesson.title}") + ".")  # "2." works too
        await learner.finish_first_lesson(a1_catalog)
        await learner.say("menu")  # a menu answered by its words, not its number
        assert "1. " in learner.said

    await assert_first_lesson_recorded(storage, a1_catalog, CHANNEL)
    assert all(1 <= len(m.text) <= 2000 for m in fake.bot_messages)


async def test_webhook_secret_is_checked_and_replays_are_dropped(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_bot(sqlite_storage, a1_catalog, fake, clock, "webhook") as bot:
        update = bot.update("bot_message_text_received.json", TED, text="/start")
        assert await fake.deliver_bot_update(bot.url, update, secret="") == 401
        assert await fake.deliver_bot_update(bot.url, update, secret="wrong-secret-123") == 401
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                bot.url, data=b"{oops", headers={"X-Bot-Api-Secret-Token": BOT_SECRET}
            ) as response,
        ):
            assert response.status == 400
        assert await inbox_rows(sqlite_storage, CHANNEL) == []

        assert await bot.send(update) == 200
        first = len(fake.bot_messages_to(TED))
        assert first >= 2
        # The bare (unwrapped) form of the same message is the same event: dropped.
        bare = update["result"]
        assert await bot.send(bare) == 200
        statuses = await asyncio.gather(*(bot.send(update, wait=False) for _ in range(3)))
        assert statuses == [200, 200, 200]
        await bot.runtime.worker.wait_idle()
        assert len(fake.bot_messages_to(TED)) == first
        assert len(await inbox_rows(sqlite_storage, CHANNEL)) == 1
        # A new message in the bare form is accepted.
        other = bot.update("bot_message_text_received_bare.json", TED, text="menu")
        assert await bot.send(other) == 200
        assert len(fake.bot_messages_to(TED)) > first


async def test_protected_users_media_and_groups_never_raise(
    sqlite_storage: Storage,
    a1_catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    protected = "7fefabfb77c99ff7e7ba"
    async with running_bot(sqlite_storage, a1_catalog, fake, clock, "polling") as bot:
        await bot.send(bot.update("bot_message_unsupported_received.json", protected))
        [answer] = fake.bot_messages_to(protected)
        assert answer.text == translator("vi").gettext(PROTECTED_TEXT)
        assert await sqlite_storage.rows("learner") == []  # nothing about them is kept

        learner = BotLearner(bot, TED)
        await learner.say("/start")
        for name in ("bot_message_image_received.json", "bot_message_sticker_received.json"):
            before = len(fake.bot_messages_to(TED))
            await bot.send(bot.update(name, TED))
            said = "\n".join(m.text for m in fake.bot_messages_to(TED)[before:])
            assert "chỉ đọc được chữ" in said and "1. " in said, name  # and the menu again

        before = len(fake.bot_messages)
        await bot.send(bot.update("bot_message_text_received_group.json", TED))
        assert len(fake.bot_messages) == before
    rows = await inbox_rows(sqlite_storage, CHANNEL)
    assert all(row["processed_at"] is not None and row["attempts"] == 0 for row in rows)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_rate_limit_backs_off_and_retries(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_bot(storage, a1_catalog, fake, clock, "polling") as bot:
        control = BotLearner(bot, "0000000000000000aaaa")
        await control.say("/start")
        expected = [m.text for m in control.last]

        learner = BotLearner(bot, TED)
        fake.fail_next_bot_calls(429, times=2, description="Quota exceeded")
        attempts = fake.bot_attempts
        await learner.say("/start")
        assert [m.text for m in learner.last] == expected
        assert fake.bot_attempts == attempts + len(expected) + 2

        fake.fail_next_bot_calls(429, times=6, description="Quota exceeded")
        await learner.choose("Đồng ý")
        texts = [m.text for m in learner.last]
        assert texts and len(texts) == len(set(texts))
        retried = [r for r in await inbox_rows(storage, CHANNEL) if r["attempts"]]
        assert retried and all(r["processed_at"] for r in retried)


async def test_polling_survives_timeouts_and_stored_updates_resume(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    fake.max_poll_wait = 0.05  # many empty long polls (408) while nothing happens
    async with running_bot(sqlite_storage, a1_catalog, fake, clock, "polling") as bot:
        await asyncio.sleep(0.3)
        assert fake.bot_calls.count("getUpdates") >= 2
        update = bot.update("bot_message_text_received.json", TED, text="/start")
        await bot.send(update)
        assert fake.bot_messages_to(TED)
    # An update stored just before a crash is answered after the restart.
    pending = fixture("bot_message_text_received.json")
    pending["result"]["message"]["text"] = "menu"
    key = f"message.text.received:{pending['result']['message']['message_id']}"
    await sqlite_storage.inbox.store(CHANNEL, key, json.dumps(pending["result"]), clock.now())
    before = len(fake.bot_messages_to(TED))
    async with running_bot(sqlite_storage, a1_catalog, fake, clock, "polling"):
        await wait_processed(sqlite_storage, CHANNEL, key)
        assert len(fake.bot_messages_to(TED)) > before


async def test_proactive_messages_skip_unreachable_learners(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_bot(sqlite_storage, a1_catalog, fake, clock, "polling") as bot:
        await BotLearner(bot, TED).say("/start")
        rows = []
        for text in ("Nhắc học bài", "Nhắc lần hai"):
            async with sqlite_storage.unit_of_work(clock.now()) as uow:
                rows.append(
                    await sqlite_storage.outbox.enqueue(
                        uow,
                        channel=CHANNEL,
                        recipient=TED,
                        payload={"text": text, "choices": [{"id": "1:menu", "label": "Menu"}]},
                        kind="reminder",
                    )
                )
            await bot.drain_outbox()
            if text == "Nhắc học bài":
                assert fake.bot_messages_to(TED)[-1].text == "Nhắc học bài\n\n1. Menu"
                await sqlite_storage.identities.mark_unreachable(CHANNEL, TED, "test", clock.now())
        assert fake.bot_messages_to(TED)[-1].text == "Nhắc học bài\n\n1. Menu"
        async with sqlite_storage.reading() as conn:
            query = select(outbox_t.c.status).where(outbox_t.c.id.in_(rows))
            statuses = list((await conn.execute(query.order_by(outbox_t.c.id))).scalars())
        assert statuses == ["sent", "skipped"]


async def test_zalo_gives_no_language_so_vietnamese_and_a_numbered_restart_after_erasure(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_bot(sqlite_storage, a1_catalog, fake, clock, "webhook") as bot:
        learner = BotLearner(bot, TED)
        await learner.say("/start")
        assert learner.last[0].text.startswith("Xin chào bác!")
        await learner.choose("Không đồng ý")
        assert "không có thông tin nào của bác được lưu" in learner.said
        await learner.say("/xoadulieu")
        await learner.choose("Có, xóa dữ liệu")
        assert "1. Bắt đầu lại" in learner.said
        await learner.say(learner.choice("Bắt đầu lại"))
        assert learner.last[0].text.startswith("Xin chào bác!") and "1. Đồng ý" in learner.said
