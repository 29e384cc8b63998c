"""Web chat, inbound: the JSON a browser posts -> a neutral `InboundMessage` (or None)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.channels.deep_link import start_args
from bot.core import InboundMessage, InputKind

CHANNEL = "webchat"
MAX_ID = 64  # message ids, choice ids and cookies longer than this are not ours


def accepted_languages(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first ("q=0": not wanted)."""
    found: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag.strip() and weight > 0:
            found.append((weight, tag.strip()))
    # A stable sort: equal weights keep the browser's order.
    return [tag for _weight, tag in sorted(found, key=lambda item: -item[0])]


def to_inbound(
    body: dict[str, Any], token: str, locale: str, now: datetime
) -> InboundMessage | None:
    """The learner's text or choice, or None when the body holds neither (or bad ids)."""
    message_id = body.get("id")
    if message_id is not None and (not isinstance(message_id, str) or len(message_id) > MAX_ID):
        return None
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "user_ref": token,
        "received_at": now,
        "message_id": message_id,
        "locale": locale,
    }
    choice, text = body.get("choice"), body.get("text")
    if isinstance(choice, str) and choice and len(choice) <= MAX_ID:
        return InboundMessage(kind=InputKind.CHOICE, choice_id=choice, **common)
    if isinstance(text, str):
        head, *args = text.split() or [""]
        if head.lower() == "/start":
            # The page opened from an invite link (`/?start=<payload>`) sends `/start <payload>`:
            # the core keeps the invite from this command as it does from Telegram's.
            return InboundMessage(
                kind=InputKind.COMMAND, command="start", args=start_args(args), text=text, **common
            )
        return InboundMessage(kind=InputKind.TEXT, text=text, **common)
    return None


__all__ = ["CHANNEL", "MAX_ID", "accepted_languages", "to_inbound"]
