"""Neutral replies -> Zalo Bot texts. The Bot Platform has no buttons, so choices become a
numbered menu ("1. …"); the core reads a typed "2", "2." or the option's words as that
choice, so the adapter passes answers through as plain text.
"""

from __future__ import annotations

from bot.channels.text import split_text
from bot.channels.zalo_oa.render import MAX_TEXT
from bot.core import Reply


def menu(reply: Reply) -> str:
    """The numbered menu of a reply's choices ("" when it has none)."""
    return "\n".join(f"{number}. {choice.label}" for number, choice in enumerate(reply.choices, 1))


def render_reply(reply: Reply, max_text: int = MAX_TEXT) -> list[str]:
    """The texts to send for one reply, in order, each within `max_text` UTF-16 units.

    Pictures are not sent yet (sendPhoto needs a public URL).
    """
    body = reply.text.strip()
    numbered = menu(reply)
    full = f"{body}\n\n{numbered}" if body and numbered else body or numbered
    return split_text(full, max_text) or ["…"]


__all__ = ["menu", "render_reply"]
