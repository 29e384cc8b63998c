"""Zalo Bot Platform updates -> neutral `InboundMessage`s.

An update is `{"event_name", "message": {"from": {"id", "display_name", "is_bot"},
"chat": {"id", "chat_type"}, "text"?, "message_id", "date"}}` (IDs are hex strings, `date`
is in milliseconds), either bare or wrapped as `{"ok": true, "result": <update>}`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from bot.channels.payload import bounded_key, dig, epoch_ms, event_name, from_epoch_ms, ident
from bot.core import InboundMessage, InputKind

CHANNEL = "zalo_bot"
TEXT_EVENT = "message.text.received"
PROTECTED_EVENT = "message.unsupported.received"  # sender is a protected user: content hidden


def unwrap(body: Any) -> dict[str, Any] | None:
    """The update inside a webhook body or getUpdates result, or None if it is not one."""
    if not isinstance(body, dict):
        return None
    if body.get("ok") is True and isinstance(body.get("result"), dict):
        body = body["result"]
    return body if isinstance(body.get("event_name"), str) else None


def user_of(update: dict[str, Any]) -> str | None:
    """The sender's id (the chat id of a private chat)."""
    message = update.get("message")
    return ident(dig(message, "from", "id")) or ident(dig(message, "chat", "id"))


def chat_of(update: dict[str, Any]) -> str | None:
    """Where replies go."""
    return ident(dig(update, "message", "chat", "id")) or user_of(update)


def is_group(update: dict[str, Any]) -> bool:
    """Group chats (beta on Zalo) are not served: the bot is a one-to-one tutor."""
    kind = dig(update, "message", "chat", "chat_type")
    return isinstance(kind, str) and kind.upper() == "GROUP"


def from_bot(update: dict[str, Any]) -> bool:
    """Messages of other bots are ignored."""
    return dig(update, "message", "from", "is_bot") is True


def event_key(update: dict[str, Any]) -> str:
    """`event_name:message_id` (what redelivery would repeat), else a hash of the update."""
    message_id = ident(dig(update, "message", "message_id"))
    if message_id:
        key = f"{event_name(update)}:{message_id}"
    else:
        digest = hashlib.sha256(
            repr(sorted(update.items(), key=lambda kv: kv[0])).encode()
        ).hexdigest()
        key = f"{event_name(update)}:sha256:{digest[:40]}"
    return bounded_key(key)


def received_at(update: dict[str, Any], fallback: datetime) -> datetime:
    """When Zalo says the message was sent (`date`, milliseconds)."""
    return from_epoch_ms(epoch_ms(dig(update, "message", "date"))) or fallback


def to_inbound(update: dict[str, Any], key: str, now: datetime) -> InboundMessage | None:
    """The learner input in an update, or None (protected-user, group, unknown events are
    handled by the runtime or ignored)."""
    name, user = event_name(update), user_of(update)
    if user is None or is_group(update) or from_bot(update):
        return None
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "user_ref": user,
        "received_at": received_at(update, now),
        "message_id": key,
    }
    if name == TEXT_EVENT:
        text = dig(update, "message", "text")
        return InboundMessage(
            kind=InputKind.TEXT, text=text if isinstance(text, str) else "", **common
        )
    if name.startswith("message.") and name.endswith(".received") and name != PROTECTED_EVENT:
        # Pictures, stickers, voice: the core answers that it reads only text.
        return InboundMessage(kind=InputKind.UNSUPPORTED, text=name, **common)
    return None


__all__ = [
    "CHANNEL",
    "PROTECTED_EVENT",
    "TEXT_EVENT",
    "chat_of",
    "event_key",
    "event_name",
    "is_group",
    "to_inbound",
    "unwrap",
    "user_of",
]
