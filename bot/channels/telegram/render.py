"""Neutral replies -> Telegram messages: plain text split under 4,096, inline keyboards, as
the capabilities say (`bot.channels.layout`).

Text is sent as plain text, without `parse_mode`, so nothing needs escaping: a lesson may contain
`*`, `_`, `<` or `[` and Telegram shows them as written. (Adding formatting later means escaping
for the chosen parse mode here, and only here.)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardMarkupLimit, MessageLimit

from bot.certificate.media import Kind, certificate_code
from bot.channels.layout import EMPTY_TEXT, fitting_choices, layout
from bot.channels.text import utf16_len
from bot.core import ChannelCapabilities, Choice, Reply
from bot.invites.media import invite_code
from bot.pictures import picture_file
from bot.reports.media import chart_secret

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)  # 1024
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS = int(InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER)  # 100
CAPABILITIES = ChannelCapabilities(
    buttons=True,
    max_buttons=MAX_BUTTONS,
    polls=False,
    max_text=MAX_TEXT,
    max_choice_id_bytes=MAX_CALLBACK_BYTES,
)


@dataclass(frozen=True)
class Outgoing:
    """One Telegram call: a text message (with an optional keyboard), a photo (with the text as
    its caption, and the keyboard, when they fit), or a certificate
    (its code, and "png" for the picture as a photo or "pdf" for the PDF as a document: read and
    rendered when it is sent), or an ambassador's invite (its code: the QR code is drawn when it
    is sent)."""

    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    photo: Path | None = None
    certificate: tuple[str, Kind] | None = None
    invite: str | None = None
    chart: str | None = None  # an official's report chart: its secret (drawn when sent)


def render(
    reply: Reply, media_root: Path, caps: ChannelCapabilities = CAPABILITIES
) -> list[Outgoing]:
    """The messages that show one reply: its picture (a certificate: its picture and its PDF),
    then its text in pieces under `caps.max_text`, the keyboard under the last piece (so the
    buttons sit below everything they refer to); past `caps.max_buttons` choices, more
    keyboards follow. A lesson picture (a drawing: its PNG) carries the text as its caption,
    with the keyboard, when the text fits Telegram's 1,024-character caption in one piece."""
    units: list[Outgoing] = []
    code = certificate_code(reply.image)
    invite = invite_code(reply.image)
    if code is not None:
        units += [Outgoing(certificate=(code, "png")), Outgoing(certificate=(code, "pdf"))]
    elif invite is not None:
        units.append(Outgoing(invite=invite))
    elif chart_secret(reply.image) is not None:
        units.append(Outgoing(chart=chart_secret(reply.image)))
    elif reply.image:
        photo = picture_file(media_root, reply.image)
        if photo is not None:
            units.append(Outgoing(photo=photo))
    bubbles = layout(reply, caps, more=EMPTY_TEXT, length=text_length)
    pictured = bool(units) and units[-1].photo is not None
    if pictured and len(bubbles) == 1 and text_length(bubbles[0].text) <= MAX_CAPTION:
        # One message: the picture with the bubble as its caption (and its buttons).
        text, keyboard = bubbles[0].text, _keyboard(bubbles[0].choices)
        units[-1] = Outgoing(text=text, keyboard=keyboard, photo=units[-1].photo)
        return units
    for bubble in bubbles:
        units.append(Outgoing(text=bubble.text, keyboard=_keyboard(bubble.choices)))
    return units


def keyboard_for(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    """One button per row (labels are long Vietnamese sentences); `callback_data` is the
    choice id, which the core keeps short and ASCII. A choice whose id would not fit Telegram's
    64 bytes is left out (and logged): the learner can still type the answer."""
    return _keyboard(fitting_choices(choices, CAPABILITIES)[:MAX_BUTTONS])


def _keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(
                text=unicodedata.normalize("NFC", choice.label).strip() or choice.id,
                callback_data=choice.id,
            )
        ]
        for choice in choices
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def text_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count twice)."""
    return utf16_len(text)


__all__ = [
    "CAPABILITIES",
    "EMPTY_TEXT",
    "MAX_CAPTION",
    "MAX_CALLBACK_BYTES",
    "MAX_TEXT",
    "Outgoing",
    "keyboard_for",
    "render",
    "text_length",
]
