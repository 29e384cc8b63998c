"""Messenger webhook events -> neutral `InboundMessage`s, and the facts the runtime needs about
each event (who sent it, whether it is kept, its de-duplication key).

A webhook body is `{"object": "page", "entry": [{"id", "time", "messaging": [event, ...]}]}`;
each event has `sender.id` (the page-scoped id, PSID), `recipient.id` (the Page), `timestamp`
(milliseconds) and one of:

    message    {"mid", "text"?, "quick_reply": {"payload"}?, "attachments"?, "is_echo"?}
    postback   {"mid"?, "title", "payload", "referral"?: {"ref", "source", "type"}}
    referral   {"ref", "source", "type"}   (m.me/<page>?ref=<payload> in an open conversation)
    delivery / read                        receipts

Echoes of the Page's own messages and receipts are not learner input: they are not stored.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from bot.channels.deep_link import start_args
from bot.channels.payload import bounded_key, dig, epoch_ms, from_epoch_ms, ident
from bot.core import InboundMessage, InputKind

CHANNEL = "messenger"
GET_STARTED = "GET_STARTED"  # the Get Started button's postback payload
COMMAND_PAYLOAD = "CMD:"  # a persistent-menu item: "CMD:<command>"
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
STORED_KINDS = frozenset({"message", "postback", "referral"})


def page_events(body: Any) -> list[dict[str, Any]] | None:
    """The messaging events of a webhook body, in order; None when the body is not a Page
    webhook (`object` is not "page")."""
    if not isinstance(body, dict) or body.get("object") != "page":
        return None
    entries = body.get("entry")
    found: list[dict[str, Any]] = []
    for entry in entries if isinstance(entries, list) else []:
        messaging = entry.get("messaging") if isinstance(entry, dict) else None
        for event in messaging if isinstance(messaging, list) else []:
            if isinstance(event, dict):
                found.append(event)
    return found


def kind_of(event: dict[str, Any]) -> str:
    """What the event is: message, echo, postback, referral, delivery, read or other."""
    message = event.get("message")
    if isinstance(message, dict):
        return "echo" if message.get("is_echo") is True else "message"
    for kind in ("postback", "referral", "delivery", "read"):
        if isinstance(event.get(kind), dict):
            return kind
    return "other"


def user_of(event: dict[str, Any]) -> str | None:
    """The person who acted (the sender's PSID)."""
    return ident(dig(event, "sender", "id"))


def kept(event: dict[str, Any]) -> bool:
    """Whether the event is learner input worth storing (not an echo, receipt or unknown)."""
    return kind_of(event) in STORED_KINDS and user_of(event) is not None


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:40]


def event_key(event: dict[str, Any]) -> str:
    """The de-duplication key: the message id (`mid`), or for a postback or referral without
    one, a stable key from who, when and what (a re-delivery repeats all three)."""
    kind, user = kind_of(event), user_of(event) or "-"
    mid = ident(dig(event, kind, "mid"))
    if mid:
        return bounded_key(mid)
    when = event.get("timestamp", "-")
    if kind == "postback":
        return f"pb:{_digest(user, when, dig(event, 'postback', 'payload'))}"
    if kind == "referral":
        return f"ref:{_digest(user, when, dig(event, 'referral', 'ref'))}"
    return f"{kind}:{_digest(user, when, sorted(event))}"


def received_at(event: dict[str, Any], fallback: datetime) -> datetime:
    """When Messenger says the person acted (`timestamp`, milliseconds)."""
    return from_epoch_ms(epoch_ms(event.get("timestamp"))) or fallback


def _start(ref: Any, common: dict[str, Any]) -> InboundMessage:
    """/start, with the invite a referral carries (the deep link's rule: one valid payload)."""
    args = start_args([ref]) if isinstance(ref, str) else ()
    return InboundMessage(kind=InputKind.COMMAND, command="start", args=args, **common)


def _payload(payload: Any, common: dict[str, Any], ref: Any = None) -> InboundMessage | None:
    """A button's or menu item's payload: Get Started, a command, or one of our choices."""
    if not isinstance(payload, str) or not payload:
        return None
    if payload == GET_STARTED:
        return _start(ref, common)
    if payload.startswith(COMMAND_PAYLOAD):
        name = payload.removeprefix(COMMAND_PAYLOAD).lower()
        if not COMMAND_NAME.fullmatch(name):
            return None
        return InboundMessage(kind=InputKind.COMMAND, command=name, **common)
    return InboundMessage(kind=InputKind.CHOICE, choice_id=payload, **common)


def to_inbound(event: dict[str, Any], key: str, now: datetime) -> InboundMessage | None:
    """The learner input in a stored event, or None (nothing to answer)."""
    kind, user = kind_of(event), user_of(event)
    if user is None or kind not in STORED_KINDS:
        return None
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "user_ref": user,
        "received_at": received_at(event, now),
        "message_id": key,
    }
    if kind == "postback":
        postback = event["postback"]
        return _payload(postback.get("payload"), common, dig(postback, "referral", "ref"))
    if kind == "referral":
        return _start(dig(event, "referral", "ref"), common)
    message = event["message"]
    quick = dig(message, "quick_reply", "payload")
    if isinstance(quick, str) and quick:
        return _payload(quick, common)
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return InboundMessage(kind=InputKind.TEXT, text=text, **common)
    attachments = message.get("attachments")
    first = attachments[0] if isinstance(attachments, list) and attachments else None
    what = dig(first, "type") if isinstance(first, dict) else None
    # Pictures, stickers (the thumbs-up too), voice, files: the core answers that it reads text.
    return InboundMessage(
        kind=InputKind.UNSUPPORTED, text=f"attachment:{what or 'unknown'}", **common
    )


__all__ = [
    "CHANNEL",
    "COMMAND_PAYLOAD",
    "GET_STARTED",
    "event_key",
    "kept",
    "kind_of",
    "page_events",
    "received_at",
    "to_inbound",
    "user_of",
]
