"""The officials' numbers as data: a summary for an area and period, and the one document every
output is made from (chat, dashboard, CSV, XLSX, the pull API, the push), with small counts
suppressed for whoever reads it.

The document is the contract other systems read (`docs/reporting-api.md`, schema
`hocvuso.summary/1`): one row per commune × target group × module and one per commune × group
with `module` null (all modules), and `totals` over everything the reader may see.

Counters (every one an integer, or "<5" when suppressed):
    enrolled           learners who agreed and named this commune (and group), as of the end
    active_7d          learners with a lesson or quiz in the 7 days ending at the end
    lessons_completed  lessons finished in the period
    quizzes_passed     quizzes passed in the period
    course_completed   learners who finished the course (a module row: that module) in the
                       period
    assisted           lessons finished on an ambassador's phone in the period
    skills_confirmed   real-world skills an ambassador confirmed in the period
    vneid_reported     learners who reported their VNeID certification in the period
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.core.scope import Scope
from bot.core.state import OfficialKind

SCHEMA = "hocvuso.summary/1"
COUNTERS: tuple[str, ...] = (
    "enrolled",
    "active_7d",
    "lessons_completed",
    "quizzes_passed",
    "course_completed",
    "assisted",
    "skills_confirmed",
    "vneid_reported",
)
# Counts of learners below this (but above zero) are shown as "<5" (decision 34).
SUPPRESS_BELOW = 5
SUPPRESSED = "<5"

Shown = int | str


@dataclass(frozen=True)
class Filters:
    """What a summary covers: an area (a province, a commune), a target group, a module and a
    period of local days, both ends included (None: from the first day / until today)."""

    province: str | None = None
    commune: str | None = None
    group: str | None = None
    module: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Target:
    """A row's target: the population (None when no file gave one) and the share to reach."""

    population: int | None
    percent: float | None

    @property
    def goal(self) -> float | None:
        """How many learners reach the target, or None when it cannot be known."""
        if self.population is None or self.percent is None:
            return None
        return self.population * self.percent / 100


@dataclass(frozen=True)
class SummaryRow:
    """One commune × target group × module (module None: all modules) and its counters.

    `group` is None for learners who did not say their group; `commune` None for those who did
    not say their commune (only an administrator sees them). `to_date_completed` is the
    completions from the first day to the end of the period: the percent of target measures
    everyone so far, whatever period the counters cover.
    """

    province: str | None
    commune: str | None
    group: str | None
    module: str | None
    counts: Mapping[str, int]
    target: Target = Target(None, None)
    to_date_completed: int = 0

    @property
    def percent_of_target(self) -> float | None:
        goal = self.target.goal
        if goal is None or goal <= 0:
            return None
        return round(100 * self.to_date_completed / goal, 1)


@dataclass(frozen=True)
class WeekPoint:
    """One week (Monday to Sunday, local) of the trend: what happened in it."""

    week_start: date
    enrolled: int
    lessons_completed: int
    course_completed: int


@dataclass(frozen=True)
class Summary:
    """A summary as computed for a scope: the numbers, not yet suppressed for a reader."""

    generated_at: datetime  # timezone-aware UTC
    admin_data_version: str
    content_version: str
    filters: Filters
    start: date  # the period actually covered (the filters' ends, filled in)
    end: date
    rows: tuple[SummaryRow, ...]
    totals: Mapping[str, int]
    totals_target: Target = Target(None, None)
    totals_to_date_completed: int = 0
    weekly: tuple[WeekPoint, ...] = field(default_factory=tuple)
    # Families that are a "Gia đình số" now, per (province, commune) where they are counted
    # (decision 40): a count at `generated_at`, not over the period.
    digital_families: Mapping[tuple[str, str], int] = field(default_factory=dict)


def reveals(viewer: Scope | None, commune: str | None) -> bool:
    """Whether `viewer` sees this commune's small counts as they are: only the commune's own
    officials do (decision 34). None is a reader with no area of their own (the CLI, the push,
    an export for someone else)."""
    return (
        viewer is not None
        and viewer.kind is OfficialKind.COMMUNE
        and commune is not None
        and viewer.commune == commune
    )


def shown(value: int, revealed: bool) -> Shown:
    """A count as a reader sees it: "<5" for 1–4 unless `revealed`."""
    if not revealed and 0 < value < SUPPRESS_BELOW:
        return SUPPRESSED
    return value


def _counters(counts: Mapping[str, int], revealed: bool) -> dict[str, Shown]:
    return {name: shown(int(counts.get(name, 0)), revealed) for name in COUNTERS}


def _percent(target: Target, completed: int, revealed: bool) -> float | None:
    goal = target.goal
    if goal is None or goal <= 0:
        return None
    if not revealed and 0 < completed < SUPPRESS_BELOW:
        # The percentage would give the suppressed count back: shown only as "under".
        return None
    return round(100 * completed / goal, 1)


def _families(summary: Summary, viewer: Scope | None) -> dict[str, Any]:
    """Digital families now per commune, small counts suppressed like every other count."""
    found = summary.digital_families
    communes = {commune for _province, commune in found}
    revealed = len(communes) == 1 and reveals(viewer, next(iter(communes)))
    return {
        "rows": [
            {
                "province_code": province or None,
                "commune_code": commune or None,
                "count": shown(count, reveals(viewer, commune or None)),
            }
            for (province, commune), count in sorted(found.items())
        ],
        "total": shown(sum(found.values()), revealed),
    }


def document(summary: Summary, viewer: Scope | None) -> dict[str, Any]:
    """The `hocvuso.summary/1` document of `summary` as `viewer` may read it."""
    rows = []
    for row in summary.rows:
        revealed = reveals(viewer, row.commune)
        rows.append(
            {
                "province_code": row.province,
                "commune_code": row.commune,
                "group": row.group,
                "module": row.module,
                **_counters(row.counts, revealed),
                "target_population": row.target.population,
                "target_percent": row.target.percent,
                "percent_of_target": _percent(row.target, row.to_date_completed, revealed),
            }
        )
    communes = {row.commune for row in summary.rows}
    totals_revealed = len(communes) == 1 and reveals(viewer, next(iter(communes)))
    return {
        "schema": SCHEMA,
        "generated_at": summary.generated_at.isoformat().replace("+00:00", "Z"),
        "admin_data_version": summary.admin_data_version,
        "content_version": summary.content_version,
        "period": {"from": summary.start.isoformat(), "to": summary.end.isoformat()},
        "filters": {
            "province": summary.filters.province,
            "commune": summary.filters.commune,
            "group": summary.filters.group,
            "module": summary.filters.module,
        },
        "rows": rows,
        "totals": {
            **_counters(summary.totals, totals_revealed),
            "target_population": summary.totals_target.population,
            "target_percent": summary.totals_target.percent,
            "percent_of_target": _percent(
                summary.totals_target, summary.totals_to_date_completed, totals_revealed
            ),
        },
        "digital_families": _families(summary, viewer),
        "weekly": [
            {
                "week_start": point.week_start.isoformat(),
                "enrolled": shown(point.enrolled, totals_revealed),
                "lessons_completed": shown(point.lessons_completed, totals_revealed),
                "course_completed": shown(point.course_completed, totals_revealed),
            }
            for point in summary.weekly
        ],
    }


__all__ = [
    "COUNTERS",
    "SCHEMA",
    "SUPPRESSED",
    "SUPPRESS_BELOW",
    "Filters",
    "Shown",
    "Summary",
    "SummaryRow",
    "Target",
    "WeekPoint",
    "document",
    "reveals",
    "shown",
]
