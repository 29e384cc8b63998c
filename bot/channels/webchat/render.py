"""Web chat, outbound: a neutral `Reply` -> the JSON the page shows (docs/webchat-api.md)."""

from __future__ import annotations

import json

from bot.core import ChannelCapabilities, Reply

MEDIA_PATH = "/chat/media/"
CAPABILITIES = ChannelCapabilities(buttons=True, max_buttons=12, polls=False, max_text=4000)


def render_reply(reply: Reply) -> dict[str, object]:
    """`{"text", "choices": [{"id", "label"}], "image"?}`; the picture as a URL of ours."""
    data = reply.to_json()
    if reply.image:
        data["image"] = MEDIA_PATH + reply.image
    return data


def dumps(value: object) -> str:
    """JSON with Vietnamese letters as they are (not \\u escapes)."""
    return json.dumps(value, ensure_ascii=False)


__all__ = ["CAPABILITIES", "MEDIA_PATH", "dumps", "render_reply"]
