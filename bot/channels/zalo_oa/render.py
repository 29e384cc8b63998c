"""Neutral replies -> Zalo OA customer-service message payloads.

Choices become `oa.query.hide` template buttons whose payload is the choice id: a tap comes
back as a `user_send_text` event carrying that id (hidden from the chat). Text is split under
Zalo's 2,000-character limit by the splitter every channel uses (`bot.channels.text`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from bot.channels.text import split_text
from bot.core import Choice, Reply
from bot.i18n import translator

MAX_TEXT = 2000  # counted in UTF-16 units, the stricter reading of Zalo's limit
MAX_BUTTONS = 5  # unconfirmed: Zalo does not publish it; community code uses 5
MAX_TITLE = 100
MAX_PAYLOAD = 1000


def _title(label: str) -> str:
    label = unicodedata.normalize("NFC", label).strip() or "…"
    return label if len(label) <= MAX_TITLE else label[: MAX_TITLE - 1].rstrip() + "…"


def _buttons(choices: tuple[Choice, ...]) -> dict[str, Any]:
    return {
        "type": "template",
        "payload": {
            "buttons": [
                {"title": _title(c.label), "type": "oa.query.hide", "payload": c.id[:MAX_PAYLOAD]}
                for c in choices
            ]
        },
    }


def render_reply(
    user_id: str,
    reply: Reply,
    locale: str | None = None,
    *,
    max_buttons: int = MAX_BUTTONS,
    max_text: int = MAX_TEXT,
) -> list[dict[str, Any]]:
    """The `/v3.0/oa/message/cs` bodies for one reply, in sending order.

    Buttons ride on the last text piece; more than `max_buttons` choices continue in extra
    messages. Pictures are not sent yet (they need a public URL or an upload).
    """
    pieces = split_text(reply.text, max_text) or ["…"]
    groups = [
        reply.choices[i : i + max_buttons] for i in range(0, len(reply.choices), max_buttons)
    ]
    messages: list[dict[str, Any]] = []
    for index, piece in enumerate(pieces):
        message: dict[str, Any] = {"text": piece}
        if index == len(pieces) - 1 and groups:
            message["attachment"] = _buttons(groups[0])
        messages.append(message)
    if len(groups) > 1:
        more = translator(locale).gettext("More choices:")
        for group in groups[1:]:
            messages.append({"text": more, "attachment": _buttons(group)})
    return [{"recipient": {"user_id": user_id}, "message": message} for message in messages]


__all__ = ["MAX_BUTTONS", "MAX_TEXT", "render_reply"]
