"""Former commune codes and their successors: learners who named a commune that has since been
merged or renamed are counted under the commune that took it over (issue 12).

The list is a data file beside this module (`successors.csv`); a chain (A → B → C) resolves to
its end, and a successor must exist in the current admin-unit data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.places.index import Places

SUCCESSORS_FILE = Path(__file__).with_name("successors.csv")


class SuccessorError(ValueError):
    """The successor list is broken (the message says which line and what to fix)."""


class Successors:
    """Former commune code → current commune code."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = dict(mapping)

    @classmethod
    def read(cls, places: Places, path: Path = SUCCESSORS_FILE) -> Successors:
        """The list in `path`, checked against `places`.

        Raises:
            SuccessorError: a line is malformed, loops, or names a successor `places` lacks.
        """
        lines = (line for line in path.read_text(encoding="utf-8").splitlines())
        return cls.parse(lines, places, str(path))

    @classmethod
    def parse(cls, lines: Iterable[str], places: Places, source: str = "successors") -> Successors:
        mapping: dict[str, str] = {}
        rows = [line for line in lines if line.strip() and not line.startswith("#")]
        for number, row in enumerate(csv.DictReader(rows), start=2):
            old, new = (row.get("old_code") or "").strip(), (row.get("new_code") or "").strip()
            if not (old.isdigit() and len(old) == 5 and new.isdigit() and len(new) == 5):
                raise SuccessorError(
                    f"{source}: data line {number}: old_code and new_code must be 5-digit codes"
                )
            if places.commune(old) is not None:
                raise SuccessorError(
                    f"{source}: data line {number}: {old} is still a current commune; remove it"
                )
            mapping[old] = new
        successors = cls(mapping)
        for old in mapping:
            final = successors.current(old)
            if places.commune(final) is None:
                raise SuccessorError(
                    f"{source}: {old} leads to {final}, which the admin-unit data "
                    f"({places.version}) does not have"
                )
        return successors

    def current(self, code: str) -> str:
        """The commune that `code` is today (itself when it was never replaced)."""
        seen = {code}
        while code in self._mapping:
            code = self._mapping[code]
            if code in seen:
                raise SuccessorError(f"the successor list loops at commune {code}")
            seen.add(code)
        return code

    def former(self, code: str) -> set[str]:
        """`code` and every former code that now counts as it."""
        return {code} | {old for old in self._mapping if self.current(old) == code}


__all__ = ["SUCCESSORS_FILE", "SuccessorError", "Successors"]
