"""`hocvuso targets import` and `show` run as the operator runs them (a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage import Storage
from tests.conftest import ROOT


def hocvuso(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOCVUSO_DATABASE_URL": database_url, "HOCVUSO_TIMEZONE": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "targets", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def stored(database_url: str) -> list[tuple[int, str, str, int, float]]:
    store = Storage.open(database_url)
    try:
        records = await store.targets.rows()
    finally:
        await store.close()
    return [
        (r.row.year, r.row.commune_code, r.row.group.value, r.row.population, r.row.target_percent)
        for r in records
    ]


async def test_the_template_imports_cleanly_and_shows(db_url: str) -> None:
    done = hocvuso(db_url, "import", str(ROOT / "docs" / "targets-template.csv"))
    assert done.returncode == 0, done.stderr
    assert "imported 8 target(s) for 3 commune(s), year 2026" in done.stdout
    rows = await stored(db_url)
    assert len(rows) == 8
    assert (2026, "26737", "pupils", 9200, 100.0) in rows
    assert (2026, "26737", "residents", 61000, 90.0) in rows
    shown = hocvuso(db_url, "show", "--commune", "26737")
    assert shown.returncode == 0, shown.stderr
    assert "26737    residents                61000     90%  targets-template.csv" in shown.stdout
    # The groups the file left out follow the plan, with no population.
    assert "public_servants        unknown    100%  provincial plan" in shown.stdout


async def test_a_broken_file_is_refused_whole(sqlite_url: str, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "year,commune_code,target_group,population,target_percent\n2026,00004,pupils,10,80\n",
        encoding="utf-8",
    )
    assert hocvuso(sqlite_url, "import", str(good)).returncode == 0
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "year;commune_code;target_group;population;target_percent\n"
        "2026;00004;pupils;99;80\n"
        "2026;00008;học sinh;0;80\n"
        "2026;99999;residents;5;80%\n",
        encoding="utf-8-sig",
    )
    done = hocvuso(sqlite_url, "import", str(broken))
    assert done.returncode == 1
    assert f"{broken}:3: population '0'" in done.stderr
    assert f"{broken}:4: commune_code '99999'" in done.stderr
    assert "2 problem(s)" in done.stderr and "nothing was imported" in done.stderr
    # Line 2 was fine, yet nothing of the file replaced the earlier import.
    assert await stored(sqlite_url) == [(2026, "00004", "pupils", 10, 80.0)]


def test_plan_defaults_and_mistakes(sqlite_url: str, tmp_path: Path) -> None:
    shown = hocvuso(sqlite_url, "show", "--commune", "4", "--year", "2025")
    assert shown.returncode == 0, shown.stderr
    assert "2025  00004    residents              unknown     70%  provincial plan" in shown.stdout
    assert "2025  00004    public_servants        unknown     80%" in shown.stdout
    unknown = hocvuso(sqlite_url, "show", "--commune", "99999")
    assert unknown.returncode == 2 and "no commune with code 99999" in unknown.stderr
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("year,commune_code\nNgười".encode("utf-16"))
    done = hocvuso(sqlite_url, "import", str(latin1))
    assert done.returncode == 1 and "is not UTF-8 text" in done.stderr
