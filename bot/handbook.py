"""Search "Sổ tay học vụ số" by free text, typed any way: with or without accents, abbreviated.

Ranking is a small weighted word match, enough for a few hundred entries:

1. The query and every entry are cut into words, each kept as typed ("lừa") and folded ("lua");
   chat abbreviations are spelled out ("ck" -> "chuyển khoản") and filler words set aside.
2. A word typed with its accents matches only the same accented word: "lừa" never finds "lúa",
   "nhận" never finds "nhắn". Only a word typed without accents is folded, and then matches any
   accented form. An accented word the handbook does not know at all is taken as a slip of the
   keyboard and folded, at a discount; so is a word one typo away.
3. Each query word scores by how rare it is in the handbook (IDF), more in an entry's keywords
   than in its question, and a little in its answer.
4. The learner's intent: words typed side by side that stand side by side in a question or a
   keyword ("chuyển tiền", "mã qr", "otp là gì", filler words included once a topic word is in
   the run) earn a bonus for each step of the run; a keyword typed whole earns one; and an entry
   whose question the query covers more of (its topic, not a side remark) is preferred.
5. The score is scaled by the share of query words found, so a focused entry beats a long one
   that happens to mention one word.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import lru_cache

from bot.text import canonical, fold
from lessons.models import HandbookEntry

# Chat abbreviations and spellings, folded -> the words they stand for, with their accents.
ABBREVIATIONS: dict[str, str] = {
    "ck": "chuyển khoản",
    "chk": "chuyển khoản",
    "dt": "điện thoại",
    "dthoai": "điện thoại",
    "sdt": "số điện thoại",
    "mk": "mật khẩu",
    "pass": "mật khẩu",
    "password": "mật khẩu",
    "tk": "tài khoản",
    "tkhoan": "tài khoản",
    "nh": "ngân hàng",
    "app": "ứng dụng",
    "apps": "ứng dụng",
    "ud": "ứng dụng",
    "wf": "wifi",
    "cccd": "căn cước",
    "cmnd": "căn cước",
    "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội",
    "dvc": "dịch vụ công",
    "mst": "mã số thuế",
    "stk": "số tài khoản",
    "tt": "thanh toán",
    "ntn": "như thế nào",
    "ko": "không",
    "k": "không",
    "kg": "không",
    "hok": "không",
    "dc": "được",
    "j": "gì",
    "vs": "với",
    "fb": "facebook",
    "face": "facebook",
    "yt": "youtube",
    "ctv": "cộng tác viên",
    "mess": "tin nhắn",
    "sms": "tin nhắn",
    "tn": "tin nhắn",
    "ib": "nhắn tin",
    "photo": "ảnh",
    "vid": "video",
    "call": "gọi",
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
# Words that say nothing about the topic ("làm sao", "của tôi", "được không"), with accents: a
# word typed with its accents is filler only when it is one of these ("chúng", not "chứng").
_STOPWORDS = """
    a à ạ á ah ak ơi ới nhé nha nhá nhỉ vậy thì là làm sao nào gì có không được cho của tôi mình
    em chị bác ông bà tui tao họ chúng người và với hay hoặc những các một nhiều rất cũng vẫn đã
    sẽ để ở trên trong vào ra lên xuống đi đến từ bằng như về khi nếu giúp hỏi biết xin vui lòng
    cách hướng dẫn này kia ấy rồi chưa luôn bây giờ hiện phải nên mấy thế muốn cái
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# The same for words typed without accents: only those that rarely stand for a topic word once
# folded ("la" stays: it may be "lạ"; "muon" stays: it may be "mượn"; "the" may be "thẻ").
_FOLDED_STOPWORDS = """
    a ah ak oi nhe nha nhi vay thi lam sao nao gi co khong duoc cho cua toi minh em chi bac
    ong ba tui tao ho chung nguoi va voi hay hoac nhung cac mot nhieu rat cung van da se de o
    tren trong vao ra len xuong di den tu bang nhu ve khi neu giup hoi biet xin vui long cach
    huong dan nay kia ay roi chua luon bay gio hien phai nen may
"""
FOLDED_STOPWORDS = frozenset(_FOLDED_STOPWORDS.split())
# How much a query word is worth in each part of an entry.
KEYWORD_WEIGHT = 3.0
QUESTION_WEIGHT = 2.0
ANSWER_WEIGHT = 0.5
# Each step of a run of words typed as they stand in a question or keyword.
RUN_BONUS = 1.5
# A step between two filler words inside such a run ("là gì" after "otp") counts this much.
FILLER_STEP = 0.5
# A keyword typed whole, times the IDF of its words.
KEYWORD_BONUS = 1.0
# The score grows by up to this share with the part of the question the query covers.
FOCUS = 0.5
# Discounts: an accented word matched only through a keyword written without accents; an
# accented word the handbook does not know, folded; a word one typo away.
LOOSE_DISCOUNT = 0.7
UNKNOWN_ACCENT_DISCOUNT = 0.6
TYPO_DISCOUNT = 0.6
# A hit must score at least this, and at least this share of the best hit.
MIN_SCORE = 2.5
MIN_SHARE_OF_BEST = 0.3
# Text typed outside the handbook (in the menu) is searched only when the best hit is this sure.
CONFIDENT_SCORE = 15.0

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_PHRASE_PARTS = tuple((tuple(phrase.split()), joined) for phrase, joined in PHRASES.items())
_PHRASE_STARTS = frozenset(parts[0] for parts, _joined in _PHRASE_PARTS)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: folded, and as written when it carries accents (else None)."""

    folded: str
    accented: str | None = None

    @property
    def filler(self) -> bool:
        """Whether the word says nothing about the topic."""
        if self.accented is None:
            return self.folded in FOLDED_STOPWORDS
        return self.accented in STOPWORDS


@lru_cache(maxsize=4096)
def _split(word: str) -> tuple[Word, ...]:
    """One canonical word as Words: its folded pieces, the accents kept when it is one piece."""
    pieces = _ASCII_WORD.findall(fold(word))
    if len(pieces) == 1 and pieces[0] != word:
        return (Word(pieces[0], word),)
    return tuple(Word(piece) for piece in pieces)


@lru_cache(maxsize=64)
def _expansion(abbreviation: str) -> tuple[Word, ...]:
    return tuple(w for part in ABBREVIATIONS[abbreviation].split() for w in _split(part))


def tokens(text: str) -> list[Word]:
    """The words of a text, accents kept, spellings joined, abbreviations spelled out."""
    found = [w for word in _WORD.findall(canonical(text)) for w in _split(word)]
    if _PHRASE_STARTS.intersection(w.folded for w in found):
        for parts, joined in _PHRASE_PARTS:
            found = _join(found, parts, joined)
    expanded: list[Word] = []
    for w in found:
        if w.folded in ABBREVIATIONS:
            expanded.extend(_expansion(w.folded))
        else:
            expanded.append(w)
    return _question_form(expanded)


def _question_form(found: list[Word]) -> list[Word]:
    """ "la" typed before "gi" (or "cai gi") is the "là" of "X là gì?", not "lạ" (strange)."""
    for index, w in enumerate(found[:-1]):
        if w.folded == "la" and w.accented is None:
            after = [n.folded for n in found[index + 1 : index + 3]]
            if after[0] == "gi" or after == ["cai", "gi"]:
                found[index] = Word("la", "là")
    return found


def _join(found: list[Word], parts: tuple[str, ...], joined: str) -> list[Word]:
    """`found` with each run of words folding to `parts` replaced by the one word `joined`."""
    out: list[Word] = []
    index, size = 0, len(parts)
    while index < len(found):
        if tuple(w.folded for w in found[index : index + size]) == parts:
            out.append(Word(joined))
            index += size
        else:
            out.append(found[index])
            index += 1
    return out


def terms(text: str) -> list[str]:
    """The folded, expanded words of a text, filler words kept."""
    return [w.folded for w in tokens(text)]


def _index_keys(word: Word, loose: bool) -> tuple[str, ...]:
    """The keys an indexed word is found by: as written ("a:") and folded ("f:"); a keyword
    written without any accents is only known folded ("l:"), whatever accents it should have."""
    if loose:
        return (f"l:{word.folded}", f"f:{word.folded}")
    return (f"a:{word.accented or word.folded}", f"f:{word.folded}")


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
class _Probe:
    """One query word: the keys it matches, how much it is worth, and whether it is filler."""

    keys: tuple[str, ...]
    weight: float
    filler: bool


@dataclass(frozen=True)
class _Entry:
    """What the ranking needs of one entry beyond the postings."""

    entry: HandbookEntry
    # The question's topic words: their keys and IDF each.
    question: tuple[tuple[frozenset[str], float], ...]
    question_weight: float
    # Each keyword: the keys of each of its topic words, and the IDF of the whole.
    keywords: tuple[tuple[tuple[frozenset[str], ...], float], ...]


@dataclass(frozen=True)
class Handbook:
    """The handbook entries with a search index built once, when the content loads."""

    entries: tuple[HandbookEntry, ...] = ()
    # key -> {entry number: field points}; "a:b" pair key -> entry numbers; key -> IDF.
    _postings: dict[str, dict[int, float]] = field(init=False, repr=False, compare=False)
    _pairs: dict[str, frozenset[int]] = field(init=False, repr=False, compare=False)
    _idf: dict[str, float] = field(init=False, repr=False, compare=False)
    _folded: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _index: tuple[_Entry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        pairs: dict[str, set[int]] = defaultdict(set)
        parsed: list[tuple[list[Word], list[tuple[list[Word], bool]]]] = []
        for number, entry in enumerate(self.entries):
            question = tokens(entry.question)
            keywords = [
                (tokens(k), not any(w.accented for w in tokens(k))) for k in entry.keywords
            ]
            parsed.append((question, keywords))
            fields: list[tuple[Sequence[Word], bool, float]] = [
                (question, False, QUESTION_WEIGHT),
                (tokens(entry.answer), False, ANSWER_WEIGHT),
            ]
            fields += [(words, loose, KEYWORD_WEIGHT) for words, loose in keywords]
            seen: set[tuple[str, float]] = set()  # a word counts once per part of an entry
            for words, loose, weight in fields:
                for w in words:
                    if w.filler:
                        continue
                    for key in _index_keys(w, loose):
                        if (key, weight) not in seen:
                            seen.add((key, weight))
                            postings[key][number] = postings[key].get(number, 0.0) + weight
            for words, loose in [(question, False), *keywords]:
                for first, second in zip(words, words[1:], strict=False):
                    for a in _index_keys(first, loose):
                        for b in _index_keys(second, loose):
                            pairs[f"{a}|{b}"].add(number)
        total = max(len(self.entries), 1)
        idf = {key: math.log(1 + total / len(found)) for key, found in postings.items()}
        for key in [k for k in idf if k.startswith(("a:", "l:"))]:
            # A word is as rare as its folded form: accents decide what matches, not how much
            # a match is worth, so scores typed with or without accents stay alike.
            idf[key] = idf[f"f:{fold(key[2:])}"]
        object.__setattr__(self, "_postings", dict(postings))
        object.__setattr__(self, "_pairs", {key: frozenset(v) for key, v in pairs.items()})
        object.__setattr__(self, "_idf", idf)
        object.__setattr__(self, "_folded", tuple(k[2:] for k in postings if k.startswith("f:")))
        index = []
        for entry, (question, keywords) in zip(self.entries, parsed, strict=True):
            topic = tuple(
                (frozenset(_index_keys(w, False)), idf[f"f:{w.folded}"])
                for w in question
                if not w.filler
            )
            index.append(
                _Entry(
                    entry=entry,
                    question=topic,
                    question_weight=sum(weight for _keys, weight in topic) or 1.0,
                    keywords=tuple(
                        (
                            tuple(frozenset(_index_keys(w, loose)) for w in words if not w.filler),
                            sum(idf[f"f:{w.folded}"] for w in words if not w.filler),
                        )
                        for words, loose in keywords
                        if any(not w.filler for w in words)
                    ),
                )
            )
        object.__setattr__(self, "_index", tuple(index))

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, entry_id: str) -> HandbookEntry | None:
        """The entry with this id, or None."""
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    def _probe(self, word: Word) -> _Probe | None:
        """What a query word matches: as typed, folded, or as the indexed word one typo away."""
        filler = word.filler
        if word.accented is not None:
            exact = f"a:{word.accented}"
            if exact in self._idf or filler:
                return _Probe((exact, f"l:{word.folded}"), self._idf.get(exact, 0.0), filler)
        discount = 1.0 if word.accented is None else UNKNOWN_ACCENT_DISCOUNT
        folded = f"f:{word.folded}"
        if folded in self._idf or filler:
            return _Probe((folded,), self._idf.get(folded, 0.0) * discount, filler)
        close = self._close(word.folded)
        if close is None:
            return None
        return _Probe((f"f:{close}",), self._idf[f"f:{close}"] * TYPO_DISCOUNT, filler)

    def _close(self, folded: str) -> str | None:
        if len(folded) < 4 or folded.isdigit():
            return None
        close = get_close_matches(folded, self._folded, n=1, cutoff=0.8)
        return close[0] if close else None

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best entries for a free-text question, best first (empty when nothing fits)."""
        sequence = [self._probe(w) for w in tokens(query)]
        topic = list({p.keys: p for p in sequence if p is not None and not p.filler}.values())
        if not topic:
            return []
        points: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for probe in topic:
            found: dict[int, float] = defaultdict(float)
            for key in probe.keys:
                discount = LOOSE_DISCOUNT if key.startswith("l:") else 1.0
                for number, value in self._postings.get(key, {}).items():
                    found[number] += value * discount
            for number, value in found.items():
                points[number] += value * probe.weight
                matched[number] += 1
        if not points:
            return []
        for number, bonus in self._runs(sequence).items():
            if number in points:
                points[number] += bonus
        typed = frozenset(key for probe in sequence if probe is not None for key in probe.keys)
        hits: list[Hit] = []
        for number, value in points.items():
            item = self._index[number]
            whole = max(
                (_typed_whole(keys, weight, typed, topic) for keys, weight in item.keywords),
                default=0.0,
            )
            covered = sum(weight for keys, weight in item.question if typed & keys)
            score = (value + KEYWORD_BONUS * whole) * (0.5 + 0.5 * matched[number] / len(topic))
            score *= 1 + FOCUS * covered / item.question_weight
            hits.append(Hit(item.entry, round(score, 3)))
        hits.sort(key=lambda hit: -hit.score)
        floor = max(MIN_SCORE, hits[0].score * MIN_SHARE_OF_BEST)
        return [hit for hit in hits if hit.score >= floor][:limit]

    def _runs(self, sequence: Sequence[_Probe | None]) -> dict[int, float]:
        """The bonus of each entry for the runs of query words that stand together in its
        question or a keyword, filler words included, when a run holds a topic word."""
        steps: dict[int, list[int]] = defaultdict(list)
        for position, (first, second) in enumerate(zip(sequence, sequence[1:], strict=False)):
            if first is None or second is None:
                continue
            found: set[int] = set()
            for a in first.keys:
                for b in second.keys:
                    found.update(self._pairs.get(f"{a}|{b}", ()))
            for number in found:
                steps[number].append(position)
        bonus: dict[int, float] = {}
        for number, positions in steps.items():
            bonus[number] = sum(self._run_value(sequence, run) for run in _consecutive(positions))
        return bonus

    @staticmethod
    def _run_value(sequence: Sequence[_Probe | None], run: Sequence[int]) -> float:
        words = [p for p in sequence[run[0] : run[-1] + 2] if p is not None]
        weights = [p.weight for p in words if not p.filler]
        if not weights:
            return 0.0
        steps = sum(
            FILLER_STEP if words[i].filler and words[i + 1].filler else 1.0
            for i in range(len(words) - 1)
        )
        return RUN_BONUS * steps * sum(weights) / len(weights)


def _typed_whole(
    keys: Sequence[frozenset[str]], weight: float, typed: frozenset[str], topic: Sequence[_Probe]
) -> float:
    """The bonus of a keyword typed whole (none when a word of it is missing); twice that when
    it is all the query is about ("bị lừa" typed as "tôi bị lừa")."""
    if not all(typed & k for k in keys):
        return 0.0
    alone = all(any(k.intersection(probe.keys) for k in keys) for probe in topic)
    return weight * (2.0 if alone else 1.0)


def _consecutive(positions: Iterable[int]) -> list[list[int]]:
    """Sorted positions grouped into runs of consecutive numbers."""
    runs: list[list[int]] = []
    for position in sorted(positions):
        if runs and runs[-1][-1] == position - 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return runs
