"""Telegram updates -> neutral inbound messages, or the reason an update is ignored.

What the bot reads, and why (docs/telegram.md has the same table for operators):

* private text -> TEXT; "/name args" -> COMMAND (a `/start` deep-link payload is kept only when it
  is 1-64 characters of A-Z a-z 0-9 _ -);
* a button tap (callback_query with data) -> CHOICE;
* stickers, photos, voice, locations, files... and edited messages -> UNSUPPORTED, which the core
  answers with a short friendly reply and the current prompt, changing nothing;
* `my_chat_member` with status "kicked" (the learner blocked the bot) -> Blocked;
* group chats, channel posts and every other update type -> Ignored (by design: the bot teaches
  one person at a time, and must not chatter in groups).

`translate` reads PTB's `Update`; `plain_update` + `translate_plain` give the same answer for the
two common shapes (a private text, a button tap) straight from the JSON, without building it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeGuard

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType, MessageAttachmentType

from bot.channels.deep_link import start_args
from bot.core import InboundMessage, InputKind

CHANNEL = "telegram"
# What we ask Telegram to send (setWebhook / getUpdates); anything else is ignored anyway.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
COMMAND_NAME = re.compile(r"^[A-Za-z0-9_]{1,32}$")
# Personal data in raw updates that the inbox does not keep (see `minimise`).
_PERSONAL = frozenset(
    {"last_name", "username", "bio", "active_usernames", "emoji_status_custom_emoji_id"}
)
_NOWHERE = {"latitude": 0.0, "longitude": 0.0}
_PLACEHOLDERS: dict[str, Any] = {
    "contact": {"phone_number": "", "first_name": ""},
    "location": _NOWHERE,
    "venue": {"location": _NOWHERE, "title": "", "address": ""},
}
# Content a person can send that the core cannot read; successful_payment is a service message.
_CONTENT_KINDS = tuple(
    kind.value
    for kind in MessageAttachmentType
    if kind is not MessageAttachmentType.SUCCESSFUL_PAYMENT
)


@dataclass(frozen=True)
class Incoming:
    """An update the core answers; replies go to `chat_id`."""

    message: InboundMessage
    chat_id: int


@dataclass(frozen=True)
class Blocked:
    """The learner blocked the bot: mark them unreachable, send nothing."""

    user_ref: str


@dataclass(frozen=True)
class Ignored:
    """Nothing to do, by design (`reason` is logged at debug level)."""

    reason: str


Translation = Incoming | Blocked | Ignored


def minimise(data: Any) -> Any:
    """A copy of a raw update without what the bot must not keep: people's names and usernames
    (learners are pseudonymous), shared phone numbers and places. Kept: ids, texts, dates,
    language codes, button data and the kind of each message, which is all `translate` reads."""
    if isinstance(data, list):
        return [minimise(item) for item in data]
    if not isinstance(data, dict):
        return data
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in _PERSONAL:
            continue
        if key in _PLACEHOLDERS:
            clean[key] = _PLACEHOLDERS[key]
        elif key == "first_name":
            clean[key] = ""
        else:
            clean[key] = minimise(value)
    return clean


def update_key(bot_id: str, update_id: int) -> str:
    """The de-duplication key of an update: update ids are only unique per bot."""
    return f"{bot_id}:{update_id}"


def order_key(update: Update) -> str:
    """Updates with the same key are handled strictly in order (one learner: one key)."""
    if update.effective_user is not None:
        return f"user:{update.effective_user.id}"
    if update.effective_chat is not None:
        return f"chat:{update.effective_chat.id}"
    return f"update:{update.update_id}"


def translate(update: Update, *, key: str, now: datetime) -> Translation:
    """What the core should see of one update.

    Args:
        update: the parsed update.
        key: its de-duplication key (`update_key`), used as the message id.
        now: when it is being handled (for inputs without a platform timestamp).
    """
    if update.message is not None:
        return _from_message(update.message, key, now, edited=False)
    if update.edited_message is not None:
        return _from_message(update.edited_message, key, now, edited=True)
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message is not None else None
        if chat is not None and chat.type != ChatType.PRIVATE:
            return Ignored(f"button in a {chat.type} chat")
        if query.from_user.is_bot or not query.data:
            return Ignored("callback query without data")
        message = InboundMessage(
            channel=CHANNEL,
            user_ref=str(query.from_user.id),
            kind=InputKind.CHOICE,
            received_at=now,
            message_id=key,
            choice_id=query.data,
            locale=query.from_user.language_code,
        )
        return Incoming(message, chat.id if chat is not None else query.from_user.id)
    if update.my_chat_member is not None:
        change = update.my_chat_member
        if (
            change.chat.type == ChatType.PRIVATE
            and change.new_chat_member.status == ChatMemberStatus.BANNED
        ):
            return Blocked(str(change.chat.id))
        return Ignored(f"bot membership changed to {change.new_chat_member.status}")
    kinds = [name for name in update.to_dict() if name != "update_id"]
    return Ignored(f"{kinds[0] if kinds else 'empty'} update")


def _from_message(message: Message, key: str, now: datetime, *, edited: bool) -> Translation:
    chat, user = message.chat, message.from_user
    if chat.type != ChatType.PRIVATE:
        return Ignored(f"message in a {chat.type} chat")
    if user is None or user.is_bot:
        return Ignored("message without a human sender")
    sent_at = message.date if message.date.tzinfo else message.date.replace(tzinfo=UTC)
    base = InboundMessage(
        channel=CHANNEL,
        user_ref=str(user.id),
        kind=InputKind.TEXT,
        received_at=sent_at if sent_at.year > 2000 else now,
        message_id=key,
        text=message.text or "",
        locale=user.language_code,
    )
    if edited:
        # An edit is not a new answer; the core explains what it reads and re-shows the prompt.
        return Incoming(replace(base, kind=InputKind.UNSUPPORTED, text="edited message"), chat.id)
    if message.text is not None:
        command = parse_command(message.text)
        if command is None:
            return Incoming(base, chat.id)
        name, args = command
        return Incoming(replace(base, kind=InputKind.COMMAND, command=name, args=args), chat.id)
    kind = next((name for name in _CONTENT_KINDS if getattr(message, name, None)), None)
    if kind is None:
        return Ignored("service message")
    return Incoming(replace(base, kind=InputKind.UNSUPPORTED, text=kind), chat.id)


def parse_command(text: str) -> tuple[str, tuple[str, ...]] | None:
    """`/start@hocvuso_bot abc` -> ("start", ("abc",)); None when the text is not a command.

    A `/start` payload that is not one valid deep-link payload (1-64 characters of A-Z a-z 0-9 _ -,
    no spaces) is dropped: it did not come from one of our links.
    """
    if not text.startswith("/"):
        return None
    head, *args = text.split()
    name = head[1:].partition("@")[0]
    if not COMMAND_NAME.match(name):
        return None
    name = name.lower()
    if name == "start":
        args = list(start_args(args))
    return name, tuple(args)


# -- the common updates, read straight from Telegram's JSON ---------------------------------------
#
# Parsing an update into python-telegram-bot objects costs 150-300 µs (every nested user, chat and
# button becomes an object); a private text message or a button tap is most of the traffic and
# needs five fields. `plain_update` reads those two shapes from the JSON, and only when every key
# is one it knows and every value has the type Telegram documents: then PTB would read the update
# too, and `translate_plain` gives exactly what `translate` gives for it (tests/telegram/
# test_adapter.py checks both on every recorded update and on altered copies). Anything else,
# including a well-formed update with one unexpected field, goes through PTB as before.

_USER_KEYS = frozenset(
    {
        "id",
        "is_bot",
        "first_name",
        "last_name",
        "username",
        "language_code",
        "is_premium",
        "added_to_attachment_menu",
    }
)
_USER_TEXT = ("last_name", "username", "language_code")
_USER_FLAGS = ("is_premium", "added_to_attachment_menu")
_CHAT_KEYS = frozenset({"id", "type", "first_name", "last_name", "username"})
_CHAT_TEXT = ("first_name", "last_name", "username")
_MESSAGE_KEYS = frozenset({"message_id", "from", "chat", "date", "text", "entities"})
_SHOWN_KEYS = _MESSAGE_KEYS | {"reply_markup", "edit_date"}  # the bot's message under a button
_ENTITY_KEYS = frozenset({"type", "offset", "length"})
_BUTTON_KEYS = frozenset({"text", "callback_data"})
_QUERY_KEYS = frozenset({"id", "from", "message", "chat_instance", "data"})
_LAST_DATE = 2**32  # Unix time fits easily; PTB reads any such integer as a date


@dataclass(frozen=True)
class PlainUpdate:
    """A private text message (`text`) or a button tap (`choice`, `query_id`) from a person."""

    user_id: int
    chat_id: int
    language: str | None
    text: str | None = None
    date: int = 0
    choice: str | None = None
    query_id: str | None = None

    @property
    def order_key(self) -> str:
        """What `order_key` says for the same update."""
        return f"user:{self.user_id}"


def plain_update(data: Any) -> PlainUpdate | None:
    """The update as a `PlainUpdate` when it is one of the two common shapes, else None."""
    if not isinstance(data, dict) or len(data) != 2 or not _is_int(data.get("update_id")):
        return None
    message = data.get("message")
    if message is not None:
        if not _is_message(message, _MESSAGE_KEYS) or not isinstance(message.get("text"), str):
            return None
        user = message.get("from")
        if not _is_user(user) or user["is_bot"]:
            return None
        return PlainUpdate(
            user_id=user["id"],
            chat_id=message["chat"]["id"],
            language=user.get("language_code"),
            text=message["text"],
            date=message["date"],
        )
    query = data.get("callback_query")
    if (
        not isinstance(query, dict)
        or not query.keys() <= _QUERY_KEYS
        or not isinstance(query.get("id"), str)
        or not isinstance(query.get("chat_instance"), str)
        or not isinstance(query.get("data"), str)
        or not query["data"]
        or not _is_user(query.get("from"))
        or query["from"]["is_bot"]
    ):
        return None
    shown = query.get("message")
    if not _is_message(shown, _SHOWN_KEYS) or not _is_user(shown.get("from")):
        return None
    if "reply_markup" in shown and not _is_keyboard(shown["reply_markup"]):
        return None
    if "edit_date" in shown and not _is_date(shown["edit_date"]):
        return None
    user = query["from"]
    return PlainUpdate(
        user_id=user["id"],
        chat_id=shown["chat"]["id"],
        language=user.get("language_code"),
        choice=query["data"],
        query_id=query["id"],
    )


def translate_plain(update: PlainUpdate, *, key: str, now: datetime) -> Incoming:
    """What `translate` answers for the same update (see `plain_update`)."""
    if update.choice is not None:
        message = InboundMessage(
            channel=CHANNEL,
            user_ref=str(update.user_id),
            kind=InputKind.CHOICE,
            received_at=now,
            message_id=key,
            choice_id=update.choice,
            locale=update.language,
        )
        return Incoming(message, update.chat_id)
    text = update.text or ""
    sent_at = datetime.fromtimestamp(update.date, UTC)
    base = InboundMessage(
        channel=CHANNEL,
        user_ref=str(update.user_id),
        kind=InputKind.TEXT,
        received_at=sent_at if sent_at.year > 2000 else now,
        message_id=key,
        text=text,
        locale=update.language,
    )
    command = parse_command(text)
    if command is None:
        return Incoming(base, update.chat_id)
    name, args = command
    return Incoming(replace(base, kind=InputKind.COMMAND, command=name, args=args), update.chat_id)


def _is_int(value: object) -> bool:
    return type(value) is int  # not a bool


def _is_date(value: object) -> bool:
    return type(value) is int and 0 <= value < _LAST_DATE


def _is_user(value: object) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(value, dict)
        and value.keys() <= _USER_KEYS
        and _is_int(value.get("id"))
        and type(value.get("is_bot")) is bool
        and isinstance(value.get("first_name"), str)
        and all(isinstance(value.get(name, ""), str) for name in _USER_TEXT)
        and all(type(value.get(name, False)) is bool for name in _USER_FLAGS)
    )


def _is_private_chat(value: object) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() <= _CHAT_KEYS
        and _is_int(value.get("id"))
        and value.get("type") == ChatType.PRIVATE
        and all(isinstance(value.get(name, ""), str) for name in _CHAT_TEXT)
    )


def _is_message(value: object, keys: frozenset[str]) -> TypeGuard[dict[str, Any]]:
    """A message in a private chat whose every key is in `keys`, with `from` left to the caller
    and `entities`, when present, well formed."""
    return (
        isinstance(value, dict)
        and value.keys() <= keys
        and _is_int(value.get("message_id"))
        and _is_date(value.get("date"))
        and _is_private_chat(value.get("chat"))
        and isinstance(value.get("text", ""), str)
        and all(_is_entity(entity) for entity in _as_list(value.get("entities", [])))
    )


def _is_entity(value: object) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() == _ENTITY_KEYS
        and isinstance(value["type"], str)
        and _is_int(value["offset"])
        and _is_int(value["length"])
    )


def _is_keyboard(value: object) -> bool:
    if not isinstance(value, dict) or value.keys() != {"inline_keyboard"}:
        return False
    rows = _as_list(value["inline_keyboard"])
    return rows is not _NOT_A_LIST and all(
        isinstance(button, dict)
        and button.keys() <= _BUTTON_KEYS
        and isinstance(button.get("text"), str)
        and isinstance(button.get("callback_data", ""), str)
        for row in rows
        for button in _as_list(row)
    )


_NOT_A_LIST: list[Any] = [None]  # fails every element check


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else _NOT_A_LIST
