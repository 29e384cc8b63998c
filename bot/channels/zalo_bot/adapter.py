"""Zalo Bot Platform updates -> neutral `InboundMessage`s.

An update is `{"event_name", "message": {"from": {"id", "display_name", "is_bot"},
"chat": {"id", "chat_type"}, "text"?, "message_id", "date"}}` (IDs are hex strings, `date`
is in milliseconds), either bare or wrapped as `{"ok": true, "result": <update>}`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from bot.core import InboundMessage, InputKind

CHANNEL = "zalo_bot"
MAX_KEY = 128
TEXT_EVENT = "message.text.received"
PROTECTED_EVENT = "message.unsupported.received"  # sender is a protected user: content hidden


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _id(value: Any) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        return str(value)
    return None


def unwrap(body: Any) -> dict[str, Any] | None:
    """The update inside a webhook body or getUpdates result, or None if it is not one."""
    if not isinstance(body, dict):
        return None
    if body.get("ok") is True and isinstance(body.get("result"), dict):
        body = body["result"]
    return body if isinstance(body.get("event_name"), str) else None


def event_name(update: dict[str, Any]) -> str:
    """The update's event name ("" when missing)."""
    name = update.get("event_name")
    return name if isinstance(name, str) else ""


def user_of(update: dict[str, Any]) -> str | None:
    """The sender's id (the chat id of a private chat)."""
    return _id(_get(update, "message", "from", "id")) or _id(_get(update, "message", "chat", "id"))


def chat_of(update: dict[str, Any]) -> str | None:
    """Where replies go."""
    return _id(_get(update, "message", "chat", "id")) or user_of(update)


def is_group(update: dict[str, Any]) -> bool:
    """Group chats (beta on Zalo) are not served: the bot is a one-to-one tutor."""
    kind = _get(update, "message", "chat", "chat_type")
    return isinstance(kind, str) and kind.upper() == "GROUP"


def from_bot(update: dict[str, Any]) -> bool:
    """Messages of other bots are ignored."""
    return _get(update, "message", "from", "is_bot") is True


def event_key(update: dict[str, Any]) -> str:
    """`event_name:message_id` (what redelivery would repeat), else a hash of the update."""
    message_id = _id(_get(update, "message", "message_id"))
    if message_id:
        key = f"{event_name(update)}:{message_id}"
    else:
        digest = hashlib.sha256(
            repr(sorted(update.items(), key=lambda kv: kv[0])).encode()
        ).hexdigest()
        key = f"{event_name(update)}:sha256:{digest[:40]}"
    if len(key) > MAX_KEY:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def received_at(update: dict[str, Any], fallback: datetime) -> datetime:
    """When Zalo says the message was sent (`date`, milliseconds)."""
    raw = _get(update, "message", "date")
    try:
        value = int(raw)
        return datetime.fromtimestamp((value / 1000) if value > 10**11 else value, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return fallback


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
        text = _get(update, "message", "text")
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
