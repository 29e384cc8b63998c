"""Neutral replies -> Send API bodies, within what Messenger shows (its capabilities):

- text up to 2,000 characters a message (longer replies are cut by `split_text`);
- one to three choices whose labels fit a button (20 characters) under a text of at most 640
  characters: a button template, whose buttons stay under the message (postbacks);
- otherwise up to 13 quick replies, each title at most 20 characters (they come back as a
  message with the choice id as `quick_reply.payload`);
- a label too long for a quick reply (Vietnamese answers often are) or more than 13 choices:
  the choices become a numbered list in the text and the quick replies "1", "2", … carry their
  ids; typing "2", "2." or the option's words works as everywhere.

A lesson picture goes first, as an image uploaded once (`PICTURE` names it until it is sent,
`bot.channels.pictures`); a certificate's picture and an invite's QR code go by their public
https address, with the links in the text.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from bot.certificate import certificate_code, with_links
from bot.certificate.media import absolute, png_path
from bot.channels.layout import EMPTY_TEXT, fitting_choices, menu
from bot.channels.pictures import lesson_picture
from bot.channels.text import split_text, utf16_len
from bot.core import ChannelCapabilities, Choice, Reply
from bot.i18n import translator
from bot.invites.media import invite_code, qr_path, with_qr_link

MAX_TEXT = 2000
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20  # a quick reply's or button's title
MAX_BUTTONS = 3  # a button template's
MAX_BUTTON_TEXT = 640
MAX_PAYLOAD = 1000
REPLY_WINDOW = timedelta(hours=24)  # the standard messaging window
CAPABILITIES = ChannelCapabilities(
    buttons=True,
    max_buttons=MAX_QUICK_REPLIES,
    polls=False,
    max_text=MAX_TEXT,
    max_choice_id_bytes=MAX_PAYLOAD,
    proactive_window=REPLY_WINDOW,
)
PICTURE = "picture"  # the body key naming a lesson picture (never sent to Meta)
RESPONSE = "RESPONSE"  # messaging_type of an answer to the person's message
UPDATE = "UPDATE"  # messaging_type of a message the bot sends first, inside the window


def _label(choice: Choice) -> str:
    return unicodedata.normalize("NFC", choice.label).strip() or "…"


def _short(choices: tuple[Choice, ...]) -> bool:
    return all(len(_label(choice)) <= MAX_TITLE for choice in choices)


def _quick_replies(choices: tuple[Choice, ...], *, numbered: bool) -> list[dict[str, str]]:
    return [
        {
            "content_type": "text",
            "title": str(number) if numbered else _label(choice),
            "payload": choice.id,
        }
        for number, choice in enumerate(choices[:MAX_QUICK_REPLIES], 1)
    ]


def _buttons(text: str, choices: tuple[Choice, ...]) -> dict[str, Any]:
    buttons = [{"type": "postback", "title": _label(c), "payload": c.id} for c in choices]
    return {
        "attachment": {
            "type": "template",
            "payload": {"template_type": "button", "text": text, "buttons": buttons},
        }
    }


def _image_url(url: str) -> dict[str, Any]:
    return {"attachment": {"type": "image", "payload": {"url": url, "is_reusable": False}}}


def messages(reply: Reply, caps: ChannelCapabilities = CAPABILITIES) -> list[dict[str, Any]]:
    """The `message` objects that show one reply's text and choices, in order."""
    choices = fitting_choices(reply.choices, caps)
    text = unicodedata.normalize("NFC", reply.text).strip()
    if not choices:
        return [{"text": piece} for piece in split_text(text, caps.max_text, utf16_len)]
    if len(choices) <= MAX_BUTTONS and _short(choices) and 0 < utf16_len(text) <= MAX_BUTTON_TEXT:
        return [_buttons(text, choices)]
    numbered = not _short(choices) or len(choices) > caps.max_buttons
    if numbered:
        listed = menu(choices)
        text = f"{text}\n\n{listed}" if text else listed
    pieces = split_text(text, caps.max_text, utf16_len) or [EMPTY_TEXT]
    shown: list[dict[str, Any]] = [{"text": piece} for piece in pieces]
    shown[-1]["quick_replies"] = _quick_replies(choices, numbered=numbered)
    return shown


def render_reply(
    recipient: str,
    reply: Reply,
    caps: ChannelCapabilities = CAPABILITIES,
    *,
    public_url: str = "",
    locale: str | None = None,
) -> list[dict[str, Any]]:
    """The Send API bodies for one reply, in sending order (answers: `messaging_type`
    RESPONSE; the outbox's sender turns them into UPDATE)."""
    t = translator(locale)
    shown: list[dict[str, Any]] = []
    picture = lesson_picture(reply.image)
    secure = public_url.startswith("https://")
    code, invite = certificate_code(reply.image), invite_code(reply.image)
    if code is not None and secure:
        shown.append(_image_url(absolute(public_url, png_path(code))))
    if invite is not None and secure:
        shown.append(_image_url(absolute(public_url, qr_path(invite))))
    reply = with_qr_link(with_links(reply, public_url, t), public_url, t)
    shown.extend(messages(reply, caps) or [{"text": EMPTY_TEXT}])
    head: dict[str, Any] = {"recipient": {"id": recipient}, "messaging_type": RESPONSE}
    bodies = [head | {"message": message} for message in shown]
    if picture is not None:
        bodies.insert(0, head | {PICTURE: picture, "alt": reply.alt or ""})
    return bodies


__all__ = [
    "CAPABILITIES",
    "MAX_BUTTONS",
    "MAX_QUICK_REPLIES",
    "MAX_TEXT",
    "MAX_TITLE",
    "PICTURE",
    "REPLY_WINDOW",
    "RESPONSE",
    "UPDATE",
    "messages",
    "render_reply",
]
