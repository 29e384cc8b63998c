"""A summary for an official's scope and filters, from the rollups (`Storage.reports`) and the
targets (imported, or the provincial plan's defaults).

The period is local days in the configured zone, both ends included: by default from the first
of January of the end's year (the targets' year) to today. The counters of each row are:
within the period for the sums; as of the period's end for `enrolled` and `active_7d` (the 7
days ending then); `to_date_completed` (what the percent of target measures) from the first
day of the log to the period's end. A module row counts that module: its `course_completed` is
the learners who finished the module, its `enrolled` the area's learners (who may take it).
Learners whose commune code the admin-unit data no longer has are counted under its successor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.scope import Scope
from bot.core.state import OfficialKind, TargetGroup
from bot.places import Places, Successors
from bot.reports.model import COUNTERS, Filters, Summary, SummaryRow, Target, WeekPoint
from bot.targets import default_target_percent
from storage import Area, Cell, Storage, UnitOfWork

ACTIVE_WINDOW = timedelta(days=7)
# Counted on a lesson's module; summed over the modules for an area's all-modules row.
_SUMMED = ("lessons_completed", "quizzes_passed", "assisted")


class OutOfScope(PermissionError):
    """The filters ask for an area outside the official's scope."""


@dataclass(frozen=True)
class ReportContext:
    """What every summary needs besides the storage: the places, their successors, the zone
    the days are counted in and the content's version."""

    places: Places
    successors: Successors
    zone: ZoneInfo
    content_version: str

    @classmethod
    def load(cls, zone: ZoneInfo, content_version: str | None = None) -> ReportContext:
        """The shipped admin-unit data and successor list; the content's version from the
        shipped lessons and quizzes unless given."""
        from bot.content import load_catalog
        from bot.places.data import load_places

        places = load_places()
        version = content_version if content_version is not None else load_catalog().version
        return cls(places, Successors.read(places), zone, version)

    def label(self, province: str | None, commune: str | None) -> str:
        """An area's name for people: the commune's (or the province's) official name."""
        if commune is not None:
            found = self.places.commune(commune)
            return found.name if found is not None else commune
        if province is not None:
            found_province = self.places.province(province)
            return found_province.name if found_province is not None else province
        return "—"


def scoped_filters(scope: Scope, filters: Filters, places: Places) -> Filters:
    """`filters` narrowed to `scope` (a commune official's commune, a province official's
    province); a filter naming an area outside it is refused, never silently widened.

    Raises:
        OutOfScope: the province or commune asked for is not the official's.
    """
    province, commune = filters.province, filters.commune
    if commune is not None:
        found = places.commune(commune)
        if found is not None:
            if province is not None and province != found.province_code:
                raise OutOfScope(f"commune {commune} is not in province {province}")
            province = found.province_code
    if scope.kind is OfficialKind.COMMUNE:
        if commune is not None and commune != scope.commune:
            raise OutOfScope(f"commune {commune} is outside this official's commune")
        if province is not None and province != scope.province:
            raise OutOfScope(f"province {province} is outside this official's commune")
        province, commune = scope.province, scope.commune
    elif scope.kind is OfficialKind.PROVINCE:
        if province is not None and province != scope.province:
            raise OutOfScope(f"province {province} is outside this official's province")
        province = scope.province
    return Filters(province, commune, filters.group, filters.module, filters.start, filters.end)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a local day begins."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


async def build_summary(
    storage: Storage,
    context: ReportContext,
    scope: Scope,
    filters: Filters,
    now: datetime,
    uow: UnitOfWork | None = None,
) -> Summary:
    """The summary of `filters` within `scope` at `now` (timezone-aware), read in `uow` when
    given (a chat turn's transaction).

    Raises:
        OutOfScope: the filters ask for an area outside the scope.
        StorageError: the database could not be read.
    """
    filters = scoped_filters(scope, filters, context.places)
    today = now.astimezone(context.zone).date()
    end = filters.end or today
    start = filters.start or date(end.year, 1, 1)
    start_at, end_at = (
        local_midnight(start, context.zone),
        local_midnight(end + timedelta(days=1), context.zone),
    )
    communes = None if filters.commune is None else context.successors.former(filters.commune)
    area = Area(
        provinces=None if filters.province is None else {filters.province},
        communes=communes,
        group=filters.group,
    )
    cells = _current(await storage.reports.cells(area, start_at, end_at, uow), context)
    active = await storage.reports.active(area, end_at - ACTIVE_WINDOW, end_at, uow)
    active_by_area: dict[tuple[str, str, str], int] = defaultdict(int)
    for key, value in active.by_area.items():
        active_by_area[_current_area(key, context)] += value
    active_by_cell: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for (province, commune, group, module), value in active.by_cell.items():
        active_by_cell[(*_current_area((province, commune, group), context), module)] += value
    targets = await _targets(storage, filters, end.year, uow)

    areas = sorted({key[:3] for key in cells} | set(active_by_area) | set(targets))
    rows: list[SummaryRow] = []
    for place in areas:
        course = cells.get((*place, ""), Cell())
        modules = {key[3]: cell for key, cell in cells.items() if key[:3] == place and key[3]}
        enrolled = course.to_date["enrolled"]
        target = _target(targets, place, end.year)
        counts = {
            "enrolled": enrolled,
            "active_7d": active_by_area.get(place, 0),
            **{name: sum(cell.period[name] for cell in modules.values()) for name in _SUMMED},
            "course_completed": course.period["course_completed"],
            "skills_confirmed": course.period["skills_confirmed"],
            "vneid_reported": course.period["vneid_reported"],
        }
        to_date = course.to_date["course_completed"]
        if not any(counts.values()) and not to_date and place not in targets and not modules:
            # Only moves through it (a profile answered step by step): nothing to report.
            continue
        if filters.module is None:
            rows.append(_row(place, None, counts, target, to_date))
        for module, cell in sorted(modules.items()):
            if filters.module is not None and module != filters.module:
                continue
            rows.append(
                _row(
                    place,
                    module,
                    {
                        "enrolled": enrolled,
                        "active_7d": active_by_cell.get((*place, module), 0),
                        **{name: cell.period[name] for name in _SUMMED},
                        "course_completed": cell.period["modules_completed"],
                        "skills_confirmed": 0,
                        "vneid_reported": 0,
                    },
                    target,
                    cell.to_date["modules_completed"],
                )
            )
    # The rows the totals add up: the all-modules rows, or the chosen module's.
    headline = [row for row in rows if (row.module is None) == (filters.module is None)]
    totals = {name: sum(row.counts[name] for row in headline) for name in COUNTERS}
    if filters.module is None:
        totals["active_7d"] = active.overall
    weekly = await _weekly(storage, area, start, end, context.zone, uow)
    families = await storage.families.digital(
        province=filters.province, communes=communes, uow=uow
    )
    return Summary(
        generated_at=now.astimezone(UTC),
        admin_data_version=context.places.version,
        content_version=context.content_version,
        filters=filters,
        start=start,
        end=end,
        rows=tuple(rows),
        totals=totals,
        totals_target=_sum_targets(row.target for row in headline),
        totals_to_date_completed=sum(row.to_date_completed for row in headline),
        weekly=weekly,
        digital_families=families,
    )


def _current_area(key: tuple[str, str, str], context: ReportContext) -> tuple[str, str, str]:
    province, commune, group = key
    if commune:
        commune = context.successors.current(commune)
        found = context.places.commune(commune)
        province = found.province_code if found is not None else province
    return province, commune, group


def _current(
    cells: Mapping[tuple[str, str, str, str], Cell], context: ReportContext
) -> dict[tuple[str, str, str, str], Cell]:
    """Former communes' cells added into their successors'."""
    merged: dict[tuple[str, str, str, str], Cell] = {}
    for (province, commune, group, module), cell in cells.items():
        key = (*_current_area((province, commune, group), context), module)
        into = merged.setdefault(key, Cell())
        for name, value in cell.period.items():
            into.period[name] += value
        for name, value in cell.to_date.items():
            into.to_date[name] += value
    return merged


# (province, commune, group) -> (population, percent) imported for the year
Targets = dict[tuple[str, str, str], tuple[int, float]]


async def _targets(
    storage: Storage, filters: Filters, year: int, uow: UnitOfWork | None
) -> Targets:
    records = await storage.targets.rows(
        year=year, province=filters.province, commune=filters.commune, uow=uow
    )
    return {
        (record.row.province_code, record.row.commune_code, record.row.group.value): (
            record.row.population,
            record.row.target_percent,
        )
        for record in records
        if filters.group is None or record.row.group.value == filters.group
    }


def _target(targets: Targets, place: tuple[str, str, str], year: int) -> Target:
    if place in targets:
        population, percent = targets[place]
        return Target(population, percent)
    try:
        group = TargetGroup(place[2])
    except ValueError:
        return Target(None, None)
    return Target(None, default_target_percent(group, year))


def _sum_targets(targets: Iterable[Target]) -> Target:
    """The targets of several rows as one: their populations and goals added (None when any
    row has no population: a partial denominator would overstate the share)."""
    population, goal, any_row = 0, 0.0, False
    for target in targets:
        any_row = True
        if target.population is None or target.goal is None:
            return Target(None, None)
        population += target.population
        goal += target.goal
    if not any_row or population == 0:
        return Target(None, None)
    return Target(population, round(100 * goal / population, 2))


def _row(
    place: tuple[str, str, str],
    module: str | None,
    counts: dict[str, int],
    target: Target,
    to_date: int,
) -> SummaryRow:
    province, commune, group = place
    return SummaryRow(
        province=province or None,
        commune=commune or None,
        group=group or None,
        module=module,
        counts=counts,
        target=target,
        to_date_completed=to_date,
    )


async def _weekly(
    storage: Storage, area: Area, start: date, end: date, zone: ZoneInfo, uow: UnitOfWork | None
) -> tuple[WeekPoint, ...]:
    """The period's weeks (Monday to Sunday, local): new enrolments (net), lessons and course
    completions in each."""
    first = start - timedelta(days=start.weekday())
    hours = await storage.reports.hourly(
        area,
        local_midnight(start, zone),
        local_midnight(end + timedelta(days=1), zone),
        ("enrolled", "lessons_completed", "course_completed"),
        uow,
    )
    weeks: dict[date, dict[str, int]] = {}
    week = first
    while week <= end:
        weeks[week] = {"enrolled": 0, "lessons_completed": 0, "course_completed": 0}
        week += timedelta(days=7)
    for hour, values in hours:
        day = hour.astimezone(zone).date()
        bucket = weeks[day - timedelta(days=day.weekday())]
        for name, value in values.items():
            bucket[name] += value
    return tuple(
        WeekPoint(
            week, values["enrolled"], values["lessons_completed"], values["course_completed"]
        )
        for week, values in weeks.items()
    )


__all__ = ["ACTIVE_WINDOW", "OutOfScope", "ReportContext", "build_summary", "scoped_filters"]
