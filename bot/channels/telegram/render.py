"""Neutral replies -> Telegram messages: plain text split under 4,096, inline keyboards.

Text is sent as plain text, without `parse_mode`, so nothing needs escaping: a lesson may contain
`*`, `_`, `<` or `[` and Telegram shows them as written. (Adding formatting later means escaping
for the chosen parse mode here, and only here.)
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardMarkupLimit, MessageLimit

from bot.channels.text import split_text, utf16_len
from bot.core import Choice, Reply

log = logging.getLogger(__name__)

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS = int(InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER)  # 100
EMPTY_TEXT = "…"  # Telegram refuses empty messages; only used if a reply with buttons has none


@dataclass(frozen=True)
class Outgoing:
    """One Telegram call: a text message (with an optional keyboard) or a photo."""

    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    photo: Path | None = None


def render(reply: Reply, media_root: Path, limit: int = MAX_TEXT) -> list[Outgoing]:
    """The messages that show one reply: its picture, then its text in pieces under `limit`,
    the keyboard under the last piece (so the buttons sit below everything they refer to)."""
    units: list[Outgoing] = []
    if reply.image:
        photo = _media(media_root, reply.image)
        if photo is not None:
            units.append(Outgoing(photo=photo))
    keyboard = keyboard_for(reply.choices)
    chunks = split_text(reply.text, limit, text_length)
    if not chunks and keyboard is not None:
        chunks = [EMPTY_TEXT]
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        units.append(Outgoing(text=chunk, keyboard=keyboard if last else None))
    return units


def keyboard_for(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    """One button per row (labels are long Vietnamese sentences); `callback_data` is the
    choice id, which the core keeps short and ASCII. A choice whose id would not fit Telegram's
    64 bytes is left out (and logged): the learner can still type the answer."""
    rows: list[list[InlineKeyboardButton]] = []
    for choice in choices:
        if len(choice.id.encode("utf-8")) > MAX_CALLBACK_BYTES:
            log.error("choice id %r is longer than 64 bytes; button left out", choice.id)
            continue
        if len(rows) == MAX_BUTTONS:
            log.error("more than %d choices; the rest are left out", MAX_BUTTONS)
            break
        label = unicodedata.normalize("NFC", choice.label).strip() or choice.id
        rows.append([InlineKeyboardButton(text=label, callback_data=choice.id)])
    return InlineKeyboardMarkup(rows) if rows else None


def text_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count twice)."""
    return utf16_len(text)


def _media(root: Path, name: str) -> Path | None:
    """A picture under the lessons folder, or None (logged) if it is missing or outside it."""
    base = root.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        log.warning("lesson picture %s not found under %s; sending the text only", name, base)
        return None
    return path
