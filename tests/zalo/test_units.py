"""Pure pieces of the Zalo channels: parsing events, rendering replies (splitting text is
tested for every channel in tests/channels/test_text.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.channels.zalo_bot import adapter as bot_adapter
from bot.channels.zalo_bot.render import render_reply as render_bot
from bot.channels.zalo_oa import adapter as oa_adapter
from bot.channels.zalo_oa.render import render_reply as render_oa
from bot.core import Choice, InputKind, Reply
from bot.outbox import replies_of as replies_from_payload
from bot.retry import Backoff
from tests.zalo.conftest import fixture

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_oa_render_puts_buttons_on_the_last_piece_and_continues_past_five() -> None:
    choices = tuple(Choice(f"7:module.{c}", f"Chủ đề {c}") for c in "ABCDEF") + (
        Choice("7:menu", "Quay lại " + "rất dài " * 20),
    )
    reply = Reply("Chọn một chủ đề:\n\n" + "x" * 1995, choices)
    messages = render_oa("123", reply, "vi")
    assert all(m["recipient"] == {"user_id": "123"} for m in messages)
    texts = [m["message"]["text"] for m in messages]
    assert len(texts) == 3 and "attachment" not in messages[0]["message"]
    first, second = (m["message"]["attachment"]["payload"]["buttons"] for m in messages[1:])
    assert [b["payload"] for b in first + second] == [c.id for c in choices]
    assert {b["type"] for b in first + second} == {"oa.query.hide"}
    assert len(first) == 5 and len(second) == 2
    assert all(len(b["title"]) <= 100 for b in second) and second[-1]["title"].endswith("…")
    assert texts[2] == "More choices:" or texts[2].endswith(":")
    assert render_oa("1", Reply("Chào"))[0]["message"] == {"text": "Chào"}


def test_bot_render_numbers_every_choice() -> None:
    reply = Reply("Bạn có đồng ý không?", (Choice("1:agree", "Đồng ý"), Choice("1:no", "Không")))
    assert render_bot(reply) == ["Bạn có đồng ý không?\n\n1. Đồng ý\n2. Không"]
    assert render_bot(Reply("", (Choice("1:a", "A"),))) == ["1. A"]
    long = render_bot(Reply("y " * 1500, (Choice("1:a", "A"),)))
    assert len(long) == 2 and long[-1].endswith("1. A")


def test_oa_events_become_neutral_messages() -> None:
    text = fixture("oa_user_send_text.json")
    key = oa_adapter.event_key(text)
    assert key == "96d3cdf3af150460909"
    message = oa_adapter.to_inbound(text, key, NOW)
    assert message is not None and message.kind is InputKind.TEXT and message.text == "Xin chào"
    assert message.user_ref == "2468458835291979220" and message.message_id == key
    assert message.received_at == datetime.fromtimestamp(1750316131.602, UTC)

    tap = fixture("oa_user_send_text_button_payload.json")
    message = oa_adapter.to_inbound(tap, oa_adapter.event_key(tap), NOW)
    assert message is not None and message.kind is InputKind.CHOICE
    assert message.choice_id == "1:agree"

    for typed in ("1:30 chiều", "/start", "2", "1: agree"):
        text["message"]["text"] = typed
        message = oa_adapter.to_inbound(text, key, NOW)
        assert message is not None and message.kind is InputKind.TEXT, typed

    follow = fixture("oa_follow.json")
    message = oa_adapter.to_inbound(follow, oa_adapter.event_key(follow), NOW)
    assert message is not None and message.kind is InputKind.COMMAND and message.command == "start"
    assert oa_adapter.event_key(follow) == "follow:2468458835291979220:1750316131602"
    assert oa_adapter.user_of(fixture("oa_unfollow.json")) == "2468458835291979220"
    assert oa_adapter.user_of(fixture("oa_user_seen_message.json")) == "2468458835291979220"

    image = fixture("oa_user_send_image.json")
    message = oa_adapter.to_inbound(image, "k", NOW)
    assert message is not None and message.kind is InputKind.UNSUPPORTED
    for name in (
        "oa_unfollow.json",
        "oa_user_submit_info.json",
        "oa_oa_send_text.json",
        "oa_user_received_message.json",
        "oa_user_send_group_text.json",
        "oa_unknown_event.json",
    ):
        assert oa_adapter.to_inbound(fixture(name), "k", NOW) is None, name
    assert "info" not in oa_adapter.redact(fixture("oa_user_submit_info.json"))
    assert oa_adapter.to_inbound({}, "k", NOW) is None


@pytest.mark.parametrize(
    ("raw", "millis"),
    [("1750316131602", 1750316131602), ("1750316131", 1750316131000), ("x", None), ("", None)],
)
def test_oa_timestamps(raw: str, millis: int | None) -> None:
    assert oa_adapter.timestamp_ms({"timestamp": raw}) == millis


def test_bot_updates_become_neutral_messages() -> None:
    wrapped = fixture("bot_message_text_received.json")
    update = bot_adapter.unwrap(wrapped)
    assert update is not None and update == bot_adapter.unwrap(wrapped["result"])
    key = bot_adapter.event_key(update)
    assert key == "message.text.received:2d758cb5e222177a4e35"
    message = bot_adapter.to_inbound(update, key, NOW)
    assert message is not None and message.kind is InputKind.TEXT and message.text == "Xin chào"
    assert message.user_ref == "6ede9afa66b88fe6d6a9"

    sticker = bot_adapter.unwrap(fixture("bot_message_sticker_received.json"))
    assert sticker is not None
    message = bot_adapter.to_inbound(sticker, "k", NOW)
    assert message is not None and message.kind is InputKind.UNSUPPORTED
    protected = bot_adapter.unwrap(fixture("bot_message_unsupported_received.json"))
    group = bot_adapter.unwrap(fixture("bot_message_text_received_group.json"))
    assert protected is not None and group is not None
    assert bot_adapter.to_inbound(protected, "k", NOW) is None
    assert bot_adapter.is_group(group) and bot_adapter.to_inbound(group, "k", NOW) is None
    assert bot_adapter.unwrap({"ok": True, "result": None}) is None
    assert bot_adapter.unwrap([1, 2]) is None
    no_id = {"event_name": "message.text.received", "message": {"text": "hi"}}
    assert bot_adapter.event_key(no_id).startswith("message.text.received:sha256:")


def test_backoff_and_outbox_payloads() -> None:
    backoff = Backoff(initial=1, maximum=10, attempts=3)
    assert [backoff.delay(n) for n in range(5)] == [1, 2, 4, 8, 10]
    assert backoff.delay(0, hint=35) == 10
    choices = [{"id": "3:menu", "label": "Menu"}]
    one = replies_from_payload({"text": "Nhắc học", "choices": choices})
    assert one == (Reply("Nhắc học", (Choice("3:menu", "Menu"),)),)
    many = replies_from_payload({"replies": [{"text": "a"}, {"bad": 1}, {"text": "b"}]})
    assert [r.text for r in many] == ["a", "b"]
    assert replies_from_payload({"nothing": True}) == ()
