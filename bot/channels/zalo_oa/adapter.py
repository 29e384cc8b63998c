"""Zalo OA webhook events -> neutral `InboundMessage`s, plus the event facts the runtime needs
(who sent it, its de-duplication key, its timestamp).

Event shapes (IDs and the millisecond `timestamp` are strings):
`{"app_id", "user_id_by_app", "event_name", "sender": {"id"}, "recipient": {"id"},
"message": {"msg_id", "text", "attachments"?}, "timestamp"}`; `follow`/`unfollow` carry
`follower` and `oa_id` instead of `sender`/`recipient`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.channels.payload import bounded_key, dig, epoch_ms, event_name, from_epoch_ms, ident
from bot.core import InboundMessage, InputKind

CHANNEL = "zalo_oa"

# A button payload we rendered: "<turn>:<action>" (see bot.core.engine).
CHOICE_ID = re.compile(r"[0-9]{1,9}:[A-Za-z0-9_.\-]{1,60}")
MEDIA_EVENTS = frozenset(
    f"user_send_{kind}"
    for kind in (
        "image",
        "link",
        "audio",
        "video",
        "sticker",
        "gif",
        "location",
        "business_card",
        "file",
    )
)
PERSONAL_FIELDS = ("info",)  # user_submit_info: name, phone, address... never kept


def user_of(event: dict[str, Any]) -> str | None:
    """The Zalo user (follower id) the event is about."""
    name = event_name(event)
    if name in ("follow", "unfollow"):
        return ident(dig(event, "follower", "id"))
    if name.startswith("oa_send_") or name in ("user_received_message", "user_seen_message"):
        return ident(dig(event, "recipient", "id"))
    return ident(dig(event, "sender", "id")) or ident(dig(event, "follower", "id"))


def timestamp_ms(event: dict[str, Any]) -> int | None:
    """The event's `timestamp` in milliseconds (seconds are accepted and converted)."""
    return epoch_ms(event.get("timestamp"))


def received_at(event: dict[str, Any], fallback: datetime) -> datetime:
    """When Zalo says the event happened."""
    return from_epoch_ms(timestamp_ms(event)) or fallback


def event_key(event: dict[str, Any]) -> str:
    """The de-duplication key: `message.msg_id`, else event name + user + timestamp."""
    msg_id = ident(dig(event, "message", "msg_id"))
    key = msg_id or f"{event_name(event)}:{user_of(event) or '-'}:{event.get('timestamp', '-')}"
    return bounded_key(key)


def redact(event: dict[str, Any]) -> dict[str, Any]:
    """The event without personal data we never need (user_submit_info's form fields)."""
    if event_name(event) != "user_submit_info":
        return event
    return {key: value for key, value in event.items() if key not in PERSONAL_FIELDS}


def to_inbound(event: dict[str, Any], key: str, now: datetime) -> InboundMessage | None:
    """The learner input in an event, or None for events that are not input (receipts,
    echoes, unfollow, group events, form submissions, unknown names)."""
    name, user = event_name(event), user_of(event)
    if user is None:
        return None
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "user_ref": user,
        "received_at": received_at(event, now),
        "message_id": key,
    }
    if name == "user_send_text":
        text = dig(event, "message", "text")
        text = text if isinstance(text, str) else ""
        if CHOICE_ID.fullmatch(text.strip()):
            return InboundMessage(kind=InputKind.CHOICE, choice_id=text.strip(), **common)
        return InboundMessage(kind=InputKind.TEXT, text=text, **common)
    if name == "follow":
        # Following the OA opens the conversation (and the 7-day reply window).
        return InboundMessage(kind=InputKind.COMMAND, command="start", **common)
    if name in MEDIA_EVENTS:
        return InboundMessage(kind=InputKind.UNSUPPORTED, text=name, **common)
    return None


__all__ = [
    "CHANNEL",
    "event_key",
    "event_name",
    "received_at",
    "redact",
    "timestamp_ms",
    "to_inbound",
    "user_of",
]
