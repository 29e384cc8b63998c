"""`hocvuso report summary|reconcile` run as the operator runs them (a subprocess): every
format with small counts as "<5", files written with -o, mistakes explained, and the
reconciliation's verdict and exit status."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import update

from bot.core.state import TargetGroup
from storage import Storage
from storage.tables import rollup_t
from tests.conftest import ROOT
from tests.reports.test_build import BA_DINH, HOAN_KIEM, _finish, _learner, _lesson

NOW = datetime.now(UTC)


def report(database_url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "HOCVUSO_DATABASE_URL": database_url, "HOCVUSO_TIMEZONE": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "report", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


async def _world(storage: Storage) -> None:
    when = NOW - timedelta(days=1)
    for _ in range(6):
        learner, profile = await _learner(storage, when, BA_DINH, TargetGroup.RESIDENTS)
        await _lesson(storage, learner, profile, when)
    learner, profile = await _learner(storage, when, HOAN_KIEM, TargetGroup.PUPILS)
    await _finish(storage, learner, profile, when)


async def test_summary_in_every_format(storage: Storage, db_url: str, tmp_path: Path) -> None:
    await _world(storage)
    done = report(db_url, "summary", "--format", "json", "--province", "01")
    assert done.returncode == 0, done.stderr.decode()
    doc = json.loads(done.stdout)
    assert doc["schema"] == "hocvuso.summary/1" and doc["filters"]["province"] == "01"
    lines = {(row["commune_code"], row["module"]): row for row in doc["rows"]}
    assert lines[(BA_DINH, None)]["enrolled"] == 6
    assert lines[(BA_DINH, None)]["lessons_completed"] == 6
    assert lines[(HOAN_KIEM, None)]["enrolled"] == "<5"
    assert lines[(HOAN_KIEM, None)]["course_completed"] == "<5"
    assert doc["totals"]["enrolled"] == 7

    done = report(db_url, "summary", "--format", "csv", "--commune", HOAN_KIEM)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"))))
    assert {row["commune_code"] for row in table[:-1]} == {HOAN_KIEM}
    assert table[0]["enrolled"] == "<5"

    target = tmp_path / "tong-hop.xlsx"
    done = report(db_url, "summary", "--format", "xlsx", "-o", str(target))
    assert done.returncode == 0, done.stderr.decode()
    assert str(target) in done.stdout.decode()
    book = load_workbook(target)
    values = [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert "Phường Ba Đình" in values and "<5" in values

    done = report(db_url, "summary")
    assert done.returncode == 0, done.stderr.decode()
    assert "Phường Ba Đình" in done.stdout.decode()


async def test_summary_mistakes_say_what_to_fix(db_url: str) -> None:
    for args, words in (
        (("--format", "xlsx"), "-o FILE.xlsx"),
        (("--commune", "12345"), "unknown commune code"),
        (("--commune", BA_DINH, "--province", "79"), "not 79"),
        (("--from", "2026-02-30"), "YYYY-MM-DD"),
        (("--from", "2026-03-02", "--to", "2026-03-01"), "--from is after --to"),
    ):
        done = report(db_url, "summary", *args)
        assert done.returncode == 2, (args, done.stdout)
        assert words in done.stderr.decode(), (args, done.stderr)


async def test_reconcile_agrees_then_finds_a_broken_rollup(storage: Storage, db_url: str) -> None:
    await _world(storage)
    done = report(db_url, "reconcile")
    assert done.returncode == 0, done.stderr.decode()
    assert b"no difference" in done.stdout
    async with storage.unit_of_work(NOW) as uow:
        await uow.connection.execute(update(rollup_t).values(enrolled=rollup_t.c.enrolled + 2))
    done = report(db_url, "reconcile")
    assert done.returncode == 1
    assert b"enrolled: stored" in done.stdout and b"difference(s)" in done.stderr
