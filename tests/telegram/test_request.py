"""AiohttpRequest: PTB's Bot over aiohttp, with PTB's error types."""

from __future__ import annotations

import random
import string
from urllib.parse import urlencode

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Forbidden, NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.request import AiohttpRequest, form_urlencoded
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


def test_form_bodies_are_what_urlencode_makes() -> None:
    rng = random.Random(7)
    alphabet = string.printable + "Đđăâêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ“”…€😀🇻🇳"
    cases = [{}, {"chat_id": "42"}, {"text": "", "a b": "c&d=e+f%"}]
    for _ in range(500):
        cases.append(
            {
                "".join(rng.choices(alphabet, k=rng.randint(1, 8))): "".join(
                    rng.choices(alphabet, k=rng.randint(0, 60))
                )
                for _ in range(rng.randint(1, 4))
            }
        )
    for fields in cases:
        assert form_urlencoded(fields) == urlencode(fields).encode(), fields


async def test_the_body_on_the_wire_is_the_form_ptb_sends() -> None:
    seen: list[tuple[str, bytes]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((request.headers["Content-Type"], await request.read()))
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    request = AiohttpRequest()
    await request.initialize()
    try:
        keyboard = '{"inline_keyboard": [[{"text": "Đồng ý", "callback_data": "1:agree"}]]}'
        fields = {"chat_id": "42", "text": "Xin chào & 100% “bạn”", "reply_markup": keyboard}
        data = RequestData([RequestParameter(name, value, None) for name, value in fields.items()])
        await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage", request_data=data)
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert seen == [("application/x-www-form-urlencoded", urlencode(fields).encode())]
