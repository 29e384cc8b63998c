"""Recorded Telegram updates -> neutral inbound messages (or why they are ignored)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Bot, Update

from bot.channels.telegram.adapter import (
    Blocked,
    Ignored,
    Incoming,
    minimise,
    order_key,
    parse_command,
    plain_update,
    translate,
    translate_plain,
    update_key,
)
from bot.core import InputKind
from tests.telegram import updates

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BOT = Bot("123456789:AAHfakeTokenForTests_0123456789abcd")


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


# -- the common updates, read without PTB ---------------------------------------------------------


def common_updates() -> list[dict[str, Any]]:
    """The shapes `plain_update` reads: texts, commands and taps, as Telegram and the inbox
    (minimised) have them, with and without a language."""
    found = [updates.recorded(name) for name in ("message", "command", "callback_query")]
    found += [
        updates.text(42, "Xin chào"),
        updates.text(42, "/start inv_HN-0042"),
        updates.text(42, "/tiendo", language=None),
        updates.text(42, ""),
        updates.tap(42, "3:lesson.A1"),
        updates.tap(42, "1:agree", language="en"),
    ]
    dated = updates.text(43, "1")
    dated["message"]["date"] = 0  # no platform time: the handling time is used
    found.append(dated)
    return found + [minimise(data) for data in found]


def agrees(data: dict[str, Any]) -> bool:
    """`plain_update` either declines `data`, or reads it exactly as PTB + `translate` do.

    Returns whether it read it."""
    plain = plain_update(copy.deepcopy(data))
    try:
        update = Update.de_json(copy.deepcopy(data), BOT)
    except Exception:  # noqa: BLE001 - what PTB cannot read must not be read by us either
        assert plain is None, data
        return False
    if plain is None:
        return False
    assert translate_plain(plain, key="k", now=NOW) == translate(update, key="k", now=NOW), data
    assert plain.order_key == order_key(update)
    query = update.callback_query
    assert plain.query_id == (query.id if query is not None else None)
    return True


@pytest.mark.parametrize("index", range(len(common_updates())))
def test_common_updates_are_read_without_ptb_and_the_same(index: int) -> None:
    assert agrees(common_updates()[index])


@pytest.mark.parametrize("name", updates.KINDS)
def test_other_updates_go_through_ptb(name: str) -> None:
    data = updates.recorded(name)
    if name not in ("message", "command", "callback_query"):
        assert plain_update(data) is None
    agrees(data)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value (dict keys and list indexes), outermost first."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _altered(data: dict[str, Any], path: tuple[Any, ...], change: str, value: Any) -> Any:
    result = copy.deepcopy(data)
    holder = result
    for step in path[:-1]:
        holder = holder[step]
    last = path[-1]
    if change == "drop":
        del holder[last]
    elif change == "set":
        holder[last] = value
    elif isinstance(holder[last], dict):
        holder[last]["unexpected"] = value
    return result


ODD_VALUES = [None, True, False, 0, -1, 2**40, 1.5, "", "x", "private", "group", [], {}, [{}]]


def test_altered_updates_are_declined_or_read_the_same() -> None:
    """Every field of the common shapes dropped, retyped or joined by an unknown one: our reading
    never disagrees with PTB's, and never accepts what PTB cannot read."""
    read = declined = 0
    for data in common_updates()[:6]:
        for path in _paths(data):
            variants = [_altered(data, path, "drop", None)]
            variants += [_altered(data, path, "set", value) for value in ODD_VALUES]
            variants.append(_altered(data, path, "add", "?"))
            for variant in variants:
                if agrees(variant):
                    read += 1
                else:
                    declined += 1
    assert read > 300 and declined > 1000  # both sides of the check were exercised
