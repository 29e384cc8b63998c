"""Announcements: one message from the operators to every learner who can be reached.

`hocvuso announce --text ...` queues one outbox row per learner who has consented and has not
blocked the bot, on the channel they last wrote on; the running bot's drain jobs deliver them
under each platform's limits. The next issues add commune and target-group scopes here.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.core import Reply, ReplyKind
from bot.outbox.payload import payload_of
from storage import Storage

MAX_ANNOUNCEMENT = 4000  # characters: a few bubbles once split for the narrowest channel


def announcement_key(now: datetime) -> str:
    """A new announcement's name (its rows' de-duplication keys start with it)."""
    return f"announce:{now:%Y%m%d%H%M%S}:{secrets.token_hex(4)}"


async def queue_announcement(
    storage: Storage,
    text: str,
    now: datetime,
    *,
    channel: str | None = None,
    key: str | None = None,
) -> int:
    """Queue `text` for every consenting, reachable learner (optionally on one channel).

    Queueing the same `key` again adds nobody twice. Returns how many messages were queued.

    Raises:
        ValueError: the text is empty or too long.
        StorageError: nothing was queued.
    """
    text = text.strip()
    if not text:
        raise ValueError("the announcement is empty")
    if len(text) > MAX_ANNOUNCEMENT:
        raise ValueError(
            f"the announcement has {len(text)} characters; keep it under {MAX_ANNOUNCEMENT}"
        )
    payload = payload_of([Reply(text, kind=ReplyKind.ANNOUNCEMENT)])
    return await storage.outbox.broadcast(
        now,
        payload=payload,
        key=key or announcement_key(now),
        kind=ReplyKind.ANNOUNCEMENT.value,
        channel=channel,
    )


__all__ = ["MAX_ANNOUNCEMENT", "announcement_key", "queue_announcement"]
