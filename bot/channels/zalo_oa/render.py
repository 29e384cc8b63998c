"""Neutral replies -> Zalo OA customer-service message payloads.

Choices become `oa.query.hide` template buttons whose payload is the choice id: a tap comes
back as a `user_send_text` event carrying that id (hidden from the chat). How text and choices
are spread over messages follows the capabilities (`bot.channels.layout`): 2,000 characters,
five buttons a message.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from bot.certificate import with_links
from bot.channels.layout import EMPTY_TEXT, Bubble, layout
from bot.channels.pictures import lesson_picture
from bot.channels.zalo_oa.pictures import image_message
from bot.core import ChannelCapabilities, Choice, Reply
from bot.i18n import translator
from bot.invites import with_qr_link

MAX_TEXT = 2000  # counted in UTF-16 units, the stricter reading of Zalo's limit
MAX_BUTTONS = 5  # unconfirmed: Zalo does not publish it; community code uses 5
MAX_TITLE = 100
MAX_PAYLOAD = 1000
REPLY_WINDOW = timedelta(days=7)  # customer-service messages only this long after the learner
CAPABILITIES = ChannelCapabilities(
    buttons=True,
    max_buttons=MAX_BUTTONS,
    polls=False,
    max_text=MAX_TEXT,
    max_choice_id_bytes=MAX_PAYLOAD,
    proactive_window=REPLY_WINDOW,
)


def _title(label: str) -> str:
    label = unicodedata.normalize("NFC", label).strip() or "…"
    return label if len(label) <= MAX_TITLE else label[: MAX_TITLE - 1].rstrip() + "…"


def _buttons(choices: tuple[Choice, ...]) -> dict[str, Any]:
    return {
        "type": "template",
        "payload": {
            "buttons": [
                {"title": _title(c.label), "type": "oa.query.hide", "payload": c.id}
                for c in choices
            ]
        },
    }


def render_reply(
    user_id: str,
    reply: Reply,
    locale: str | None = None,
    caps: ChannelCapabilities = CAPABILITIES,
    *,
    public_url: str = "",
) -> list[dict[str, Any]]:
    """The `/v3.0/oa/message/cs` bodies for one reply, in sending order.

    Buttons ride on the last text piece; more than `caps.max_buttons` choices continue in extra
    messages. A lesson picture goes first, as an image message (its alt text as caption) whose
    attachment id is filled in when it is sent (`bot.channels.zalo_oa.pictures`); a
    certificate is sent as the links to its picture, PDF and verification page on `public_url`,
    an ambassador's invite with the address of its QR code.
    """
    t = translator(locale)
    more = t.gettext("More choices:")
    reply = with_qr_link(with_links(reply, public_url, t), public_url, t)
    bubbles = layout(reply, caps, more=more) or [Bubble(EMPTY_TEXT)]
    messages: list[dict[str, Any]] = []
    for bubble in bubbles:
        message: dict[str, Any] = {"text": bubble.text}
        if bubble.choices:
            message["attachment"] = _buttons(bubble.choices)
        messages.append(message)
    picture = lesson_picture(reply.image)
    pictured = [] if picture is None else [image_message(user_id, picture, reply.alt)]
    return pictured + [
        {"recipient": {"user_id": user_id}, "message": message} for message in messages
    ]


__all__ = ["CAPABILITIES", "MAX_BUTTONS", "MAX_TEXT", "REPLY_WINDOW", "render_reply"]
