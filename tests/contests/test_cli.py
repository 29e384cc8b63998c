"""`hocvuso contest create|list|results` and the contests in `hocvuso report summary --format
json`, run as the operator runs them (a subprocess), on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.events import ContestAnswered, ContestFinished, ContestStarted
from bot.core.state import TargetGroup
from storage import Storage
from storage.contests import record_contest_event
from tests.conftest import ROOT
from tests.reports.test_build import BA_DINH, HOAN_KIEM, _learner

GIFT = Path(__file__).with_name("contest.gift")
NOW = datetime.now(UTC).replace(microsecond=0)


def hocvuso(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOCVUSO_DATABASE_URL": database_url, "HOCVUSO_TIMEZONE": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
        text=True,
    )


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M")


async def _play(storage: Storage, contest_id: int, commune: str, score: int) -> None:
    learner, _profile = await _learner(storage, NOW, commune, TargetGroup.RESIDENTS)
    async with storage.unit_of_work(NOW) as uow:
        await record_contest_event(
            uow, learner, ContestStarted(contest_id, "01", commune, "residents")
        )
        for number in range(3):
            await record_contest_event(
                uow, learner, ContestAnswered(contest_id, f"c{number}", number < score, 4000)
            )
        await record_contest_event(
            uow, learner, ContestFinished(contest_id, score, 12000, f"CODE{learner}")
        )


async def test_create_list_results_and_summary(storage: Storage, db_url: str) -> None:
    opens, closes = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    area = ("--opens", _iso(opens), "--closes", _iso(closes), "--province", "01")
    refused = hocvuso(
        db_url, "contest", "create", "--title", "Thi thử", *area, "--gift", str(GIFT),
        "--questions", "5",
    )  # fmt: skip
    assert refused.returncode == 1 and "only 3 questions can be asked" in refused.stderr
    backwards = hocvuso(
        db_url, "contest", "create", "--title", "Thi thử", "--opens", _iso(closes),
        "--closes", _iso(opens), "--gift", str(GIFT), "--questions", "3",
    )  # fmt: skip
    assert backwards.returncode == 1 and "must close after it opens" in backwards.stderr
    unknown = hocvuso(
        db_url, "contest", "create", "--title", "Thi thử", *area, "--lessons", "Z9",
        "--questions", "3",
    )  # fmt: skip
    assert unknown.returncode == 1 and "there is no lesson Z9" in unknown.stderr
    assert await storage.contests.listed() == []

    done = hocvuso(
        db_url, "contest", "create", "--title", "Rung chuông vàng", *area, "--gift", str(GIFT),
        "--questions", "3", "--seconds", "15",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "contest 1 created: 'Rung chuông vàng', 3 questions of 15 s" in done.stdout
    [contest] = await storage.contests.listed()
    assert (contest.province, contest.commune, contest.seconds) == ("01", None, 15)
    from_lessons = hocvuso(
        db_url, "contest", "create", "--title", "Từ bài học", *area, "--lessons", "A1,A2",
        "--questions", "2",
    )  # fmt: skip
    assert from_lessons.returncode == 0, from_lessons.stderr

    listed = hocvuso(db_url, "contest", "list")
    assert listed.returncode == 0 and "Rung chuông vàng" in listed.stdout
    assert "Từ bài học" in listed.stdout

    for score in (3, 3, 2, 2, 1):
        await _play(storage, contest.id, BA_DINH, score)
    await _play(storage, contest.id, HOAN_KIEM, 3)

    results = hocvuso(db_url, "contest", "results", str(contest.id), "--json")
    assert results.returncode == 0, results.stderr
    doc = json.loads(results.stdout)
    rows = {row["commune"]: row for row in doc["rows"]}
    assert rows[BA_DINH]["players"] == 5 and rows[BA_DINH]["average_score"] == 2.2
    assert rows[HOAN_KIEM]["players"] == "<5" and rows[HOAN_KIEM]["average_score"] is None
    table = hocvuso(db_url, "contest", "results", str(contest.id))
    assert "results so far" in table.stdout and "<5" in table.stdout
    missing = hocvuso(db_url, "contest", "results", "99")
    assert missing.returncode == 1 and "there is no contest 99" in missing.stderr

    summary = hocvuso(db_url, "report", "summary", "--format", "json", "--province", "01")
    assert summary.returncode == 0, summary.stderr
    contests = json.loads(summary.stdout)["contests"]
    assert [c["title"] for c in contests] == ["Rung chuông vàng", "Từ bài học"]
    assert contests[0]["rows"] == doc["rows"]
