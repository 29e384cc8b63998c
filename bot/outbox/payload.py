"""An outbox row's payload: `{"replies": [Reply.to_json(), ...]}`.

Older rows (and hand-written ones) may hold one reply object instead of the list; both read
back. Malformed entries are skipped, never guessed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core import Choice, Reply, ReplyKind


def payload_of(replies: Sequence[Reply]) -> dict[str, Any]:
    """The payload that carries `replies`."""
    return {"replies": [reply.to_json() for reply in replies]}


def replies_of(payload: dict[str, Any]) -> tuple[Reply, ...]:
    """The replies a payload carries (none when it carries nothing readable)."""
    items = payload.get("replies") if "replies" in payload else [payload]
    replies: list[Reply] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            continue
        choices = tuple(
            Choice(str(c["id"]), str(c["label"]))
            for c in item.get("choices", [])
            if isinstance(c, dict) and "id" in c and "label" in c
        )
        kind = item.get("kind", ReplyKind.NORMAL)
        image = item.get("image")
        replies.append(
            Reply(
                item["text"],
                choices,
                image if isinstance(image, str) else None,
                ReplyKind(kind) if kind in set(ReplyKind) else ReplyKind.NORMAL,
            )
        )
    return tuple(replies)


__all__ = ["payload_of", "replies_of"]
