"""`Storage.targets` on SQLite and PostgreSQL: an import replaces its years and communes in one
transaction, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.state import TargetGroup
from bot.errors import StorageError
from storage import Storage, TargetRow

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def row(commune: str, group: TargetGroup, population: int, year: int = 2026) -> TargetRow:
    return TargetRow(year, "01", commune, group, population, 80.0)


async def test_an_import_replaces_its_years_and_communes(storage: Storage) -> None:
    first = [
        row("00004", TargetGroup.PUPILS, 10),
        row("00004", TargetGroup.RESIDENTS, 20),
        row("00008", TargetGroup.PUPILS, 30),
        row("00004", TargetGroup.PUPILS, 40, year=2025),
    ]
    done = await storage.targets.replace(first, source="a.csv", now=NOW)
    assert (done.deleted, done.inserted) == (0, 4)
    done = await storage.targets.replace(
        [row("00004", TargetGroup.RESIDENTS, 25)], source="b.csv", now=NOW
    )
    # 00004 in 2026 comes from b.csv alone; 00008 and 2025 are untouched.
    assert (done.deleted, done.inserted) == (2, 1)
    stored = await storage.targets.rows()
    assert [
        (r.row.year, r.row.commune_code, r.row.group, r.row.population, r.source) for r in stored
    ] == [
        (2025, "00004", TargetGroup.PUPILS, 40, "a.csv"),
        (2026, "00004", TargetGroup.RESIDENTS, 25, "b.csv"),
        (2026, "00008", TargetGroup.PUPILS, 30, "a.csv"),
    ]
    assert stored[0].imported_at == NOW
    assert [r.row.population for r in await storage.targets.rows(year=2026, commune="00008")] == [
        30
    ]
    assert len(await storage.targets.rows(province="01")) == 3
    assert await storage.targets.rows(province="79") == []


async def test_a_refused_import_changes_nothing(storage: Storage) -> None:
    await storage.targets.replace([row("00004", TargetGroup.PUPILS, 10)], source="a.csv", now=NOW)
    # The database refuses the second row (the same commune, group and year twice) after the
    # delete and the first insert ran: the transaction rolls all of it back.
    clash = [row("00004", TargetGroup.RESIDENTS, 20), row("00004", TargetGroup.RESIDENTS, 21)]
    with pytest.raises(StorageError):
        await storage.targets.replace(clash, source="b.csv", now=NOW)
    stored = await storage.targets.rows()
    assert [(r.row.group, r.row.population, r.source) for r in stored] == [
        (TargetGroup.PUPILS, 10, "a.csv")
    ]
