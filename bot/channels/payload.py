"""Reading platform JSON defensively: webhook bodies are untrusted, and any field may be missing
or of another type. Used by the Zalo OA and Zalo Bot adapters."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

MAX_KEY = 128  # inbox_event.event_key and processed_message.message_key are this long


def dig(data: Any, *path: str) -> Any:
    """`data[path[0]][path[1]]...`, or None as soon as a step is not a JSON object."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def ident(value: Any) -> str | None:
    """An id given as a non-empty string or a number, as a string; else None."""
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        return str(value)
    return None


def event_name(event: dict[str, Any]) -> str:
    """The `event_name` field ("" when missing or not a string)."""
    name = event.get("event_name")
    return name if isinstance(name, str) else ""


def bounded_key(key: str, limit: int = MAX_KEY) -> str:
    """A de-duplication key that fits the key columns: too long ones become their hash."""
    return key if len(key) <= limit else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def epoch_ms(raw: Any) -> int | None:
    """A positive epoch timestamp in milliseconds; seconds (below 10^11) are converted."""
    try:
        value = int(raw) if isinstance(raw, (int, float)) else int(str(raw).strip())
    except (TypeError, ValueError, OverflowError):
        return None
    if isinstance(raw, bool) or value <= 0:
        return None
    return value * 1000 if value < 10**11 else value


def from_epoch_ms(millis: int | None) -> datetime | None:
    """The UTC time of an epoch in milliseconds, or None if there is none or it is absurd."""
    if millis is None:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


__all__ = ["MAX_KEY", "bounded_key", "dig", "epoch_ms", "event_name", "from_epoch_ms", "ident"]
