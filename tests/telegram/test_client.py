"""ChannelBot: the raw sendMessage and getUpdates put the same request on the wire as PTB's own
methods, keep PTB's error types and the rate limiter, and answer Telegram's JSON."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram import client
from bot.channels.telegram.client import ChannelBot
from bot.channels.telegram.ratelimit import ChatRateLimiter
from bot.channels.telegram.request import AiohttpRequest
from tests.fakes.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram import updates

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Đồng ý", callback_data="1:agree")],
        [InlineKeyboardButton("Không đồng ý", callback_data="1:decline")],
    ]
)


def channel_bot(fake: FakeBotApi, limiter: ChatRateLimiter | None = None) -> ChannelBot:
    return ChannelBot(
        TOKEN,
        base_url=fake.base_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=2),
        rate_limiter=limiter,
    )


@pytest.mark.parametrize("keyboard", [None, KEYBOARD])
async def test_send_text_puts_what_send_message_puts_on_the_wire(
    fake_api: FakeBotApi, keyboard: InlineKeyboardMarkup | None
) -> None:
    text = "Xin chào <b>*bạn*</b> & 100% “đồng ý”?"
    async with channel_bot(fake_api) as bot:
        assert await bot.send_text(42, text, keyboard) is None
        await bot.send_message(42, text, reply_markup=keyboard)
    ours, ptb = fake_api.sent
    assert ours.params == ptb.params
    assert ours.text == text and ours.buttons == ptb.buttons
    assert [call.method for call in fake_api.calls].count("sendMessage") == 2


async def test_send_text_keeps_ptb_errors(fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    fake_api.fail("sendMessage", status=400, description="Bad Request: chat not found")
    async with channel_bot(fake_api) as bot:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_text(42, "?")
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_text(42, "?")


async def test_send_text_goes_through_the_rate_limiter(fake_api: FakeBotApi) -> None:
    seen: list[object] = []

    class Spy(ChatRateLimiter):
        async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def]
            seen.append((endpoint, data.get("chat_id")))
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    async with channel_bot(fake_api, Spy()) as bot:
        await bot.send_text(42, "Xin chào")
    assert seen[-1] == ("sendMessage", 42)


async def test_get_update_dicts_asks_what_get_updates_asks(fake_api: FakeBotApi) -> None:
    first, second = updates.text(7, "Xin chào"), updates.tap(7, "1:agree")
    fake_api.push(first, second)
    allowed = ("message", "callback_query")
    async with channel_bot(fake_api) as bot:
        raw = await bot.get_update_dicts(offset=None, poll_timeout=0, allowed_updates=allowed)
        parsed = await bot.get_updates(offset=None, timeout=0, allowed_updates=list(allowed))
    assert raw == [first, second]
    assert [Update.de_json(data, bot) for data in raw] == list(parsed)
    ours, ptb = fake_api.calls_to("getUpdates")
    assert ours.params == ptb.params == {"timeout": 0, "allowed_updates": list(allowed)}


def test_a_keyboard_is_serialised_as_ptb_serialises_it_and_only_once() -> None:
    expected = RequestParameter.from_input("reply_markup", KEYBOARD).json_value
    assert client._markup_json(KEYBOARD) == expected
    assert client._markup_json(KEYBOARD) is client._markup_json(KEYBOARD)
    # An equal keyboard that is another object is serialised on its own (identity, not value).
    other = InlineKeyboardMarkup.de_json(KEYBOARD.to_dict(), None)
    assert other is not None and client._markup_json(other) == expected
