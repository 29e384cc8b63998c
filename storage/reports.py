"""The officials' numbers read from the rollups (`Storage.reports`), never from the log:

    cells()      per province × commune × group × module: the period's sums, and, as of the
                 period's end, who is enrolled and the completions to date
    active()     distinct learners active in a window, per area (and module), and overall
    hourly()     the period's sums per hour, for the weekly trend
    reconcile()  the rollups against a recomputation from the log (`hocvuso report reconcile`)

Each read takes an optional unit of work: inside a chat turn's transaction it reads there.

An area filter is a set of provinces and/or communes (the caller adds a commune's former
codes) and a group; "" stands for a part of the profile the learner did not give.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from storage import rollups
from storage.db import as_utc
from storage.repository import Storage, UnitOfWork
from storage.tables import active_t, rollup_t

# Summed over the period; `enrolled` and the completions "to date" are summed up to its end.
PERIOD_COLUMNS = (
    "lessons_completed",
    "quizzes_passed",
    "modules_completed",
    "course_completed",
    "assisted",
    "skills_confirmed",
    "vneid_reported",
)
TO_DATE_COLUMNS = ("enrolled", "modules_completed", "course_completed")
_AREA = (rollup_t.c.province_code, rollup_t.c.commune_code, rollup_t.c.target_group)


@dataclass(frozen=True)
class Area:
    """Which rollup rows a report reads: None is "any"."""

    provinces: Collection[str] | None = None
    communes: Collection[str] | None = None
    group: str | None = None

    def conditions(self, table: Any) -> list[ColumnElement[bool]]:
        found = []
        if self.provinces is not None:
            found.append(table.c.province_code.in_(sorted(self.provinces)))
        if self.communes is not None:
            found.append(table.c.commune_code.in_(sorted(self.communes)))
        if self.group is not None:
            found.append(table.c.target_group == self.group)
        return found


# (province, commune, group, module): "" for not said, and module "" for the course-level rows.
CellKey = tuple[str, str, str, str]


@dataclass
class Cell:
    """One area × module's numbers: `period` sums and `to_date` sums."""

    period: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PERIOD_COLUMNS, 0))
    to_date: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TO_DATE_COLUMNS, 0))


@dataclass(frozen=True)
class Active:
    """Distinct active learners: per (province, commune, group), per cell, and overall."""

    by_area: dict[tuple[str, str, str], int]
    by_cell: dict[CellKey, int]
    overall: int


class Reports:
    """Summaries' raw numbers (`Storage.reports`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def cells(
        self, area: Area, start: datetime, end: datetime, uow: UnitOfWork | None = None
    ) -> dict[CellKey, Cell]:
        """The rollups of `area` summed per cell: over [start, end) and up to `end`."""
        keys = (*_AREA, rollup_t.c.module_id)

        def summed(columns: tuple[str, ...], *since: ColumnElement[bool]) -> Select[Any]:
            return (
                select(*keys, *(func.sum(rollup_t.c[name]).label(name) for name in columns))
                .where(rollup_t.c.hour < as_utc(end), *since, *area.conditions(rollup_t))
                .group_by(*keys)
            )

        found: dict[CellKey, Cell] = {}
        async with self._storage.reading_in(uow) as conn:
            for row in await conn.execute(
                summed(PERIOD_COLUMNS, rollup_t.c.hour >= as_utc(start))
            ):
                cell = found.setdefault(tuple(row[:4]), Cell())
                cell.period = {name: int(getattr(row, name) or 0) for name in PERIOD_COLUMNS}
            for row in await conn.execute(summed(TO_DATE_COLUMNS)):
                cell = found.setdefault(tuple(row[:4]), Cell())
                cell.to_date = {name: int(getattr(row, name) or 0) for name in TO_DATE_COLUMNS}
        return found

    async def active(
        self, area: Area, start: datetime, end: datetime, uow: UnitOfWork | None = None
    ) -> Active:
        """Distinct learners with a lesson or quiz in [start, end) in `area`."""
        where = (
            active_t.c.hour >= as_utc(start),
            active_t.c.hour < as_utc(end),
            *area.conditions(active_t),
        )
        place = (active_t.c.province_code, active_t.c.commune_code, active_t.c.target_group)
        distinct = func.count(func.distinct(active_t.c.actor))
        async with self._storage.reading_in(uow) as conn:
            by_area = {
                tuple(row[:3]): int(row[3])
                for row in await conn.execute(
                    select(*place, distinct).where(*where).group_by(*place)
                )
            }
            by_cell = {
                tuple(row[:4]): int(row[4])
                for row in await conn.execute(
                    select(*place, active_t.c.module_id, distinct)
                    .where(*where)
                    .group_by(*place, active_t.c.module_id)
                )
            }
            overall = int(await conn.scalar(select(distinct).where(*where)) or 0)
        return Active(by_area, by_cell, overall)

    async def hourly(
        self,
        area: Area,
        start: datetime,
        end: datetime,
        columns: tuple[str, ...],
        uow: UnitOfWork | None = None,
    ) -> list[tuple[datetime, dict[str, int]]]:
        """`area`'s sums of `columns` per hour of [start, end) that has any row."""
        query = (
            select(rollup_t.c.hour, *(func.sum(rollup_t.c[name]).label(name) for name in columns))
            .where(
                rollup_t.c.hour >= as_utc(start),
                rollup_t.c.hour < as_utc(end),
                *area.conditions(rollup_t),
            )
            .group_by(rollup_t.c.hour)
            .order_by(rollup_t.c.hour)
        )
        async with self._storage.reading_in(uow) as conn:
            return [
                (as_utc(row.hour), {name: int(getattr(row, name) or 0) for name in columns})
                for row in await conn.execute(query)
            ]

    async def reconcile(self) -> list[rollups.Difference]:
        """Where the rollups and the log disagree: empty when every write path counted."""
        async with self._storage.reading() as conn:
            return await rollups.differences(conn)


__all__ = ["Active", "Area", "Cell", "CellKey", "PERIOD_COLUMNS", "Reports", "TO_DATE_COLUMNS"]
