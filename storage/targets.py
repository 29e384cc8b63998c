"""Targets per commune × target group × year (`Storage.targets`): what `hocvuso targets import`
loaded, the population (denominator) and the share of it to reach.

    replace()   a file's rows, in one transaction: the rows already stored for the file's
                (year, commune) pairs are deleted and the file's inserted, so an import is all
                or nothing and a commune's groups always come from one file
    rows()      the stored targets, filtered by year, province or commune

Where nothing is stored the provincial plan's defaults apply (`bot.targets.defaults`); that is
the caller's reading, not stored here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select

from bot.core.state import TargetGroup
from storage.db import as_utc
from storage.repository import Storage, UnitOfWork
from storage.tables import target_t

# Bound parameters per DELETE ... IN (...): far below SQLite's and PostgreSQL's limits.
_CHUNK = 500


@dataclass(frozen=True)
class TargetRow:
    """One commune's target for one group and year, as imported."""

    year: int
    province_code: str
    commune_code: str
    group: TargetGroup
    population: int
    target_percent: float


@dataclass(frozen=True)
class TargetRecord:
    """A stored target: the row, the file it came from and when."""

    row: TargetRow
    source: str
    imported_at: datetime  # timezone-aware UTC


@dataclass(frozen=True)
class Replaced:
    """What an import changed: rows deleted (the file's years and communes) and inserted."""

    deleted: int
    inserted: int


class Targets:
    """Imported targets (`Storage.targets`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def replace(self, rows: Sequence[TargetRow], *, source: str, now: datetime) -> Replaced:
        """Store `rows` in place of whatever was stored for their (year, commune) pairs, in one
        transaction.

        Raises:
            StorageError: the database refused the rows; nothing was changed.
        """
        communes: dict[int, set[str]] = defaultdict(set)
        for row in rows:
            communes[row.year].add(row.commune_code)
        deleted = 0
        async with self._storage.unit_of_work(now) as uow:
            conn = uow.connection
            for year, codes in communes.items():
                ordered = sorted(codes)
                for start in range(0, len(ordered), _CHUNK):
                    done = await conn.execute(
                        delete(target_t).where(
                            target_t.c.year == year,
                            target_t.c.commune_code.in_(ordered[start : start + _CHUNK]),
                        )
                    )
                    deleted += done.rowcount
            if rows:
                await conn.execute(
                    insert(target_t),
                    [
                        {
                            "year": row.year,
                            "province_code": row.province_code,
                            "commune_code": row.commune_code,
                            "target_group": row.group.value,
                            "population": row.population,
                            "target_percent": row.target_percent,
                            "source": source[:120],
                            "imported_at": now,
                        }
                        for row in rows
                    ],
                )
        return Replaced(deleted=deleted, inserted=len(rows))

    async def rows(
        self,
        *,
        year: int | None = None,
        province: str | None = None,
        commune: str | None = None,
        uow: UnitOfWork | None = None,
    ) -> list[TargetRecord]:
        """The stored targets of an area (all when no filter), by year, commune and group."""
        query = select(target_t).order_by(
            target_t.c.year, target_t.c.commune_code, target_t.c.target_group
        )
        if year is not None:
            query = query.where(target_t.c.year == year)
        if province is not None:
            query = query.where(target_t.c.province_code == province)
        if commune is not None:
            query = query.where(target_t.c.commune_code == commune)
        async with self._storage.reading_in(uow) as conn:
            found = (await conn.execute(query)).mappings().all()
        return [
            TargetRecord(
                row=TargetRow(
                    year=item["year"],
                    province_code=item["province_code"],
                    commune_code=item["commune_code"],
                    group=TargetGroup(item["target_group"]),
                    population=item["population"],
                    target_percent=float(item["target_percent"]),
                ),
                source=item["source"],
                imported_at=as_utc(item["imported_at"]),
            )
            for item in found
        ]


__all__ = ["Replaced", "TargetRecord", "TargetRow", "Targets"]
