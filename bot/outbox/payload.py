"""An outbox row's payload: `{"replies": [Reply.to_json(), ...]}`, and for a message that is
worth sending only until a given time (a reminder), `"expires_at"` (ISO 8601, UTC).

Older rows (and hand-written ones) may hold one reply object instead of the list; both read
back. Malformed entries are skipped, never guessed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core import Reply
from bot.core.messages import replies_from_json
from storage import OUTBOX_EXPIRES_AT


def payload_of(replies: Sequence[Reply], *, expires_at: datetime | None = None) -> dict[str, Any]:
    """The payload that carries `replies`; after `expires_at` (timezone-aware) the drain skips
    it and the web chat never shows it."""
    payload: dict[str, Any] = {"replies": [reply.to_json() for reply in replies]}
    if expires_at is not None:
        payload[OUTBOX_EXPIRES_AT] = expires_at.isoformat()
    return payload


def replies_of(payload: dict[str, Any]) -> tuple[Reply, ...]:
    """The replies a payload carries (none when it carries nothing readable)."""
    return replies_from_json(payload)


__all__ = ["payload_of", "replies_of"]
