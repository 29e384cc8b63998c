"""Search "Sổ tay học vụ số" by free text, typed any way: with or without accents, abbreviated.

Ranking is a small weighted word match, enough for a hundred entries:

1. The query and every entry are folded to plain words ("Chuyển tiền" -> "chuyen tien"), chat
   abbreviations are spelled out ("ck" -> "chuyen khoan") and filler words are dropped.
2. Each query word scores by how rare it is in the handbook (IDF), more in an entry's keywords
   than in its question, and a little in its answer; a word one typo away counts at a discount.
3. Two query words side by side that also sit side by side in a question or keyword (a Vietnamese
   word is often two syllables: "mật khẩu") earn a bonus, and so does a whole keyword phrase.
4. The score is scaled by the share of query words found, so a focused entry beats a long one
   that happens to mention one word.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches

from bot.text import words
from lessons.models import HandbookEntry

# Chat abbreviations and spellings, folded -> folded words.
ABBREVIATIONS: dict[str, str] = {
    "ck": "chuyen khoan",
    "chk": "chuyen khoan",
    "dt": "dien thoai",
    "dthoai": "dien thoai",
    "sdt": "so dien thoai",
    "mk": "mat khau",
    "pass": "mat khau",
    "password": "mat khau",
    "tk": "tai khoan",
    "tkhoan": "tai khoan",
    "nh": "ngan hang",
    "app": "ung dung",
    "apps": "ung dung",
    "ud": "ung dung",
    "wf": "wifi",
    "cccd": "can cuoc",
    "cmnd": "can cuoc",
    "bhyt": "bao hiem y te",
    "bhxh": "bao hiem xa hoi",
    "dvc": "dich vu cong",
    "mst": "ma so thue",
    "stk": "so tai khoan",
    "tt": "thanh toan",
    "ntn": "nhu the nao",
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "hok": "khong",
    "dc": "duoc",
    "j": "gi",
    "vs": "voi",
    "fb": "facebook",
    "face": "facebook",
    "yt": "youtube",
    "ctv": "cong tac vien",
    "mess": "tin nhan",
    "sms": "tin nhan",
    "tn": "tin nhan",
    "ib": "nhan tin",
    "photo": "anh",
    "vid": "video",
    "call": "goi",
}
# Multi-word spellings of one thing, after folding.
PHRASES: dict[str, str] = {
    "wi fi": "wifi",
    "vn eid": "vneid",
    "vne id": "vneid",
    "q r": "qr",
    "zalo pay": "zalopay",
    "mo mo": "momo",
    "e tax": "etax",
    "etax mobile": "etaxmobile",
    "vss id": "vssid",
    "chat gpt": "chatgpt",
    "ch play": "chplay",
    "app store": "appstore",
    "google play": "chplay",
    "4 g": "4g",
    "5 g": "5g",
}
# Words that say nothing about the topic ("làm sao", "của tôi", "được không").
_STOPWORDS = """
    a ah ak oi nhe nha nhi vay thi lam sao nao gi co khong duoc cho cua toi minh em chi bac
    ong ba tui tao ho chung nguoi va voi hay hoac nhung cac mot nhieu rat cung van da se de o
    tren trong vao ra len xuong di den tu bang nhu ve khi neu giup hoi biet xin vui long cach
    huong dan nay kia ay roi chua luon bay gio hien phai nen may
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# How much a query word is worth in each part of an entry.
KEYWORD_WEIGHT = 3.0
QUESTION_WEIGHT = 2.0
ANSWER_WEIGHT = 0.5
PAIR_BONUS = 1.5
PHRASE_BONUS = 2.0
TYPO_DISCOUNT = 0.6
# A hit must score at least this, and at least this share of the best hit.
MIN_SCORE = 2.5
MIN_SHARE_OF_BEST = 0.3
# Text typed outside the handbook (in the menu) is searched only when the best hit is this sure.
CONFIDENT_SCORE = 15.0


def terms(text: str) -> list[str]:
    """The folded, expanded words of a text, filler words kept (for phrases)."""
    folded = " ".join(words(text))
    for phrase, joined in PHRASES.items():
        folded = f" {folded} ".replace(f" {phrase} ", f" {joined} ").strip()
    expanded: list[str] = []
    for word in folded.split():
        expanded.extend(ABBREVIATIONS.get(word, word).split())
    return expanded


def content(items: Iterable[str]) -> list[str]:
    """Drop the filler words."""
    return [item for item in items if item not in STOPWORDS]


def pairs(items: Sequence[str]) -> set[str]:
    """Neighbouring words, as "a b"."""
    return {f"{a} {b}" for a, b in zip(items, items[1:], strict=False)}


@dataclass(frozen=True)
class Hit:
    """One search result."""

    entry: HandbookEntry
    score: float

    @property
    def confident(self) -> bool:
        """Sure enough to answer text that was not asked as a handbook question."""
        return self.score >= CONFIDENT_SCORE


@dataclass(frozen=True)
class _Indexed:
    entry: HandbookEntry
    keyword_words: frozenset[str]
    question_words: frozenset[str]
    answer_words: frozenset[str]
    pairs: frozenset[str]
    phrases: tuple[str, ...]

    @classmethod
    def build(cls, entry: HandbookEntry) -> _Indexed:
        keyword_terms = [terms(keyword) for keyword in entry.keywords]
        question = content(terms(entry.question))
        keyword_pairs = set().union(*(pairs(content(k)) for k in keyword_terms))
        return cls(
            entry=entry,
            keyword_words=frozenset(w for k in keyword_terms for w in content(k)),
            question_words=frozenset(question),
            answer_words=frozenset(content(terms(entry.answer))),
            pairs=frozenset(pairs(question) | keyword_pairs),
            phrases=tuple(" ".join(k) for k in keyword_terms if len(content(k)) > 1),
        )

    def score(self, word: str, weight: float) -> float:
        points = 0.0
        if word in self.keyword_words:
            points += KEYWORD_WEIGHT
        if word in self.question_words:
            points += QUESTION_WEIGHT
        if word in self.answer_words:
            points += ANSWER_WEIGHT
        return points * weight


@dataclass(frozen=True)
class Handbook:
    """The handbook entries with a search index built once, when the content loads."""

    entries: tuple[HandbookEntry, ...] = ()
    _index: tuple[_Indexed, ...] = field(init=False, repr=False, compare=False)
    _idf: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = tuple(_Indexed.build(entry) for entry in self.entries)
        counts: Counter[str] = Counter()
        for item in index:
            counts.update(item.keyword_words | item.question_words | item.answer_words)
        total = max(len(index), 1)
        idf = {word: math.log(1 + total / count) for word, count in counts.items()}
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_idf", idf)

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, entry_id: str) -> HandbookEntry | None:
        """The entry with this id, or None."""
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    def _resolve(self, word: str) -> tuple[str, float] | None:
        """The indexed word a query word stands for, with its weight (typos discounted)."""
        if word in self._idf:
            return word, self._idf[word]
        if len(word) < 4 or word.isdigit():
            return None
        close = get_close_matches(word, list(self._idf), n=1, cutoff=0.8)
        return (close[0], self._idf[close[0]] * TYPO_DISCOUNT) if close else None

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best entries for a free-text question, best first (empty when nothing fits)."""
        all_terms = terms(query)
        resolved = [hit for word in content(all_terms) if (hit := self._resolve(word))]
        if not resolved:
            return []
        weights = dict(resolved)
        query_pairs = pairs([word for word, _weight in resolved])
        padded_query = f" {' '.join(all_terms)} "
        hits: list[Hit] = []
        for item in self._index:
            points = [item.score(word, weight) for word, weight in weights.items()]
            matched = sum(1 for value in points if value > 0)
            if not matched:
                continue
            score = sum(points)
            score += PAIR_BONUS * sum(self._pair_weight(pair) for pair in query_pairs & item.pairs)
            score += PHRASE_BONUS * sum(1 for p in item.phrases if f" {p} " in padded_query)
            score *= 0.5 + 0.5 * matched / len(weights)
            hits.append(Hit(item.entry, round(score, 3)))
        if not hits:
            return []
        hits.sort(key=lambda hit: -hit.score)
        floor = max(MIN_SCORE, hits[0].score * MIN_SHARE_OF_BEST)
        return [hit for hit in hits if hit.score >= floor][:limit]

    def _pair_weight(self, pair: str) -> float:
        first, second = pair.split()
        return (self._idf.get(first, 0.0) + self._idf.get(second, 0.0)) / 2
