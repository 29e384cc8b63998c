"""`Storage.contests` on SQLite and PostgreSQL: which contest is open for whom, one attempt per
learner, answers kept on the learner's own row, results written once, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.events import ContestAnswered, ContestFinished, ContestStarted
from bot.core.state import TargetGroup
from storage import Storage, StorageError
from storage.contests import record_contest_event
from storage.progress import erase_learner
from tests.reports.test_build import BA_DINH, HOAN_KIEM, _learner

NOW = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)


async def _contest(storage: Storage, **area: str | None) -> int:
    record = await storage.contests.create(
        NOW,
        title="Thi",
        opens_at=NOW - timedelta(minutes=1),
        closes_at=NOW + timedelta(hours=1),
        seconds=20,
        questions=[{"id": "c1", "type": "true_false", "prompt": "?", "answer": True}],
        **area,
    )
    return record.id


async def test_open_for_matches_area_and_group(storage: Storage) -> None:
    commune = await _contest(storage, province="01", commune=BA_DINH)
    pupils = await _contest(storage, province="01", group="pupils")
    async with storage.unit_of_work(NOW) as uow:
        found = await storage.contests.open_for(
            uow, province="01", commune=BA_DINH, group="residents"
        )
        assert found is not None and found.id == commune
        found = await storage.contests.open_for(
            uow, province="01", commune=HOAN_KIEM, group="pupils"
        )
        assert found is not None and found.id == pupils
        assert (
            await storage.contests.open_for(uow, province="79", commune="26506", group="pupils")
            is None
        )
    async with storage.unit_of_work(NOW + timedelta(hours=2)) as uow:
        assert (
            await storage.contests.open_for(uow, province="01", commune=BA_DINH, group="residents")
            is None
        )


async def test_one_attempt_answers_results_once_and_erasure(storage: Storage) -> None:
    contest = await _contest(storage, province="01")
    learner, _profile = await _learner(storage, NOW, BA_DINH, TargetGroup.RESIDENTS)
    async with storage.unit_of_work(NOW) as uow:
        await record_contest_event(uow, learner, ContestStarted(contest, "01", BA_DINH, "r"))
        await record_contest_event(uow, learner, ContestAnswered(contest, "c1", True, 3500))
        await record_contest_event(uow, learner, ContestFinished(contest, 1, 3500, "ABCD234567"))
        # A late write after finishing changes nothing.
        await record_contest_event(uow, learner, ContestAnswered(contest, "c1", True, 3500))
    with pytest.raises(StorageError):
        async with storage.unit_of_work(NOW) as uow:
            await record_contest_event(uow, learner, ContestStarted(contest, "01", BA_DINH, "r"))
    [attempt] = await storage.contests.attempts(contest)
    assert (attempt.answered, attempt.score, attempt.total_ms) == (1, 1, 3500)
    found = await storage.contests.by_certificate("abcd234567")
    assert found is not None and found[1].id == attempt.id

    later = NOW + timedelta(hours=2)
    assert [c.id for c in await storage.contests.due(later)] == [contest]
    payload = {"replies": [{"text": "Kết quả"}]}
    queued = await storage.contests.close(
        later, contest, ranks={attempt.id: 1}, payloads={learner: payload}
    )
    assert queued == 0  # this learner has no channel identity to write to
    assert await storage.contests.close(later, contest, ranks={}, payloads={}) is None
    assert await storage.contests.due(later) == []
    [attempt] = await storage.contests.attempts(contest)
    assert attempt.rank == 1

    async with storage.unit_of_work(later) as uow:
        await erase_learner(uow, learner)
    [attempt] = await storage.contests.attempts(contest)
    assert attempt.learner_id is None and attempt.certificate_code is None
    assert attempt.commune == BA_DINH and attempt.score == 1  # still counted where it was
    assert await storage.contests.by_certificate("ABCD234567") is None
