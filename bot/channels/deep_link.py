"""The invite in a deep link (`/start <payload>`): one rule for every channel that has one.

Telegram's `t.me/<bot>?start=<payload>` arrives as the text `/start <payload>`; the web chat's
`/?start=<payload>` is sent by the page the same way. A payload that does not follow Telegram's
deep-link rule (1-64 characters of A-Z a-z 0-9 _ -, no spaces) did not come from one of our
links and is dropped: the learner still starts, without an invite.
"""

from __future__ import annotations

import re

DEEP_LINK_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def start_args(args: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The arguments of a `/start` command worth keeping: one valid payload, or none."""
    return tuple(args) if len(args) == 1 and DEEP_LINK_PAYLOAD.match(args[0]) else ()


__all__ = ["DEEP_LINK_PAYLOAD", "start_args"]
