"""Reading a targets CSV: pure, so every problem can be reported before anything is stored.

    year,commune_code,target_group,population,target_percent
    2026,00004,residents,12500,100

What officials' spreadsheets really hold is accepted: a UTF-8 byte-order mark, semicolons (Excel
in a Vietnamese locale writes them), columns in any order and extra columns (ignored), commune
codes whose leading zeros Excel dropped, groups by their code or their Vietnamese or English name
with or without accents, "80" or "80%" or "80,5", populations with thousands separators
("12.500"). Anything else is a problem with its line number; a file with any problem yields no
rows at all, so the caller imports all of it or nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.profile_menus import GROUP_LABELS
from bot.core.state import TargetGroup
from bot.i18n import translator
from bot.places import Places
from bot.text import words

HEADER = ("year", "commune_code", "target_group", "population", "target_percent")
MIN_YEAR, MAX_YEAR = 2025, 2035
# More is a mistake, not a commune (the largest wards have a few hundred thousand people).
MAX_POPULATION = 10_000_000
# A file with more problems than this is not worth reading line by line.
MAX_PROBLEMS = 200

# ASCII digits only: `str.isdigit` and `\d` also take "²" and other scripts' digits.
_DIGITS = re.compile(r"[0-9]+")
_POPULATION = re.compile(r"[0-9]+|[0-9]{1,3}(?:([., ])[0-9]{3})(?:\1[0-9]{3})*")
_PERCENT = re.compile(r"([0-9]{1,3})(?:[.,]([0-9]+))?\s*%?")


@dataclass(frozen=True)
class TargetLine:
    """One row of the file, checked: the commune's province derived from the admin-unit data."""

    line: int
    year: int
    province_code: str
    commune_code: str
    group: TargetGroup
    population: int
    target_percent: float


@dataclass(frozen=True)
class ParsedTargets:
    """The rows of a file, or (when `problems` is not empty) none: `FILE:LINE: message` each."""

    lines: tuple[TargetLine, ...]
    problems: tuple[str, ...]


def _key(text: str) -> str:
    return " ".join(words(text))


def _group_names() -> dict[str, TargetGroup]:
    names: dict[str, TargetGroup] = {}
    vietnamese = translator("vi")
    for group, label in GROUP_LABELS.items():
        for name in (group.value, label, vietnamese.gettext(label)):
            names[_key(name)] = group
    # The short names officials write in a spreadsheet column.
    short = {
        TargetGroup.PUPILS: ("học sinh", "sinh viên", "học sinh sinh viên", "pupils students"),
        TargetGroup.RESIDENTS: ("người dân", "dân cư", "người trưởng thành", "adults"),
        TargetGroup.PUBLIC_SERVANTS: (
            "cán bộ",
            "công chức",
            "viên chức",
            "cán bộ công chức",
            "cbccvc",
            "khu vực công",
            "public sector",
        ),
        TargetGroup.ENTERPRISE_WORKERS: (
            "người lao động",
            "doanh nghiệp",
            "hợp tác xã",
            "lao động doanh nghiệp",
            "workers",
        ),
    }
    for group, aliases in short.items():
        for alias in aliases:
            names[_key(alias)] = group
    return names


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") > first.count(",") else ","


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(first line of the record, its fields or None, why not) for each record."""
    lines = iter(text.splitlines(keepends=True))
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, f"cannot read this line as CSV ({exc})"
            start = reader.line_num + 1
            continue
        yield start, fields, ""
        start = reader.line_num + 1


class _Reader:
    def __init__(self, source: str, places: Places) -> None:
        self.source = source
        self.places = places
        self.groups = _group_names()
        self.problems: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.source}:{line}: {message}")

    def year(self, line: int, raw: str) -> int | None:
        if not _DIGITS.fullmatch(raw) or not MIN_YEAR <= int(raw) <= MAX_YEAR:
            self.problem(line, f"year {raw!r}: give a year from {MIN_YEAR} to {MAX_YEAR}")
            return None
        return int(raw)

    def commune(self, line: int, raw: str) -> tuple[str, str] | None:
        # Excel turns 00004 into 4: the leading zeros are put back.
        if not _DIGITS.fullmatch(raw) or len(raw) > 5:
            self.problem(
                line, f"commune_code {raw!r}: give the commune's 5-digit code, e.g. 00004"
            )
            return None
        found = self.places.commune(f"{int(raw):05d}")
        if found is None:
            self.problem(
                line,
                f"commune_code {raw!r}: no commune or ward has this code in the admin-unit data "
                f"(version {self.places.version})",
            )
            return None
        return found.province_code, found.code

    def group(self, line: int, raw: str) -> TargetGroup | None:
        found = self.groups.get(_key(raw))
        if found is None:
            choices = ", ".join(group.value for group in TargetGroup)
            self.problem(line, f"target_group {raw!r}: give one of {choices} (or its name)")
        return found

    def population(self, line: int, raw: str) -> int | None:
        text = raw.replace("\u00a0", " ")
        if _POPULATION.fullmatch(text):
            number = int(re.sub(r"\D", "", text))
            if 0 < number <= MAX_POPULATION:
                return number
        self.problem(
            line,
            f"population {raw!r}: give the number of people as a whole number from 1 to "
            f"{MAX_POPULATION:,}",
        )
        return None

    def percent(self, line: int, raw: str) -> float | None:
        found = _PERCENT.fullmatch(raw)
        if found is not None:
            value = float(f"{found.group(1)}.{found.group(2) or 0}")
            if value <= 100:
                return value
        self.problem(line, f"target_percent {raw!r}: give a percentage from 0 to 100, e.g. 80")
        return None


def _columns(reader: _Reader, line: int, header: list[str]) -> dict[str, int] | None:
    names = [_key(name).replace(" ", "_") for name in header]
    missing = [name for name in HEADER if name not in names]
    if missing:
        reader.problem(
            line,
            f"the first line must name the columns {','.join(HEADER)}; "
            f"missing: {', '.join(missing)}",
        )
        return None
    repeated = sorted({name for name in names if name in HEADER and names.count(name) > 1})
    if repeated:
        reader.problem(line, f"column named twice: {', '.join(repeated)}")
        return None
    return {name: names.index(name) for name in HEADER}


def parse_targets(text: str, source: str, places: Places) -> ParsedTargets:
    """The rows of a targets CSV (`text`, read as UTF-8), checked against `places`; `source`
    names the file in the problems."""
    text = text.removeprefix("\ufeff")
    reader = _Reader(source, places)
    columns: dict[str, int] | None = None
    lines: list[TargetLine] = []
    seen: dict[tuple[int, str, TargetGroup], int] = {}
    header_seen = False
    width = 0
    for line, fields, why in _records(text, _delimiter(text)):
        if len(reader.problems) >= MAX_PROBLEMS:
            reader.problem(line, "too many problems; stopped reading here")
            break
        if fields is None:
            reader.problem(line, why)
            continue
        cells = [field.strip() for field in fields]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            columns = _columns(reader, line, cells)
            width = len(cells)
            if columns is None:
                break
            continue
        assert columns is not None
        if len(cells) < width:
            reader.problem(
                line,
                f"{len(cells)} column(s) where the first line names {width}; "
                "check for a missing value or a comma inside a value (put such a value in quotes)",
            )
            continue
        row = _row(reader, line, cells, columns)
        if row is None:
            continue
        key = (row.year, row.commune_code, row.group)
        if key in seen:
            reader.problem(
                line,
                f"{row.year}, commune {row.commune_code}, {row.group.value} is already on "
                f"line {seen[key]}; give each commune, group and year once",
            )
            continue
        seen[key] = line
        lines.append(row)
    if not header_seen:
        reader.problem(1, f"the file is empty; the first line must be {','.join(HEADER)}")
    elif columns is not None and not lines and not reader.problems:
        reader.problem(1, "the file has a header but no rows")
    if reader.problems:
        return ParsedTargets((), tuple(reader.problems))
    return ParsedTargets(tuple(lines), ())


def _row(
    reader: _Reader, line: int, cells: list[str], columns: dict[str, int]
) -> TargetLine | None:
    year = reader.year(line, cells[columns["year"]])
    place = reader.commune(line, cells[columns["commune_code"]])
    group = reader.group(line, cells[columns["target_group"]])
    population = reader.population(line, cells[columns["population"]])
    percent = reader.percent(line, cells[columns["target_percent"]])
    if year is None or place is None or group is None or population is None or percent is None:
        return None
    return TargetLine(line, year, place[0], place[1], group, population, percent)


__all__ = ["HEADER", "MAX_YEAR", "MIN_YEAR", "ParsedTargets", "TargetLine", "parse_targets"]
