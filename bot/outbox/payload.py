"""An outbox row's payload: `{"replies": [Reply.to_json(), ...]}`.

Older rows (and hand-written ones) may hold one reply object instead of the list; both read
back. Malformed entries are skipped, never guessed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core import Reply
from bot.core.messages import replies_from_json


def payload_of(replies: Sequence[Reply]) -> dict[str, Any]:
    """The payload that carries `replies`."""
    return {"replies": [reply.to_json() for reply in replies]}


def replies_of(payload: dict[str, Any]) -> tuple[Reply, ...]:
    """The replies a payload carries (none when it carries nothing readable)."""
    return replies_from_json(payload)


__all__ = ["payload_of", "replies_of"]
