"""Vietnamese text as people type it: NFC, cleaning, accent folding, numbers and letters typed
for an option, free-text answers (choices are matched in `bot.choice_match`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SPACES = re.compile(r"\s+")
# Old-style tone placement ("hoà", "thuỷ", "khoá") -> new style used in official names.
_OLD_TONES = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("(" + "|".join(_OLD_TONES) + r")(?![a-zà-ỹ])")


# The same marks in any case; not after "q", where "u" is part of the consonant ("Quý", "Quỳ").
_OLD_TONE_ANY_CASE = re.compile(
    "(?<![qQ])(" + "|".join(_OLD_TONES) + r")(?![^\W\d_])", re.IGNORECASE
)


def new_style_tones(text: str) -> str:
    """Old-style tone placement moved to the new style, case kept: "Hoà" -> "Hòa", "Uý" -> "Úy".

    For names shown to people (`canonical` also lower-cases, which suits matching only).
    """

    def moved(match: re.Match[str]) -> str:
        old = match.group(1)
        new = _OLD_TONES[old.lower()]
        return "".join(
            ch.upper() if was.isupper() else ch for ch, was in zip(new, old, strict=True)
        )

    return _OLD_TONE_ANY_CASE.sub(moved, text)


def clean(text: str) -> str:
    """NFC-normalise and tidy raw input: zero-width marks, NBSP, curly quotes, runs of spaces."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).translate(_QUOTES)
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def canonical(text: str) -> str:
    """Cleaned, case-folded text with old-style tone marks moved to the new style."""
    lowered = clean(text).casefold()
    return _OLD_TONE_RE.sub(lambda match: _OLD_TONES[match.group(1)], lowered)


def fold(text: str) -> str:
    """Canonical text without diacritics: "Đúng rồi" -> "dung roi". đ has no decomposition."""
    decomposed = unicodedata.normalize("NFD", canonical(text))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "d")


def words(text: str) -> list[str]:
    """The folded words of a text, punctuation dropped: for keyword search."""
    return re.findall(r"[a-z0-9]+", fold(text))


def is_meaningful(text: str) -> bool:
    """Whether the text holds any letter or digit (emoji-only or blank input does not)."""
    return any(ch.isalnum() for ch in clean(text))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_CHOICE_TOKEN = re.compile(r"^\(?([0-9]{1,2}|[a-z])[.)]?$")


def option_index(token: str, count: int) -> int | None:
    """Read "2", "2.", "b", "B)" as an option index (0-based) when it is in range; a letter
    with an accent ("ạ") is a word, not a letter."""
    if canonical(token) != fold(token):
        return None
    match = _CHOICE_TOKEN.match(fold(token))
    if not match:
        return None
    value = match.group(1)
    index = int(value) - 1 if value.isdigit() else _LETTERS.index(value)
    return index if 0 <= index < count else None


_NOT_WORD = re.compile(r"[^\w]+")


def _bare(text: str) -> str:
    """Letters and digits only, single-spaced: "Nút nguồn!" is "nút nguồn"."""
    return " ".join(_NOT_WORD.sub(" ", text).split())


def match_free_text(answer: str, accepted: Sequence[str]) -> bool:
    """Whether a typed short answer equals one of the accepted answers, diacritics optional.

    Every accepted answer is right, so a folded match can never pick a wrong one: unlike
    options, free text needs no ambiguity check.
    """
    wanted = _bare(canonical(answer))
    if any(_bare(canonical(item)) == wanted for item in accepted):
        return True
    folded = _bare(fold(answer))
    return bool(folded) and any(_bare(fold(item)) == folded for item in accepted)
