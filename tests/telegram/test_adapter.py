"""Recorded Telegram updates -> neutral inbound messages (or why they are ignored)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from telegram import Bot, Update

from bot.channels.telegram.adapter import (
    Blocked,
    Ignored,
    Incoming,
    minimise,
    order_key,
    parse_command,
    translate,
    update_key,
)
from bot.core import InputKind
from tests.telegram import updates

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BOT = Bot("123456789:AAHfakeTokenForTests_0123456789abcde")


def parsed(name: str) -> Update:
    return Update.de_json(updates.recorded(name), BOT)


def test_every_recorded_kind_is_there() -> None:
    for name in updates.KINDS:
        assert updates.recorded(name)["update_id"] > 0


def test_text_message() -> None:
    result = translate(parsed("message"), key="k1", now=NOW)
    assert isinstance(result, Incoming)
    message = result.message
    assert (message.channel, message.user_ref, message.kind) == ("telegram", "5123456789", "text")
    assert message.text == "Xin chào" and message.message_id == "k1" and message.locale == "vi"
    assert message.received_at == datetime.fromtimestamp(1763900000, UTC)
    assert result.chat_id == 5123456789


def test_start_command_keeps_the_deep_link_payload() -> None:
    result = translate(parsed("command"), key="k2", now=NOW)
    assert isinstance(result, Incoming)
    assert result.message.kind is InputKind.COMMAND
    assert (result.message.command, result.message.args) == ("start", ("inv_HN-0042",))


def test_button_tap() -> None:
    result = translate(parsed("callback_query"), key="k3", now=NOW)
    assert isinstance(result, Incoming)
    assert result.message.kind is InputKind.CHOICE and result.message.choice_id == "1:agree"
    assert result.message.received_at == NOW and result.chat_id == 5123456789


@pytest.mark.parametrize(
    ("name", "described"),
    [
        ("sticker", "sticker"),
        ("photo", "photo"),
        ("voice", "voice"),
        ("location", "location"),
        ("edited_message", "edited message"),
    ],
)
def test_what_the_core_cannot_read_is_unsupported(name: str, described: str) -> None:
    result = translate(parsed(name), key="k", now=NOW)
    assert isinstance(result, Incoming)
    assert result.message.kind is InputKind.UNSUPPORTED and result.message.text == described


def test_blocking_the_bot_is_recognised() -> None:
    assert translate(parsed("my_chat_member"), key="k", now=NOW) == Blocked("5123456789")


def test_unblocking_is_ignored() -> None:
    data = updates.recorded("my_chat_member")
    data["my_chat_member"]["new_chat_member"]["status"] = "member"
    result = translate(Update.de_json(data, BOT), key="k", now=NOW)
    assert isinstance(result, Ignored)


@pytest.mark.parametrize("name", ["group_message", "channel_post"])
def test_groups_and_channels_are_ignored_by_design(name: str) -> None:
    result = translate(parsed(name), key="k", now=NOW)
    assert isinstance(result, Ignored), result


def test_buttons_in_groups_and_service_messages_are_ignored() -> None:
    data = updates.recorded("callback_query")
    data["callback_query"]["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "x"}
    assert isinstance(translate(Update.de_json(data, BOT), key="k", now=NOW), Ignored)
    data = updates.recorded("message")
    del data["message"]["text"]
    data["message"]["pinned_message"] = None
    data["message"]["new_chat_title"] = "Lớp học"
    assert isinstance(translate(Update.de_json(data, BOT), key="k", now=NOW), Ignored)


def test_empty_and_unknown_updates_are_ignored() -> None:
    assert translate(Update.de_json({"update_id": 5}, BOT), key="k", now=NOW) == Ignored(
        "empty update"
    )
    poll = {
        "update_id": 6,
        "poll_answer": {"poll_id": "1", "option_ids": [0], "option_persistent_ids": ["a"]},
    }
    assert isinstance(translate(Update.de_json(poll, BOT), key="k", now=NOW), Ignored)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", ("start", ())),
        ("/start inv_HN-0042", ("start", ("inv_HN-0042",))),
        ("/START@hocvuso_test_bot abc", ("start", ("abc",))),
        ("/start " + "a" * 64, ("start", ("a" * 64,))),
        ("/start " + "a" * 65, ("start", ())),
        ("/start bad!payload", ("start", ())),
        ("/start two words", ("start", ())),
        ("/start mã_mời", ("start", ())),
        ("/TienDo", ("tiendo", ())),
        ("/menu 1 2", ("menu", ("1", "2"))),
        ("/", None),
        ("/ menu", None),
        ("/đăng_ký", None),
        ("xin chào", None),
    ],
)
def test_parse_command(text: str, expected: tuple[str, tuple[str, ...]] | None) -> None:
    assert parse_command(text) == expected


def test_keys() -> None:
    assert update_key("123", 42) == "123:42"
    assert order_key(parsed("message")) == "user:5123456789"
    assert order_key(parsed("callback_query")) == "user:5123456789"
    assert order_key(parsed("channel_post")) == "chat:-1001122334455"
    assert order_key(Update.de_json({"update_id": 9}, BOT)) == "update:9"


@pytest.mark.parametrize("name", updates.KINDS)
def test_stored_updates_keep_no_names_and_read_the_same(name: str) -> None:
    raw = updates.recorded(name)
    kept = minimise(raw)
    text = json.dumps(kept, ensure_ascii=False)
    assert "Nguyễn" not in text and "lan_nguyen" not in text and '"Lan"' not in text
    before = translate(Update.de_json(raw, BOT), key="k", now=NOW)
    after = translate(Update.de_json(kept, BOT), key="k", now=NOW)
    assert after == before


def test_shared_phone_numbers_and_places_are_not_kept() -> None:
    raw = updates.recorded("location")
    raw["message"]["contact"] = {"phone_number": "+84912345678", "first_name": "Bà Tư"}
    kept = json.dumps(minimise(raw), ensure_ascii=False)
    assert "84912345678" not in kept and "Bà Tư" not in kept and "21.028511" not in kept
