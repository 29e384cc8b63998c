"""Neutral replies -> Telegram messages: plain text split under 4,096, inline keyboards.

Text is sent as plain text, without `parse_mode`, so nothing needs escaping: a lesson may contain
`*`, `_`, `<` or `[` and Telegram shows them as written. (Adding formatting later means escaping
for the chosen parse mode here, and only here.)
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardMarkupLimit, MessageLimit

from bot.core import Choice, Reply

log = logging.getLogger(__name__)

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS = int(InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER)  # 100
EMPTY_TEXT = "…"  # Telegram refuses empty messages; only used if a reply with buttons has none

# Where a long text may be cut, best first: paragraphs, lines, sentences, words.
_BREAKS = (
    re.compile(r"(\n[ \t]*\n\s*)"),
    re.compile(r"(\n\s*)"),
    re.compile(r"((?<=[.!?…;:])\s+)"),
    re.compile(r"(\s+)"),
)


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
    chunks = split_text(unicodedata.normalize("NFC", reply.text), limit)
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
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into pieces of at most `limit` (UTF-16 units), at the best boundary available:
    a blank line, a line end, a sentence end, a space, and only as a last resort anywhere."""
    text = text.strip()
    if not text:
        return []
    if text_length(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit, 0):
        if current and text_length(current + piece) > limit:
            chunks.append(current)
            current = piece.lstrip()
        else:
            current += piece
    chunks.append(current)
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def _pieces(text: str, limit: int, level: int) -> list[str]:
    """Consecutive pieces of `text`, each at most `limit`, ending at a level-`level` break."""
    if text_length(text) <= limit:
        return [text]
    if level == len(_BREAKS):
        return _hard_cut(text, limit)
    parts = _BREAKS[level].split(text)
    # re.split with one group alternates [text, break, text, break, ...]: keep breaks attached.
    joined = [
        parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)
    ]
    pieces: list[str] = []
    for part in joined:
        if part:
            pieces.extend(_pieces(part, limit, level + 1))
    return pieces


def _hard_cut(text: str, limit: int) -> list[str]:
    pieces, current, size = [], "", 0
    for char in text:
        width = text_length(char)
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return pieces


def _media(root: Path, name: str) -> Path | None:
    """A picture under the lessons folder, or None (logged) if it is missing or outside it."""
    base = root.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        log.warning("lesson picture %s not found under %s; sending the text only", name, base)
        return None
    return path
