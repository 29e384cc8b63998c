"""Neutral replies -> Zalo Bot texts. The Bot Platform has no buttons (its capabilities say
so), so `layout` turns choices into a numbered menu ("1. …"); the core reads a typed "2",
"2." or the option's words as that choice, so the adapter passes answers through as text.
"""

from __future__ import annotations

from bot.channels.layout import EMPTY_TEXT, layout, menu
from bot.core import ChannelCapabilities, Reply

MAX_TEXT = 2000  # counted in UTF-16 units, as on Zalo OA
CAPABILITIES = ChannelCapabilities(
    buttons=False, max_buttons=0, polls=False, max_text=MAX_TEXT, proactive_window=None
)


def render_reply(reply: Reply, caps: ChannelCapabilities = CAPABILITIES) -> list[str]:
    """The texts to send for one reply, in order, each within `caps.max_text` UTF-16 units.

    Pictures are not sent yet (sendPhoto needs a public URL).
    """
    return [bubble.text for bubble in layout(reply, caps)] or [EMPTY_TEXT]


__all__ = ["CAPABILITIES", "MAX_TEXT", "menu", "render_reply"]
