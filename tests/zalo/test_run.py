"""`hocvuso run` with both Zalo channels turned on by their environment variables."""

from __future__ import annotations

import asyncio
import time

from tests.conftest import BotProcess, free_port
from tests.fakes.fake_zalo import APP_ID, APP_SECRET, BOT_TOKEN, OA_SECRET_KEY, FakeZalo
from tests.zalo.conftest import fixture


async def test_hocvuso_run_serves_zalo_oa_and_zalo_bot(sqlite_url: str, fake: FakeZalo) -> None:
    env = {
        "ZALO_OA_APP_ID": APP_ID,
        "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_OA_REFRESH_TOKEN": fake.consent(),
        "ZALO_OA_API_BASE_URL": fake.url,
        "ZALO_OAUTH_BASE_URL": fake.url,
        "ZALO_BOT_TOKEN": BOT_TOKEN,
        "ZALO_BOT_API_BASE_URL": fake.url,
    }
    process = BotProcess(sqlite_url, free_port(), env)
    await asyncio.to_thread(process.start)
    try:
        await fake.wait_for(lambda: bool(fake.refresh_calls) and "getUpdates" in fake.bot_calls)
        user = "2468458835291979220"
        event = fixture("oa_user_send_text.json")
        event["sender"]["id"] = user
        event["message"]["text"] = "/start"
        event["timestamp"] = str(int(time.time() * 1000))
        fake.interacted(user)
        status, _ = await fake.post_oa_event(f"{process.base_url}/zalo/oa/webhook", event)
        assert status == 200
        await fake.wait_for(lambda: len(fake.messages_to(user)) >= 2)
        assert "Học vụ số" in fake.messages_to(user)[0].text

        update = fixture("bot_message_text_received.json")
        update["result"]["message"]["text"] = "/start"
        fake.push_update(update)
        await fake.wait_for(lambda: len(fake.bot_messages) >= 2)
        assert "1. " in fake.bot_messages[-1].text
    finally:
        output = await asyncio.to_thread(process.stop)
    assert "channel zalo_oa is on" in output and "channel zalo_bot is on" in output
    assert "Traceback" not in output
