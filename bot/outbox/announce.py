"""Announcements: one message from the operators to the learners who can be reached, everywhere
or only in one area and target group.

`hocvuso announce --text ...` queues one outbox row per learner who has consented and has not
blocked the bot, on the channel they last wrote on; the running bot's drain jobs deliver them
under each platform's limits. `province`, `commune` and `group` narrow the recipients to the
learners whose profile names them (a commune implies its province), so an official reaches
only their area: a learner who skipped the place or group question is in no area or group.
The codes are checked against the admin-unit data by the caller (the CLI), which has it.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.core import Reply, ReplyKind
from bot.core.state import TargetGroup
from bot.outbox.payload import payload_of
from storage import Storage

MAX_ANNOUNCEMENT = 4000  # characters: a few bubbles once split for the narrowest channel


def announcement_key(now: datetime) -> str:
    """A new announcement's name (its rows' de-duplication keys start with it)."""
    return f"announce:{now:%Y%m%d%H%M%S}:{secrets.token_hex(4)}"


def checked_text(text: str) -> str:
    """The announcement as it will be sent (trimmed).

    Raises:
        ValueError: the text is empty or too long.
    """
    text = text.strip()
    if not text:
        raise ValueError("the announcement is empty")
    if len(text) > MAX_ANNOUNCEMENT:
        raise ValueError(
            f"the announcement has {len(text)} characters; keep it under {MAX_ANNOUNCEMENT}"
        )
    return text


def _checked_area(province: str | None, commune: str | None) -> None:
    # Only the codes' shape: whether they exist is the caller's check (bot.places). A malformed
    # code would silently match nobody, which an operator would read as "nobody lives there".
    if province is not None and not (len(province) == 2 and province.isdigit()):
        raise ValueError(f"the province code {province!r} is not 2 digits")
    if commune is not None and not (len(commune) == 5 and commune.isdigit()):
        raise ValueError(f"the commune code {commune!r} is not 5 digits")


async def queue_announcement(
    storage: Storage,
    text: str,
    now: datetime,
    *,
    channel: str | None = None,
    key: str | None = None,
    province: str | None = None,
    commune: str | None = None,
    group: TargetGroup | None = None,
) -> int:
    """Queue `text` for every consenting, reachable learner (optionally on one channel, in one
    province or commune, of one target group).

    Queueing the same `key` again adds nobody twice. Returns how many messages were queued.

    Raises:
        ValueError: the text is empty or too long, or a code is malformed.
        StorageError: nothing was queued.
    """
    text = checked_text(text)
    _checked_area(province, commune)
    payload = payload_of([Reply(text, kind=ReplyKind.ANNOUNCEMENT)])
    return await storage.outbox.broadcast(
        now,
        payload=payload,
        key=key or announcement_key(now),
        kind=ReplyKind.ANNOUNCEMENT.value,
        channel=channel,
        province=province,
        commune=commune,
        group=group,
    )


async def announcement_reach(
    storage: Storage,
    *,
    channel: str | None = None,
    province: str | None = None,
    commune: str | None = None,
    group: TargetGroup | None = None,
) -> int:
    """How many learners `queue_announcement` with these filters would write to now (the
    operator's dry run; nothing is queued).

    Raises:
        ValueError: a code is malformed.
        StorageError: the database could not be read.
    """
    _checked_area(province, commune)
    return await storage.outbox.reach(
        channel=channel, province=province, commune=commune, group=group
    )


__all__ = [
    "MAX_ANNOUNCEMENT",
    "announcement_key",
    "announcement_reach",
    "checked_text",
    "queue_announcement",
]
