"""A typed place name taken apart: words with and without accents, a leading unit word
("xã", "tỉnh", "huyện"), and the readings of the text the search tries.

Pure string work, no data: `bot.places.index` matches the readings against the places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.places.aliases import (
    ACCENTED_WORDS,
    COMMUNE_WORDS,
    DISTRICT_WORDS,
    PROVINCE_WORDS,
)
from bot.text import canonical, fold

# Apostrophes are dropped inside words ("Ea M'Droh", "M’Đrắk"); any other mark separates words.
_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[\W_]+")
_LONGEST_WORD = 2  # unit words are one or two words long ("thị trấn")


def name_keys(text: str) -> tuple[str, str]:
    """A name's exact key (canonical: lower case, new-style tones) and its folded key."""
    words = _words(text)
    return " ".join(words), " ".join(fold(word) for word in words)


def _words(text: str) -> list[str]:
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", canonical(text))).split()


@dataclass(frozen=True)
class Words:
    """Some words of the typed text, exact (canonical) and folded, the same count."""

    exact: tuple[str, ...]
    folded: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.folded)

    def __getitem__(self, span: slice) -> Words:
        return Words(self.exact[span], self.folded[span])

    @property
    def exact_key(self) -> str:
        return " ".join(self.exact)

    @property
    def folded_key(self) -> str:
        return " ".join(self.folded)

    @property
    def accented(self) -> bool:
        """Whether the learner typed accents here: only then can they tell names apart."""
        return self.exact_key != self.folded_key

    def lead(self, kinds: frozenset[str]) -> tuple[int, bool]:
        """How many words at the start are a unit word of these kinds (0 if none), and whether
        they were typed with the unit word's accents, so that they cannot be part of a name."""
        for size in range(_LONGEST_WORD, 0, -1):
            if len(self) > size and " ".join(self.folded[:size]) in kinds:
                typed = " ".join(self.exact[:size])
                if typed in ACCENTED_WORDS:
                    return size, True
                if typed != " ".join(self.folded[:size]):
                    return 0, False  # another word's accents: a name ("Quân Chu", not "quận")
                return size, False
        return 0, False

    def trail(self, kinds: frozenset[str]) -> Words:
        """These words without unit words of these kinds at the end ("Tân Phú tỉnh")."""
        for size in range(_LONGEST_WORD, 0, -1):
            if len(self) > size and " ".join(self.folded[-size:]) in kinds:
                return self[:-size]
        return self

    def cut(self, kinds: frozenset[str]) -> Words | None:
        """The words before a unit word in the middle ("Phú Lâm huyện Tân Phú" -> "Phú Lâm"):
        the district part of an old address, which the two-tier units no longer have."""
        for index in range(1, len(self)):
            for size in (2, 1):
                if " ".join(self.folded[index : index + size]) in kinds:
                    return self[:index]
        return None


def words_of(text: str) -> Words:
    """The typed text as words, exact and folded."""
    words = _words(text)
    folded = fold(" ".join(words)).split()
    if len(folded) != len(words):  # not seen: a word folding to nothing; fold one by one
        pairs = [(word, fold(word)) for word in words]
        words, folded = [w for w, f in pairs if f], [f for _, f in pairs if f]
    return Words(tuple(words), tuple(folded))


@dataclass(frozen=True)
class Parsed:
    """What the text is made of.

    Attributes:
        words: all the words typed.
        body: the words after a leading unit word, or all of them.
        lead_kind: "commune", "district", "province" or "" for the leading unit word.
        sure: whether that unit word was typed with its accents ("Xã", not "Xa").
        kind: the commune kind asked for ("xa", "phuong", "dac khu") to rank first, or "".
        segments: the comma-separated parts, when there are several ("Phú Lâm, Đồng Nai").
    """

    words: Words
    body: Words
    lead_kind: str
    sure: bool
    kind: str
    segments: tuple[Words, ...]


_KIND_OF = {"xa": "xa", "x": "xa", "phuong": "phuong", "p": "phuong", "dac khu": "dac khu"}


def parse(text: str) -> Parsed:
    """Split the typed text into words, its leading unit word and its comma segments."""
    words = words_of(text)
    parts = text.split(",") if "," in text else []
    segments = tuple(s for s in (words_of(part) for part in parts) if len(s))
    for lead_kind, kinds in (
        ("commune", COMMUNE_WORDS),
        ("province", PROVINCE_WORDS),
        ("district", DISTRICT_WORDS),
    ):
        size, sure = words.lead(kinds)
        if size:
            kind = _KIND_OF.get(" ".join(words.folded[:size]), "")
            return Parsed(words, words[size:], lead_kind, sure, kind, segments)
    return Parsed(words, words, "", False, "", segments)


def strip_lead(words: Words) -> Words:
    """Words without a leading unit word of any kind ("xã Phú Lâm" -> "Phú Lâm")."""
    for kinds in (COMMUNE_WORDS, PROVINCE_WORDS, DISTRICT_WORDS):
        size, _sure = words.lead(kinds)
        if size:
            return words[size:]
    return words
