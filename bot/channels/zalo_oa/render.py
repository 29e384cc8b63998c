"""Neutral replies -> Zalo OA customer-service message payloads.

Choices become `oa.query.hide` template buttons whose payload is the choice id: a tap comes
back as a `user_send_text` event carrying that id (hidden from the chat). Text is split under
Zalo's 2,000-character limit on paragraph, then line, then word boundaries. `split_text` is
shared with the Zalo Bot channel.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from bot.core import Choice, Reply
from bot.i18n import translator

MAX_TEXT = 2000  # counted in UTF-16 units, the stricter reading of Zalo's limit
MAX_BUTTONS = 5  # unconfirmed: Zalo does not publish it; community code uses 5
MAX_TITLE = 100
MAX_PAYLOAD = 1000


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (emoji count twice), as Zalo's clients count."""
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current, units = "", 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > limit:
            parts.append(current)
            current, units = "", 0
        current += char
        units += width
    return parts + [current] if current else parts


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """NFC text in pieces of at most `limit` UTF-16 units, cut at the gentlest boundary."""
    text = unicodedata.normalize("NFC", text).strip()
    if utf16_len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", " "):
        pieces = text.split(separator)
        if len(pieces) == 1:
            continue
        chunks: list[str] = []
        current = ""
        for piece in pieces:
            candidate = f"{current}{separator}{piece}" if current else piece
            if utf16_len(candidate) <= limit:
                current = candidate
                continue
            if current:
                chunks.append(current)
            if utf16_len(piece) <= limit:
                current = piece
            else:
                *full, current = split_text(piece, limit) or [""]
                chunks.extend(full)
        if current:
            chunks.append(current)
        return [chunk.strip() for chunk in chunks if chunk.strip()]
    return _hard_cut(text, limit)


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


__all__ = ["MAX_BUTTONS", "MAX_TEXT", "render_reply", "split_text", "utf16_len"]
