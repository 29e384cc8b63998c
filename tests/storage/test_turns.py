"""Lessons opened by many learners at once are written for the whole batch (two statements),
with the same rows as one learner at a time. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core import InboundMessage, InputKind
from bot.service import ConversationService
from storage import Storage
from tests.dialog import fixture_catalog


def msg(user: str, text: str) -> InboundMessage:
    return InboundMessage("test", user, InputKind.TEXT, datetime.now(UTC), text=text)


@pytest.fixture
def svc(storage: Storage) -> ConversationService:
    return ConversationService(storage, fixture_catalog())


async def progress(storage: Storage) -> dict[str, dict[str, Any]]:
    learners = {row["id"]: row for row in await storage.rows("learner")}
    identities = {
        row["learner_id"]: row["external_id"] for row in await storage.rows("channel_identity")
    }
    return {
        identities[row["learner_id"]]: row
        for row in await storage.rows("lesson_progress")
        if row["learner_id"] in learners
    }


async def test_a_batch_of_learners_opening_a_lesson(
    svc: ConversationService, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = [f"u{i}" for i in range(12)]
    for step in ["/start", "1"]:  # consent, then the menu
        await asyncio.gather(*(svc.handle(msg(user, step)) for user in users))

    statements: list[str] = []
    real = AsyncConnection.execute

    async def counting(self: AsyncConnection, statement: Any, *args: Any, **kwargs: Any) -> Any:
        statements.append(str(statement))
        return await real(self, statement, *args, **kwargs)

    monkeypatch.setattr(AsyncConnection, "execute", counting)
    await asyncio.gather(*(svc.handle(msg(user, "1")) for user in users))  # open lesson A1
    monkeypatch.undo()

    on_progress = [s for s in statements if "lesson_progress" in s]
    assert len(on_progress) <= 2 * 2  # two per batch (the first message may commit alone)
    rows = await progress(storage)
    assert sorted(rows) == sorted(users)
    assert {(r["lesson_id"], r["status"], r["attempts"]) for r in rows.values()} == {
        ("A1", "started", 0)
    }
    assert all(r["started_at"] is not None and r["updated_at"] is not None for r in rows.values())


async def test_opening_a_lesson_again_keeps_what_was_reached(
    svc: ConversationService, storage: Storage
) -> None:
    for step in ["/start", "1", "1", "1", "1"]:  # consent, open A1, read to the end
        await svc.handle(msg("lan", step))
    [before] = await storage.rows("lesson_progress")
    assert (before["lesson_id"], before["status"]) == ("A1", "read")
    for step in ["/menu", "2", "1", "1"]:  # all lessons, module A, lesson A1 again
        await svc.handle(msg("lan", step))
    [again] = await storage.rows("lesson_progress")
    assert again["status"] == "read" and again["read_at"] == before["read_at"]
    assert again["started_at"] == before["started_at"]
    assert again["updated_at"] > before["updated_at"]


async def test_a_lesson_opened_and_finished_in_one_turn(
    svc: ConversationService, storage: Storage
) -> None:
    for step in ["/start", "1", "/menu", "2", "1", "2"]:  # lesson A2 has a single bubble
        await svc.handle(msg("minh", step))
    [row] = await storage.rows("lesson_progress")
    assert (row["lesson_id"], row["status"]) == ("A2", "read")
    assert row["started_at"] == row["read_at"] == row["updated_at"]
    [event] = await storage.completion_events()
    assert (event["kind"], event["lesson_id"]) == ("lesson_completed", "A2")


async def test_what_a_learner_did_is_not_written_without_consent(
    svc: ConversationService, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: the core records nothing for a learner without consent, and should
    an outcome carry such events anyway, storage writes none of them (nor the profile)."""
    import bot.service
    from bot.core import Outcome
    from bot.core.events import LessonCompleted, LessonStarted, QuestionAnswered, QuizFinished
    from bot.core.state import LearnerState, Profile

    await svc.handle(msg("an", "/start"))
    await svc.handle(msg("an", "2"))  # "I do not agree"
    slipped = (
        LessonStarted("A1"),
        LessonCompleted("A1"),
        QuestionAnswered("A1", 1, "q1", "my answer", False, 0.0),
        QuizFinished("A1", 1, 0.0, 4, False),
    )

    def careless(state: LearnerState, *_args: object) -> Outcome:
        return Outcome(state.model_copy(update={"profile": Profile(province="01")}), (), slipped)

    monkeypatch.setattr(bot.service, "handle", careless)
    await svc.handle(msg("an", "hello"))
    for table in ("lesson_progress", "quiz_answer", "completion_event"):
        assert await storage.rows(table) == [], table
    [learner] = await storage.rows("learner")
    assert learner["province_code"] is None and learner["consent_version"] is None
