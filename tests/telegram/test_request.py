"""AiohttpRequest: PTB's Bot over aiohttp, with PTB's error types."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, TimedOut

from bot.channels.telegram.request import AiohttpRequest
from tests.conftest import free_port
from tests.fakes.fake_bot_api import TOKEN, FakeBotApi


async def test_calls_and_answers(fake_api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=fake_api.base_url, request=AiohttpRequest()) as bot:
        assert bot.username == "hocvuso_test_bot"
        message = await bot.send_message(42, "Xin chào <b>*bạn*</b>")
    assert message.text == "Xin chào <b>*bạn*</b>" and message.chat.id == 42
    [sent] = fake_api.sent
    assert sent.params == {"chat_id": 42, "text": "Xin chào <b>*bạn*</b>"}
    assert fake_api.calls[0].method == "getMe"


async def test_platform_errors_keep_their_ptb_types(fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    async with Bot(TOKEN, base_url=fake_api.base_url, request=AiohttpRequest()) as bot:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(42, "?")


async def test_a_slow_answer_times_out(fake_api: FakeBotApi) -> None:
    fake_api.send_delay = 1.0
    request = AiohttpRequest(read_timeout=0.1)
    async with Bot(TOKEN, base_url=fake_api.base_url, request=request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(42, "?")


async def test_an_unreachable_server_is_a_network_error() -> None:
    request = AiohttpRequest(connect_timeout=1)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{free_port()}/bot", request=request)
    with pytest.raises(NetworkError):
        await bot.initialize()
    await request.shutdown()


async def test_not_initialised_is_refused() -> None:
    with pytest.raises(RuntimeError):
        await AiohttpRequest().do_request("http://127.0.0.1:1/", "POST")
