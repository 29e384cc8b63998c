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
   the run) earn a bonus for each step of the run, twice as much for "X là gì" where the entry
   asks just that; a keyword typed whole earns one; and an entry whose question the query covers
   more of (its topic, not a side remark) is preferred.
5. The score is scaled by the share of query words found, so a focused entry beats a long one
   that happens to mention one word.

Everything is looked up by key ("a:lừa" as written, "f:lua" folded, "l:lua" from a keyword
written without accents), so a search only touches the entries its words are in.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from difflib import get_close_matches

from bot.handbook_words import Word, terms, tokens
from bot.text import fold
from lessons.models import HandbookEntry

__all__ = ["Handbook", "Hit", "Word", "terms", "tokens"]

# How much a query word is worth in each part of an entry.
KEYWORD_WEIGHT = 3.0
QUESTION_WEIGHT = 2.0
ANSWER_WEIGHT = 0.5
# Each step of a run of words typed as they stand in a question or keyword.
RUN_BONUS = 1.5
# A step between two filler words inside such a run ("là gì" after "otp") counts this much.
FILLER_STEP = 0.5
# A run that asks what something is ("otp là gì") and stands so in an entry: the entry that
# defines it.
DEFINITION = 2.0
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
CLEAR_LEAD = 1.15


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
    # This score over the next hit's, when there is one.
    lead: float = math.inf

    @property
    def confident(self) -> bool:
        """Sure enough to answer text that was not asked as a handbook question: a high score,
        clearly ahead of the next entry (one common word, "học", fits many entries alike)."""
        return self.score >= CONFIDENT_SCORE and self.lead >= CLEAR_LEAD


@dataclass(frozen=True)
class _Probe:
    """One query word: the keys it matches, how much it is worth, and whether it is filler."""

    keys: tuple[str, ...]
    weight: float
    filler: bool
    # As typed: "là" asks what something is.
    text: str = ""


@dataclass(frozen=True)
class _Keyword:
    """A keyword of an entry: the keys of each of its topic words, and their IDF together."""

    entry: int
    words: tuple[frozenset[str], ...]
    weight: float


@dataclass
class _Index:
    """Everything looked up by key, so a search touches only the entries its words are in."""

    # key -> {entry number: points for the parts of the entry the word is in}
    postings: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    # "key|key" of two neighbouring words of a question or keyword -> entry numbers
    pairs: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # key -> (entry number, question word number, IDF) of the topic words of the questions
    question_words: dict[str, list[tuple[int, int, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    question_weights: list[float] = field(default_factory=list)
    keywords: list[_Keyword] = field(default_factory=list)
    # key -> numbers of the keywords with a word of that key
    keyword_words: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    idf: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Sequence[HandbookEntry]) -> _Index:
        index = cls()
        parsed = [index._add(number, entry) for number, entry in enumerate(entries)]
        total = max(len(entries), 1)
        idf = {key: math.log(1 + total / len(found)) for key, found in index.postings.items()}
        for key in [k for k in idf if not k.startswith("f:")]:
            # A word is as rare as its folded form: accents decide what matches, not how much
            # a match is worth, so scores typed with or without accents stay alike.
            idf[key] = idf[f"f:{fold(key[2:])}"]
        index.idf = idf
        slot = 0
        for number, (question, keywords) in enumerate(parsed):
            topic = [w for w in question if not w.filler]
            for w in topic:
                for key in _index_keys(w, loose=False):
                    index.question_words[key].append((number, slot, idf[f"f:{w.folded}"]))
                slot += 1
            index.question_weights.append(sum(idf[f"f:{w.folded}"] for w in topic) or 1.0)
            for words, loose in keywords:
                topic = [w for w in words if not w.filler]
                if not topic:
                    continue
                keys = tuple(frozenset(_index_keys(w, loose)) for w in topic)
                weight = sum(idf[f"f:{w.folded}"] for w in topic)
                for key in frozenset().union(*keys):
                    index.keyword_words[key].add(len(index.keywords))
                index.keywords.append(_Keyword(number, keys, weight))
        return index

    def _add(
        self, number: int, entry: HandbookEntry
    ) -> tuple[list[Word], list[tuple[list[Word], bool]]]:
        """Post one entry's words and neighbouring pairs; its question and keywords, read."""
        question = tokens(entry.question)
        keywords = []
        for keyword in entry.keywords:
            read = tokens(keyword)
            keywords.append((read, not any(w.accented for w in read)))
        parts: list[tuple[Sequence[Word], bool, float]] = [
            (question, False, QUESTION_WEIGHT),
            (tokens(entry.answer), False, ANSWER_WEIGHT),
            *((words, loose, KEYWORD_WEIGHT) for words, loose in keywords),
        ]
        seen: set[tuple[str, float]] = set()  # a word counts once in each part of an entry
        for part, loose, weight in parts:
            for key in (k for w in part if not w.filler for k in _index_keys(w, loose)):
                if (key, weight) not in seen:
                    seen.add((key, weight))
                    self.postings[key][number] = self.postings[key].get(number, 0.0) + weight
        for words, loose in [(question, False), *keywords]:
            for first, second in zip(words, words[1:], strict=False):
                for a in _index_keys(first, loose):
                    for b in _index_keys(second, loose):
                        self.pairs[f"{a}|{b}"].add(number)
        return question, keywords


@dataclass(frozen=True)
class Handbook:
    """The handbook entries with a search index built once, when the content loads."""

    entries: tuple[HandbookEntry, ...] = ()
    _index: _Index = field(init=False, repr=False, compare=False)
    _folded: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = _Index.build(self.entries)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_folded", tuple(k[2:] for k in index.idf if k[:2] == "f:"))

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, entry_id: str) -> HandbookEntry | None:
        """The entry with this id, or None."""
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    def _probe(self, word: Word) -> _Probe | None:
        """What a query word matches: as typed, folded, or as the indexed word one typo away."""
        idf, filler = self._index.idf, word.filler
        if word.accented is not None:
            exact = f"a:{word.accented}"
            if exact in idf or filler:
                weight = idf.get(exact, 0.0)
                return _Probe((exact, f"l:{word.folded}"), weight, filler, word.accented)
        # Typed without accents, or with accents the handbook does not know: fold.
        discount = 1.0 if word.accented is None else UNKNOWN_ACCENT_DISCOUNT
        filler = filler or Word(word.folded).filler
        folded = f"f:{word.folded}"
        if folded in idf or filler:
            return _Probe((folded,), idf.get(folded, 0.0) * discount, filler, word.folded)
        close = self._close(word.folded)
        if close is None:
            return None
        return _Probe((f"f:{close}",), idf[f"f:{close}"] * TYPO_DISCOUNT, filler, close)

    def _close(self, folded: str) -> str | None:
        if len(folded) < 4 or folded.isdigit():
            return None
        close = get_close_matches(folded, self._folded, n=1, cutoff=0.8)
        return close[0] if close else None

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best entries for a free-text question, best first (empty when nothing fits)."""
        sequence = [self._probe(w) for w in tokens(query)]
        topic = list({p.keys: p for p in sequence if p is not None and not p.filler}.values())
        points, matched = self._points(topic)
        if not points:
            return []
        for number, bonus in self._runs(sequence).items():
            if number in points:
                points[number] += bonus
        typed = frozenset(key for probe in sequence if probe is not None for key in probe.keys)
        whole = self._whole_keywords(typed, topic, points)
        covered = self._covered(typed)
        hits: list[Hit] = []
        for number, value in points.items():
            score = (value + KEYWORD_BONUS * whole.get(number, 0.0)) * (
                0.5 + 0.5 * matched[number] / len(topic)
            )
            score *= 1 + FOCUS * covered.get(number, 0.0) / self._index.question_weights[number]
            hits.append(Hit(self.entries[number], round(score, 3)))
        hits.sort(key=lambda hit: -hit.score)
        floor = max(MIN_SCORE, hits[0].score * MIN_SHARE_OF_BEST)
        found = [hit for hit in hits if hit.score >= floor][:limit]
        if found and len(hits) > 1:
            found[0] = replace(found[0], lead=found[0].score / max(hits[1].score, 1e-9))
        return found

    def _points(self, topic: Sequence[_Probe]) -> tuple[dict[int, float], dict[int, int]]:
        """Each entry's points for the topic words found in it, and how many were found."""
        points: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for probe in topic:
            found: dict[int, float] = defaultdict(float)
            for key in probe.keys:
                discount = LOOSE_DISCOUNT if key[:2] == "l:" else 1.0
                for number, value in self._index.postings.get(key, {}).items():
                    found[number] += value * discount
            for number, value in found.items():
                points[number] += value * probe.weight
                matched[number] += 1
        return points, matched

    def _whole_keywords(
        self, typed: frozenset[str], topic: Sequence[_Probe], points: dict[int, float]
    ) -> dict[int, float]:
        """Each entry's best keyword typed whole: its IDF, twice that when it is all the query
        is about ("bị lừa" typed as "tôi bị lừa")."""
        index, best = self._index, dict[int, float]()
        candidates = set().union(*(index.keyword_words.get(key, ()) for key in typed))
        for keyword in map(index.keywords.__getitem__, candidates):
            if keyword.entry not in points or not all(typed & k for k in keyword.words):
                continue
            alone = all(any(k.intersection(p.keys) for k in keyword.words) for p in topic)
            value = keyword.weight * (2.0 if alone else 1.0)
            best[keyword.entry] = max(best.get(keyword.entry, 0.0), value)
        return best

    def _covered(self, typed: frozenset[str]) -> dict[int, float]:
        """Each entry's IDF of the question words the query holds."""
        covered: dict[int, float] = defaultdict(float)
        seen: set[int] = set()
        for key in typed:
            for number, slot, weight in self._index.question_words.get(key, ()):
                if slot not in seen:
                    seen.add(slot)
                    covered[number] += weight
        return covered

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
                    found.update(self._index.pairs.get(f"{a}|{b}", ()))
            for number in found:
                steps[number].append(position)
        return {
            number: sum(_run_value(sequence, run) for run in _consecutive(positions))
            for number, positions in steps.items()
        }


def _run_value(sequence: Sequence[_Probe | None], run: Sequence[int]) -> float:
    """RUN_BONUS for each step of the run (less between two filler words), times the mean
    weight of its topic words; nothing for a run of filler words alone ("thì làm sao"); twice
    as much when the run reaches the "là" of a query asking what something is."""
    first, last = run[0], run[-1] + 1
    words = [p for p in sequence[first : last + 1] if p is not None]
    weights = [p.weight for p in words if not p.filler]
    if not weights:
        return 0.0
    steps = sum(
        FILLER_STEP if a.filler and b.filler else 1.0
        for a, b in zip(words, words[1:], strict=False)
    )
    value = RUN_BONUS * steps * sum(weights) / len(weights)
    asks = any(_asks_what(sequence, at) for at in range(first + 1, last + 1))
    return value * DEFINITION if asks else value


def _asks_what(sequence: Sequence[_Probe | None], at: int) -> bool:
    """Whether the query word at `at` is the "là" of "X là gì" (or "X là cái gì")."""
    texts = [probe.text if probe else "" for probe in sequence[at : at + 3]]
    return texts[0] == "là" and (texts[1:2] in (["gì"], ["gi"]) or texts[1:] in _CAI_GI)


_CAI_GI = (["cái", "gì"], ["cai", "gi"], ["cái", "gi"], ["cai", "gì"])


def _consecutive(positions: Iterable[int]) -> list[list[int]]:
    """Sorted positions grouped into runs of consecutive numbers."""
    runs: list[list[int]] = []
    for position in sorted(positions):
        if runs and runs[-1][-1] == position - 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return runs
