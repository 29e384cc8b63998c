"""The place index the core searches: provinces and communes, found by typed names.

Pure: built from plain records (`bot.places.data.load_places()` reads the package data), so
the core can search without loading anything itself. Every name's match keys are computed
once, when the index is built; a search folds only the typed text.

How a text is read (`Places.search`):
- "không biết", "bỏ qua"... : unknown, nothing searched.
- A province alone, by its name, an abbreviation ("hn", "tp hcm", "tt huế") or a former
  province merged into it in 2025 ("Quảng Nam" -> Đà Nẵng): that province, no communes. A
  former province that is also a commune's name ("Long An", "Bình Dương") is read as the
  commune, and so is any province name that a commune of the province searched bears ("Lào
  Cai" inside Lào Cai), unless "tỉnh" comes first.
- Otherwise commune names, with or without a leading unit word ("xã", "p.", "huyện"...), with
  a province before or after ("Tân Phú, Đồng Nai"), an old district in between being skipped.
  Each reading is matched and the one with the best match wins (the first on a tie).
- Ranking: the exact name with the typed accents; the name folded; a name starting with the
  typed words; a name with them further on; then, only when no name has the words whole, a name
  starting with the text cut short ("tan ph"), a word starting with it, the text anywhere (3
  letters or more). Within a tier, names with the typed accents and of the typed kind
  ("xã"/"phường") first, then by province code and name.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.places.aliases import (
    ABBREVIATIONS,
    DISTRICT_WORDS,
    FORMER,
    PROVINCE_WORDS,
    UNKNOWN,
)
from bot.places.query import Parsed, Words, name_keys, parse, strip_lead


@dataclass(frozen=True)
class Province:
    """A province or centrally run city: two-digit code, official and short name."""

    code: str  # "01"
    name: str  # "Thành phố Hà Nội"
    short_name: str  # "Hà Nội"


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone: five-digit code, official name, its province."""

    code: str  # "00004"
    name: str  # "Phường Ba Đình"
    province_code: str  # "01"


@dataclass(frozen=True)
class PlaceSearch:
    """What a typed name found.

    Attributes:
        communes: the best matching communes, best first, at most the limit asked for.
        total: how many communes matched in all (more than shown: ask for more words).
        province: the province the text named, alone or beside a commune name; else the
            province the search was restricted to.
        named: whether the text itself named `province` (not only the restriction).
        exact: how many communes bear exactly the name typed (with its accents, when typed
            with accents); they come first, and may be more than shown. 1: one clear answer.
        unknown: the learner said they do not know ("không biết", "bỏ qua").
    """

    communes: tuple[Commune, ...] = ()
    total: int = 0
    province: Province | None = None
    named: bool = False
    exact: int = 0
    unknown: bool = False


@dataclass(frozen=True)
class _Alias:
    code: str
    strong: bool  # a current name or abbreviation, not a former province
    exact: str | None  # the accented key, when known: "Thạnh Hóa" typed is not "Thanh Hóa"


_KIND = re.compile(r"^(xã|phường|đặc khu|thị trấn)\s+", re.IGNORECASE)
_KIND_KEY = {"xã": "xa", "phường": "phuong", "đặc khu": "dac khu", "thị trấn": "thi tran"}
_SPLIT_WORDS = DISTRICT_WORDS | PROVINCE_WORDS
# (tier, accents differ, kind differs, row): smaller is better; row order is province, name.
_Key = tuple[int, int, int, int]
_Reading = tuple[Words, str | None, bool]
_MANY = 150
_WHOLE_WORDS = 3  # tiers up to this one match whole words


class Places:
    """Provinces and communes with a forgiving name search."""

    def __init__(
        self, provinces: tuple[Province, ...], communes: tuple[Commune, ...], version: str
    ) -> None:
        self.version = version
        self.provinces = provinces
        self.communes = communes
        self._province = {p.code: p for p in provinces}
        self._commune = {c.code: c for c in communes}
        rows = [(c, *_commune_keys(c.name)) for c in communes]
        rows.sort(key=lambda row: (row[0].province_code, row[3], row[0].code))
        self._rows = tuple(row[0] for row in rows)
        self._kinds = tuple(row[1] for row in rows)
        self._exact = tuple(row[2] for row in rows)
        self._folded = tuple(row[3] for row in rows)
        self._padded = tuple(f" {row[3]} " for row in rows)
        # All folded names in one string, to find a text in them with one `str.find` per hit.
        self._joined = "\n".join(self._folded)
        self._starts = list(itertools.accumulate((len(n) + 1 for n in self._folded), initial=0))
        self._in: dict[str, list[int]] = {}
        self._named: dict[str, list[int]] = {}
        for index, commune in enumerate(self._rows):
            self._in.setdefault(commune.province_code, []).append(index)
            self._named.setdefault(self._folded[index], []).append(index)
        self._aliases = _aliases(provinces)
        self._longest_alias = max((key.count(" ") + 1 for key in self._aliases), default=0)

    @classmethod
    def empty(cls) -> Places:
        """No places at all (tests of flows that never ask for one)."""
        return cls((), (), "")

    def __len__(self) -> int:
        return len(self.communes)

    def province(self, code: str | None) -> Province | None:
        """The province with this code, or None."""
        return self._province.get(code or "")

    def commune(self, code: str | None) -> Commune | None:
        """The commune with this code, or None."""
        return self._commune.get(code or "")

    def search(self, text: str, *, province: str | None = None, limit: int = 5) -> PlaceSearch:
        """Communes (and a province) named by `text`, typed with or without accents.

        Args:
            text: what the learner typed.
            province: search only this province's communes (unless the text names another).
            limit: how many communes to return at most (`total` counts them all).
        """
        scope = self.province(province)
        parsed = parse(text)
        if not len(parsed.words):
            return PlaceSearch(province=scope)
        if parsed.words.folded_key in UNKNOWN:
            return PlaceSearch(province=scope, unknown=True)
        named = self._named_province(parsed, scope)
        if named is not None:
            return PlaceSearch(province=named, named=True)
        found: list[_Key] = []
        reading: _Reading = (parsed.body, scope.code if scope else None, False)
        for candidate in self._readings(parsed, scope):
            matches = self._match(candidate[0], candidate[1], parsed.kind)
            if matches and (not found or min(matches)[:2] < min(found)[:2]):
                found, reading = matches, candidate
                if min(found)[:2] == (_exact_tier(candidate[0]), 0):
                    break  # the exact name: no later reading can do better
        if not found:
            # Nothing by that name: a province the text named is still worth keeping.
            split = next((code for _w, code in self._splits(parsed.body)), None)
            return PlaceSearch(province=self.province(split) or scope, named=split is not None)
        words, code, named_here = reading
        exact_tier = _exact_tier(words)
        return PlaceSearch(
            communes=tuple(self._rows[key[3]] for key in heapq.nsmallest(max(limit, 0), found)),
            total=len(found),
            province=self.province(code),
            named=named_here,
            exact=sum(1 for key in found if key[0] == exact_tier),
        )

    def _named_province(self, parsed: Parsed, scope: Province | None) -> Province | None:
        """The province the whole text names, if it names nothing else."""
        if parsed.lead_kind in ("commune", "district") and parsed.sure:
            return None
        candidates = [(parsed.words, False)]
        if parsed.lead_kind == "province":
            candidates.append((parsed.body, True))
        for words, said_province in candidates:
            alias = self._alias(words)
            if alias is None:
                continue
            # A commune of that name wins over a former province, and over any province name
            # when the search is inside one ("Lào Cai" typed while in Lào Cai province).
            rivals = scope is not None or not alias.strong
            if said_province or not (rivals and self._has_commune(words, scope)):
                return self._province[alias.code]
            return None
        return None

    def _readings(self, parsed: Parsed, scope: Province | None) -> Iterator[_Reading]:
        """The ways to read the text: (commune words, province code, whether the text named
        that province), likeliest first, each once."""
        seen: set[tuple[str, str | None]] = set()
        for words, code, named in self._all_readings(parsed, scope.code if scope else None):
            if len(words) and (words.exact_key, code) not in seen:
                seen.add((words.exact_key, code))
                yield words, code, named

    def _all_readings(self, parsed: Parsed, here: str | None) -> Iterator[_Reading]:
        if len(parsed.segments) > 1:
            first, last = parsed.segments[0], parsed.segments[-1]
            alias = self._alias(strip_lead(last))
            if alias is not None:
                yield strip_lead(first), alias.code, True
            yield strip_lead(first), here, False
        if parsed.lead_kind and not parsed.sure:
            # A unit word typed without accents may begin a name ("quan chu": Xã Quân Chu, not
            # "quận Chu"): the whole text first, so its exact name wins a tie with the rest's.
            yield parsed.words, here, False
        yield parsed.body, here, False
        for words, code in self._splits(parsed.body):
            yield words, code, True
            cut = words.cut(_SPLIT_WORDS)
            if cut is not None:
                yield cut, code, True
        cut = parsed.body.cut(_SPLIT_WORDS)
        if cut is not None:
            yield cut, here, False

    def _splits(self, body: Words) -> Iterator[tuple[Words, str]]:
        """A province named after the commune ("Tân Phú Đồng Nai"), then one before it."""
        for size in range(min(self._longest_alias, len(body) - 1), 0, -1):
            alias = self._alias(body[-size:])
            if alias is not None:
                yield strip_lead(body[:-size].trail(_SPLIT_WORDS)), alias.code
                break
        for size in range(min(self._longest_alias, len(body) - 1), 0, -1):
            alias = self._alias(body[:size])
            if alias is not None:
                yield strip_lead(body[size:]), alias.code
                break

    def _alias(self, words: Words) -> _Alias | None:
        alias = self._aliases.get(words.folded_key)
        if alias is None or not words.accented or alias.exact is None:
            return alias
        # Typed with accents, the accents must be the province's: "Thạnh Hóa" is a commune.
        return alias if words.exact_key == alias.exact else None

    def _has_commune(self, words: Words, scope: Province | None) -> bool:
        """Whether a commune is named so (in `scope`; with the accents, if typed with them)."""
        rows = self._named.get(words.folded_key, [])
        accented = words.exact_key if words.accented else None
        return any(
            (scope is None or self._rows[i].province_code == scope.code)
            and (accented is None or self._exact[i] == accented)
            for i in rows
        )

    def _match(self, words: Words, code: str | None, kind: str) -> list[_Key]:
        """Every commune the words match, as sort keys."""
        query = words.folded_key
        accented = words.exact_key if words.accented else None
        letters = any(ch.isalpha() for ch in query)
        folded, exact, kinds = self._folded, self._exact, self._kinds
        if code is not None:
            rows: Sequence[int] = [i for i in self._in.get(code, ()) if query in folded[i]]
        elif len(query) < 3 or self._joined.count(query) > _MANY:
            # In many names ("t", "hoa"): testing each name is quicker than one find per hit.
            rows = [i for i, name in enumerate(folded) if query in name]
        else:
            rows = self._rows_containing(query)
        found: list[_Key] = []
        whole, start = f" {query} ", f" {query}"
        for i in rows:
            name, padded = folded[i], self._padded[i]
            if name == query:
                tier = 0 if accented is not None and exact[i] == accented else 1
            elif not letters:
                continue  # "quận 1": a number alone matches only a whole name
            elif padded.startswith(whole):
                tier = 2  # "Tân Phú Đông" for "tân phú"
            elif whole in padded:
                tier = 3  # "Phù Đổng" ... for "dong"
            elif name.startswith(query):
                tier = 4  # typed in part: "tan ph"
            elif start in padded or len(query) >= 3:
                tier = 5
            else:
                continue
            accents = 0 if accented is None or accented in exact[i] else 1
            found.append((tier, accents, int(bool(kind) and kinds[i] != kind), i))
        if found and min(found)[0] <= _WHOLE_WORDS:
            # Whole words found: "Tân Phước" is no answer to "tân phú", only a near miss.
            return [key for key in found if key[0] <= _WHOLE_WORDS]
        return found

    def _rows_containing(self, query: str) -> list[int]:
        """The rows whose folded name contains `query` (no newline in it), in row order."""
        rows: list[int] = []
        find, starts, last = self._joined.find, self._starts, len(self._folded) - 1
        at = find(query)
        while at >= 0:
            row = bisect.bisect_right(starts, at) - 1
            rows.append(row)
            at = find(query, starts[row + 1]) if row < last else -1
        return rows


def _exact_tier(words: Words) -> int:
    """The tier of the name exactly as typed: with its accents (0) if typed with accents."""
    return 0 if words.accented else 1


def _commune_keys(name: str) -> tuple[str, str, str]:
    """A commune's kind ("xa", "phuong", "dac khu") and the exact and folded keys of its name
    without the kind: "Phường Ba Đình" -> ("phuong", "ba đình", "ba dinh")."""
    match = _KIND.match(name)
    kind = _KIND_KEY.get(match.group(1).lower(), "") if match else ""
    bare = name[match.end() :] if match else name
    return (kind, *name_keys(bare))


def _aliases(provinces: Sequence[Province]) -> dict[str, _Alias]:
    """Folded province names, abbreviations and former provinces -> their province."""
    aliases: dict[str, _Alias] = {}
    for province in provinces:
        for name in (province.short_name, province.name):
            exact, folded = name_keys(name)
            aliases.setdefault(folded, _Alias(province.code, True, exact))
    codes = {province.code for province in provinces}
    for table, strong in ((ABBREVIATIONS, True), (FORMER, False)):
        for code, names in table.items():
            for name in names:
                if code in codes:
                    aliases.setdefault(name, _Alias(code, strong, None))
    return aliases
