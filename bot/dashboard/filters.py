"""What an official asked to see, read from a query string and checked against their area.

One reading for the dashboard page, its downloads and chart, and the pull API, so none of them
can let a filter through that another refuses. The area is checked here, on the server, before
any number is computed: a commune official who asks for another commune (or for the province
around theirs) is refused, never shown an empty page.

    commune, province  5-digit / 2-digit codes (the admin-unit data since July 2025)
    group              a target group (`pupils`, `residents`, ...)
    module             a module id of the course (`A` ... `F`)
    from, to           local days, YYYY-MM-DD, both ends included; default: this year to today
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from bot.core.scope import Scope
from bot.core.state import OfficialKind, TargetGroup
from bot.i18n import N_
from bot.places import Places
from bot.reports.model import Filters

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^\d{1,5}$")
# Dates outside these years are typing mistakes; refusing them keeps the weekly trend short.
FIRST_YEAR, LAST_YEAR = 2020, 2100
PARAMETERS = ("province", "commune", "group", "module", "from", "to")

OUT_OF_SCOPE = N_(
    "These numbers are outside your area. You can see only the area you are responsible for."
)
UNKNOWN_PROVINCE = N_("There is no province with this code.")
UNKNOWN_COMMUNE = N_("There is no commune with this code.")
COMMUNE_ELSEWHERE = N_("This commune is not in the chosen province.")
UNKNOWN_GROUP = N_("There is no such target group.")
UNKNOWN_MODULE = N_("There is no such module.")
BAD_DATE = N_("Dates are written as year-month-day, e.g. 2026-01-31, between 2020 and 2100.")
BACKWARDS = N_("The start date is after the end date.")


class FilterProblem(Exception):  # noqa: N818 - a refusal to report, not a program error
    """A filter that is refused: `status` 400 (malformed) or 403 (outside the area), `code`
    for programs (the API's `error`), `message` an interface string to translate."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Asked:
    """The checked filters, and what the form shows back."""

    filters: Filters
    start: date
    end: date


def _text(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name, "").strip()
    return value or None  # an empty select ("all") is no filter


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    if not _DAY.match(value):
        raise FilterProblem(400, f"bad_{name}", BAD_DATE)
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise FilterProblem(400, f"bad_{name}", BAD_DATE) from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise FilterProblem(400, f"bad_{name}", BAD_DATE)
    return day


def _area(query: Mapping[str, str], places: Places) -> tuple[str | None, str | None]:
    """(province, commune) as asked, both known and consistent."""
    province, commune = _text(query, "province"), _text(query, "commune")
    if commune is not None:
        # Excel and people drop leading zeros: 4 is 00004.
        found = places.commune(commune.zfill(5)) if _CODE.match(commune) else None
        if found is None:
            raise FilterProblem(400, "unknown_commune", UNKNOWN_COMMUNE)
        if province is not None and province.zfill(2) != found.province_code:
            raise FilterProblem(400, "commune_not_in_province", COMMUNE_ELSEWHERE)
        return found.province_code, found.code
    if province is not None:
        known = places.province(province.zfill(2)) if _CODE.match(province) else None
        if known is None:
            raise FilterProblem(400, "unknown_province", UNKNOWN_PROVINCE)
        return known.code, None
    return None, None


def read_filters(
    query: Mapping[str, str],
    scope: Scope,
    *,
    places: Places,
    modules: Collection[str],
    today: date,
) -> Asked:
    """The filters `query` asks for, within `scope`'s area.

    Nothing asked means the whole area: a commune official's commune, a province official's
    province, everything for an administrator.

    Raises:
        FilterProblem: 400 for a malformed or unknown value, 403 for an area outside the scope.
    """
    province, commune = _area(query, places)
    if province is None and commune is None:
        province, commune = scope.province, scope.commune
    if not scope.allows(province, commune):
        raise FilterProblem(403, "out_of_scope", OUT_OF_SCOPE)
    group = _text(query, "group")
    if group is not None and group not in set(TargetGroup):
        raise FilterProblem(400, "unknown_group", UNKNOWN_GROUP)
    module = _text(query, "module")
    if module is not None and module not in modules:
        raise FilterProblem(400, "unknown_module", UNKNOWN_MODULE)
    start = _day(_text(query, "from"), "from") or date(today.year, 1, 1)
    end = _day(_text(query, "to"), "to") or today
    if start > end:
        raise FilterProblem(400, "bad_period", BACKWARDS)
    filters = Filters(
        province=province, commune=commune, group=group, module=module, start=start, end=end
    )
    return Asked(filters, start, end)


def query_of(filters: Filters) -> dict[str, str]:
    """The query string that asks for `filters` again (links to the chart and downloads)."""
    pairs = {
        "province": filters.province,
        "commune": filters.commune,
        "group": filters.group,
        "module": filters.module,
        "from": filters.start.isoformat() if filters.start else None,
        "to": filters.end.isoformat() if filters.end else None,
    }
    return {name: value for name, value in pairs.items() if value is not None}


def is_commune_official(scope: Scope) -> bool:
    """Whether the scope is a single commune's (the pages leave out the area selects)."""
    return scope.kind is OfficialKind.COMMUNE


__all__ = [
    "PARAMETERS",
    "Asked",
    "FilterProblem",
    "is_commune_official",
    "query_of",
    "read_filters",
]
