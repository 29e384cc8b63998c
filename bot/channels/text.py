"""Long texts cut into messages a platform accepts: one splitter for every channel.

Each platform caps a message's length in its own unit: Telegram and Zalo count UTF-16 code
units (an emoji outside the Basic Multilingual Plane counts twice). `split_text` takes the limit
and the length function, and cuts at the gentlest boundary that works: a blank line (between
lesson bubbles and paragraphs), then a line end, then a sentence end, then a space, and only as
a last resort inside a word, never inside a letter with its combining marks or an emoji sequence
unless that one character cluster is itself over the limit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

Length = Callable[[str], int]

# Where a long text may be cut, best first: paragraphs, lines, sentences, words. Each pattern
# has one group, so re.split keeps the separators (they stay attached to the piece before).
_BREAKS = (
    re.compile(r"(\n[ \t]*\n\s*)"),
    re.compile(r"(\n\s*)"),
    re.compile(r"((?<=[.!?…;:])\s+)"),
    re.compile(r"(\s+)"),
)
_ZWJ = "\u200d"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram and Zalo count (an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, length: Length = utf16_len) -> list[str]:
    """`text`, NFC-normalised and stripped, in pieces of at most `limit` (as `length` counts),
    cut at the best boundary available. A blank text gives no pieces.

    Pieces are stripped, so joining them with the separator they were cut at gives the text
    back (apart from the spaces around the cuts). Only a single character wider than `limit`
    (an emoji with a limit of 1) can make a piece longer than it.

    Raises:
        ValueError: `limit` is below 1.
    """
    if limit < 1:
        raise ValueError(f"a message must hold at least one unit, not {limit}")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return []
    if length(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit, length, 0):
        if current and length(current + piece) > limit:
            chunks.append(current)
            current = piece.lstrip()
        else:
            current += piece
    chunks.append(current)
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def _pieces(text: str, limit: int, length: Length, level: int) -> list[str]:
    """Consecutive pieces of `text`, each at most `limit`, ending at a level-`level` break."""
    if length(text) <= limit:
        return [text]
    if level == len(_BREAKS):
        return _hard_cut(text, limit, length)
    parts = _BREAKS[level].split(text)
    # [text, break, text, break, ..., text]: keep each break attached to the text before it.
    joined = [
        parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)
    ]
    pieces: list[str] = []
    for part in joined:
        if part:
            pieces.extend(_pieces(part, limit, length, level + 1))
    return pieces


def _hard_cut(text: str, limit: int, length: Length) -> list[str]:
    """No space left to cut at: fill each piece up to `limit`, between character clusters."""
    pieces: list[str] = []
    current = ""
    for cluster in _clusters(text):
        if length(cluster) > limit:
            # One cluster over the limit (a very long emoji sequence, a tiny limit): cut it.
            if current:
                pieces.append(current)
                current = ""
            pieces.extend(_by_character(cluster, limit, length))
        elif current and length(current + cluster) > limit:
            pieces.append(current)
            current = cluster
        else:
            current += cluster
    if current:
        pieces.append(current)
    return pieces


def _by_character(text: str, limit: int, length: Length) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in text:
        if current and length(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def _clusters(text: str) -> list[str]:
    """Characters with what belongs to them: combining marks, variation selectors, emoji
    modifiers, and the characters joined by a zero-width joiner."""
    clusters: list[str] = []
    joined = False
    for char in text:
        if clusters and (joined or _extends(char)):
            clusters[-1] += char
        else:
            clusters.append(char)
        joined = char == _ZWJ
    return clusters


def _extends(char: str) -> bool:
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == _ZWJ
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors (emoji presentation)
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tones
    )


__all__ = ["Length", "split_text", "utf16_len"]
