"""`hocvuso run` with TELEGRAM_* variables, as an operator starts it, against the fake Bot API."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.conftest import BotProcess, free_port
from tests.fakes.fake_bot_api import FakeBotApi
from tests.telegram import updates
from tests.telegram.conftest import SECRET


async def test_hocvuso_run_long_polls_when_only_the_token_is_set(
    fake_api: FakeBotApi, sqlite_url: str
) -> None:
    env = {"TELEGRAM_BOT_TOKEN": fake_api.token, "TELEGRAM_API_BASE_URL": fake_api.base_url}
    process = await asyncio.to_thread(BotProcess(sqlite_url, free_port(), env).start)
    try:
        fake_api.push(updates.text(9_000_001, "/start inv_run"))
        await fake_api.wait_for(lambda: len(fake_api.sent_to(9_000_001)) == 2, within=30)
    finally:
        output = await asyncio.to_thread(process.stop)
    assert "channel telegram is on" in output
    assert fake_api.calls_to("getUpdates") and not fake_api.unknown


async def test_hocvuso_run_serves_the_webhook(fake_api: FakeBotApi, sqlite_url: str) -> None:
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
    process = await asyncio.to_thread(BotProcess(sqlite_url, port, env).start)
    try:
        await fake_api.wait_for(lambda: fake_api.webhook is not None, within=30)
        assert await fake_api.deliver(updates.text(9_000_002, "/start")) == 200
        await fake_api.wait_for(lambda: len(fake_api.sent_to(9_000_002)) == 2, within=30)
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"http://127.0.0.1:{port}/telegram/webhook",
                json=updates.text(9_000_002, "/menu"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "forged"},
            ) as response,
        ):
            assert response.status == 403
    finally:
        await asyncio.to_thread(process.stop)
    assert fake_api.webhook["secret_token"] == SECRET
    assert len(fake_api.sent_to(9_000_002)) == 2
