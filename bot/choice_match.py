"""Which of the choices on screen a learner's typed text names.

Learners type on every channel: without accents, with typos, the first few words of a long
option, its telling words ("khong dua ma cho ai"), "có" or "không". The ways of naming a
choice are tried in this order, and the first that names any choice decides:

1. its number or letter: "2", "b", "B)";
2. its whole label, as typed or with the punctuation dropped; small words around it
   ("tôi chọn ... ạ") are left out; then a number or letter in words: "câu 2", "đáp án là b";
3. "có"/"không" (and "ừ", "ko", "sai", ...) when the choices hold one yes and one no;
4. its words: every word typed (small words left out) is a word of that label, and not all
   of them are words like "không", "cho", "ai", which alone name nothing;
5. the same, with one typo allowed in each word of four letters or more.

A word typed without accents matches the label's word whatever its accents; a word typed with
accents matches only that spelling ("mà" never names "Má"). Only when nothing matches that
way are accents dropped on both sides (a wrong accent is a typo too). Text-message shorthand
("ko", "dc", "j") is read as the word it stands for unless a label has it as it is.

When one step names several choices the answer is `Ambiguous`: the caller asks again with
those candidates, and never picks one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.text import canonical, fold, option_index


@dataclass(frozen=True)
class Picked:
    """The typed text names exactly one choice."""

    index: int


@dataclass(frozen=True)
class Ambiguous:
    """The typed text fits several choices equally well: ask which one."""

    indexes: tuple[int, ...]


Match = Picked | Ambiguous | None


@dataclass(frozen=True)
class _WordSet:
    """Words as written and without accents, for the accents-where-typed rule in one look-up."""

    exact: frozenset[str]
    folded: frozenset[str]

    def has(self, word: str) -> bool:
        return word in self.exact or (_plain(word) and word in self.folded)


def _word_set(words: str) -> _WordSet:
    return _WordSet(frozenset(words.split()), frozenset(fold(w) for w in words.split()))


# Polite and filler words learners wrap an answer in: left out when no label has them.
_FILLERS = _word_set(
    "tôi em mình con cháu bác bạn chọn câu đáp án là thì ạ à ơi nhé nha nhá ha hả đó này "
    "đây ấy rồi chứ chắc chắn luôn thôi vậy"
)
# Words around a number or letter: "câu 2", "đáp án là b", "chọn số 3 ạ".
_INDEX_WORDS = _word_set("câu đáp án chọn số ý phương là tôi em mình ạ nhé nha")
# Words that alone name nothing: "không" must not pick the one option that ends in "không".
_SMALL = _word_set(
    "không có là và thì mà cho của để ở với rồi ai gì nào này đó được sẽ đang đã bị hay "
    "hoặc các một những cũng vì nếu khi ra vào lên xuống đi nữa rất đúng sai phải ừ vâng dạ "
    "ko k"
)
# How people shorten words in text messages ("ko dua ma" is "không đưa mã").
_SHORTHAND = {
    "ko": "không",
    "k": "không",
    "kh": "không",
    "kg": "không",
    "khg": "không",
    "hok": "không",
    "dc": "được",
    "đc": "được",
    "j": "gì",
    "ng": "người",
    "vs": "với",
    "r": "rồi",
}
# Particles dropped from a yes or a no: "có ạ", "không đâu", "đúng rồi".
_YES_NO_PARTICLES = _word_set("ạ à nhé nha ạh rồi chứ đâu ơi vậy mà")
# "ok" is no yes: a nod that may be a reflex (small talk answers it), and "Delete my data?"
# must not be answered by a reflex.
_YES = "có|ừ|ừm|vâng|dạ|dạ vâng|dạ có|vâng có|phải|có phải|đúng|đúng vậy|chính xác|đồng ý|yes|true"
_NO = (
    "không|ko|k|kh|hông|hổng|khum|không phải|không đúng|chưa đúng|sai|dạ không|không có|"
    "chẳng|chẳng phải|không đồng ý|no|false"
)
_Phrases = dict[tuple[str, ...], list[tuple[tuple[str, ...], bool]]]


def _phrases() -> _Phrases:
    """Each yes or no phrase under its words without accents: (the phrase, True for yes)."""
    found: _Phrases = {}
    for phrases, meaning in ((_YES, True), (_NO, False)):
        for phrase in phrases.split("|"):
            found.setdefault(tuple(fold(phrase).split()), []).append(
                (tuple(phrase.split()), meaning)
            )
    return found


_PHRASES = _phrases()
# "Không phải lừa đảo" says no to "Lừa đảo", "Không đồng ý" to "Đồng ý" (without accents).
_NEGATIONS = (("khong", "phai"), ("khong",), ("chua",), ("chang",))
# A typo is one letter wrong, missing, extra or swapped, in words at least this long.
_TYPO_MIN_LETTERS = 4
_WORD = re.compile(r"\w+")
_EDGES = re.compile(r"^\W+|\W+$")

# How two words compare in one pass: accents as typed, accents dropped, or a typo allowed.
_Same = Callable[[str, str], bool]


@dataclass(frozen=True)
class _Label:
    """A label read once: its words (also without accents), its literal form (punctuation
    kept) and whether it is itself a yes or a no."""

    words: tuple[str, ...]
    folded: tuple[str, ...]
    literal: str
    polarity: bool | None


@lru_cache(maxsize=8192)
def _label(text: str) -> _Label:
    """Labels come from content and menus, so they repeat."""
    words = tuple(_WORD.findall(canonical(text)))
    literal = _literal(text)
    return _Label(words, tuple(fold(w) for w in words), literal, _polarity(words, literal))


def _literal(text: str) -> str:
    """The text as typed, with marks and punctuation at both ends dropped ("Tiếp tục ▶")."""
    return _EDGES.sub("", canonical(text))


@lru_cache(maxsize=16384)
def _folded(word: str) -> str:
    return fold(word)


def _plain(word: str) -> bool:
    """Whether a (canonical) word or text was typed without accents."""
    return word == _folded(word)


def _as_typed(typed: str, word: str) -> bool:
    """Accents count only where the learner typed them."""
    return typed == word or (_plain(typed) and typed == _folded(word))


def _loose(typed: str, word: str) -> bool:
    """Accents never count: wrong accents are typos too."""
    return _folded(typed) == _folded(word)


def _typo(typed: str, word: str) -> bool:
    """Accents never count, and one letter may be wrong, missing, extra or swapped."""
    typed, word = _folded(typed), _folded(word)
    if typed == word:
        return True
    return min(len(typed), len(word)) >= _TYPO_MIN_LETTERS and _one_edit(typed, word)


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one letter changed, added, dropped or swapped apart."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _meaning(typed: Sequence[str]) -> bool | None:
    """True when the words say yes ("có", "dạ vâng"), False for a no, else None."""
    for phrase, meaning in _PHRASES.get(tuple(_folded(w) for w in typed), ()):
        if all(_as_typed(t, w) for t, w in zip(typed, phrase, strict=True)):
            return meaning
    return None


def _one_of(found: Iterable[int]) -> Match:
    unique = tuple(sorted(set(found)))
    if not unique:
        return None
    return Picked(unique[0]) if len(unique) == 1 else Ambiguous(unique)


def match_choice(
    typed: str,
    labels: Sequence[str],
    *,
    yes_no: tuple[int, int] | None = None,
    loose: bool = True,
) -> Match:
    """Which of `labels` the typed text names, in the order the module's docstring gives.

    Args:
        typed: what the learner typed.
        labels: the choices on screen, in their order (numbers and letters count from 1, a).
        yes_no: the indexes of the yes and of the no choice when the caller knows them
            (consent, deleting the data); otherwise they are read from the labels ("Đúng"
            and "Sai", "Lừa đảo" and "Không phải lừa đảo").
        loose: False where typed text is usually something else (a place, a name, a
            question): then only a number, a letter or a whole label names a choice.
    """
    count = len(labels)
    index = option_index(typed, count)
    if index is not None:
        return Picked(index)
    words = _WORD.findall(canonical(typed))
    if not words:
        return None
    read = [_label(label) for label in labels]
    if not loose:
        return _whole(typed, [words], read, _as_typed) or _whole(typed, [words], read, _loose)
    known = {word for label in read for word in label.words}
    words = [w if w in known else _SHORTHAND.get(w, w) for w in words]
    content = _content(words, read)
    found = _whole(typed, [words, content], read, _as_typed)
    if found is not None:
        return found
    index = _index_in_words(words, read)
    if index is not None:
        return Picked(index)
    answer = _yes_or_no(words, read, yes_no if yes_no is not None else _yes_no(tuple(labels)))
    if answer is not None:
        return answer
    if not content or all(_SMALL.has(w) for w in content):
        return _whole(typed, [words, content], read, _loose)
    return (
        _words(content, read, _as_typed)
        or _whole(typed, [words, content], read, _loose)
        or _words(content, read, _loose)
        or _words(content, read, _typo)
    )


def _index_in_words(words: Sequence[str], read: Sequence[_Label]) -> int | None:
    """A number or letter among words that say so ("câu 2", "đáp án là b"), unless a label
    holds those very words."""
    rest = [w for w in words if len(w) == 1 or not _INDEX_WORDS.has(w)]
    if len(rest) != 1 or len(words) == 1 or not rest[0].isascii():
        return None
    if any(_contains(words, label, _as_typed) for label in read):
        return None
    return option_index(rest[0], len(read))


def _content(words: Sequence[str], read: Sequence[_Label]) -> list[str]:
    """The typed words without the fillers that no label has."""
    folded = {word for label in read for word in label.folded}
    return [w for w in words if not _FILLERS.has(w) or _folded(w) in folded]


def _whole(
    typed: str, attempts: Sequence[Sequence[str]], read: Sequence[_Label], same: _Same
) -> Match:
    """Labels typed whole: exactly, then literally (punctuation counts), else word for word."""
    literal = _literal(typed)
    exact = [i for i, label in enumerate(read) if label.literal and literal == label.literal]
    if len(exact) != 1:
        exact = [
            i for i, label in enumerate(read) if label.literal and same(literal, label.literal)
        ]
    if len(exact) == 1:
        return Picked(exact[0])
    return _one_of(
        exact
        + [
            i
            for attempt in attempts
            for i, label in enumerate(read)
            if len(attempt) == len(label.words)
            and all(same(t, w) for t, w in zip(attempt, label.words, strict=True))
        ]
    )


def _words(content: Sequence[str], read: Sequence[_Label], same: _Same) -> Match:
    """Labels holding every word typed (fillers left out)."""
    return _one_of(i for i, label in enumerate(read) if _contains(content, label, same))


def _contains(typed: Sequence[str], label: _Label, same: _Same) -> bool:
    """Every typed word is a word of the label, each label word used once."""
    free = list(label.words)
    for word in typed:
        spot = next((i for i, other in enumerate(free) if other and same(word, other)), None)
        if spot is None:
            return False
        free[spot] = ""
    return True


def _yes_or_no(
    words: Sequence[str], read: Sequence[_Label], pair: tuple[int, int] | None
) -> Match:
    """The yes or the no choice for a typed yes or no, unless another choice has those words
    ("có" is no yes among "Đúng", "Sai", "Có ảnh", "Có video")."""
    if pair is None:
        return None
    core = [w for w in words if not _YES_NO_PARTICLES.has(w)] or list(words)
    meaning = _meaning(core)
    if meaning is None:
        return None
    picked = pair[0] if meaning else pair[1]
    yes, no = read[pair[0]], read[pair[1]]
    # The words of "Không phải lừa đảo" other than its "không phải" are those of "Lừa đảo".
    plain = [yes if i == pair[1] and _negates(no, yes) else label for i, label in enumerate(read)]
    others = [
        i for i, label in enumerate(plain) if i != picked and _contains(core, label, _as_typed)
    ]
    return None if others else Picked(picked)


def _polarity(words: tuple[str, ...], literal: str) -> bool | None:
    """Whether a label is itself a yes ("Đúng", "Có, xóa dữ liệu") or a no ("Sai")."""
    meaning = _meaning(words)
    return meaning if meaning is not None else _meaning(literal.split(",", 1)[0].split())


def _negates(no: _Label, yes: _Label) -> bool:
    """Whether `no` is `yes` with a "không (phải)" put in: "Không phải lừa đảo"."""
    if len(no.folded) <= len(yes.folded):
        return False
    for negation in _NEGATIONS:
        size = len(negation)
        for at in range(len(no.folded) - size + 1):
            if no.folded[at : at + size] == negation and (
                no.folded[:at] + no.folded[at + size :] == yes.folded
            ):
                return True
    return False


@lru_cache(maxsize=4096)
def _yes_no(labels: tuple[str, ...]) -> tuple[int, int] | None:
    """The one yes and the one no among the labels, when they hold exactly that."""
    read = [_label(label) for label in labels]
    yes = [i for i, label in enumerate(read) if label.polarity is True]
    no = [i for i, label in enumerate(read) if label.polarity is False]
    if len(yes) == 1 and len(no) == 1:
        return yes[0], no[0]
    pairs = [
        (i, j)
        for i, first in enumerate(read)
        for j, second in enumerate(read)
        if i != j and first.words and _negates(second, first)
    ]
    return pairs[0] if len(pairs) == 1 else None
