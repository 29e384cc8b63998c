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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType, MessageAttachmentType

from bot.core import InboundMessage, InputKind

CHANNEL = "telegram"
# What we ask Telegram to send (setWebhook / getUpdates); anything else is ignored anyway.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
DEEP_LINK_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
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
        args = args if len(args) == 1 and DEEP_LINK_PAYLOAD.match(args[0]) else []
    return name, tuple(args)
