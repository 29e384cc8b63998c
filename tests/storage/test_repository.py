"""The storage layer on SQLite and PostgreSQL: migrations, the unit of work, erasure."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from bot.core import InboundMessage, InputKind, Mode
from bot.errors import StorageError
from bot.service import ConversationService
from storage import Storage, current_revision, head_revision
from storage.db import sync_url
from storage.migrate import downgrade, upgrade
from tests.dialog import fixture_catalog


def msg(
    user: str,
    text: str = "",
    *,
    choice: str | None = None,
    mid: str | None = None,
    command: str | None = None,
) -> InboundMessage:
    if command:
        return InboundMessage(
            "test", user, InputKind.COMMAND, datetime.now(UTC), message_id=mid, command=command
        )
    if choice:
        return InboundMessage(
            "test", user, InputKind.CHOICE, datetime.now(UTC), message_id=mid, choice_id=choice
        )
    return InboundMessage(
        "test", user, InputKind.TEXT, datetime.now(UTC), message_id=mid, text=text
    )


@pytest.fixture
def svc(storage: Storage) -> ConversationService:
    return ConversationService(storage, fixture_catalog())


def test_models_and_migrations_agree(db_url: str) -> None:
    assert current_revision(db_url) == head_revision()
    engine = create_engine(sync_url(db_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == [], "a table changed without a migration: run alembic revision --autogenerate"


def test_migrations_go_down_and_up_again(db_url: str) -> None:
    downgrade(db_url, "base")
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()


async def test_a_learner_journey_is_recorded(svc: ConversationService, storage: Storage) -> None:
    for step in ["/start", "1", "1", "1", "1", "1"]:  # consent, learn, continue ×2, quiz
        await svc.handle(msg("alice", step))
    for answer in ["1", "sai", "1 2", "nut nguon"]:  # wrong, right, right, right
        await svc.handle(msg("alice", answer))
    state = await storage.learner_state("test", "alice")
    assert state is not None and state.mode is Mode.QUIZ_DONE and state.passed == ["A1"]
    [learner] = await storage.rows("learner")
    assert learner["consent_version"] == "2026-12" and learner["consent_at"] is not None
    answers = await storage.rows("quiz_answer", learner_id=learner["id"])
    assert [(a["question_id"], a["correct"]) for a in answers] == [
        ("q1", False),
        ("q2", True),
        ("q3", True),
        ("q4", True),
    ]
    assert answers[3]["answer"] == "nut nguon"
    events = await storage.completion_events(learner["public_id"])
    assert [(e["kind"], e["lesson_id"], e["module_id"]) for e in events] == [
        ("lesson_completed", "A1", "A"),
        ("quiz_passed", "A1", "A"),
    ]
    assert events[1]["score"] == 3.0 and events[1]["max_score"] == 4
    assert events[0]["content_version"] == svc.catalog.version
    [progress] = await storage.rows("lesson_progress", learner_id=learner["id"])
    assert progress["status"] == "passed" and progress["best_score"] == 0.75
    assert progress["read_at"] is not None and progress["passed_at"] is not None


async def test_failed_then_passed_keeps_both_events(
    svc: ConversationService, storage: Storage
) -> None:
    for step in ["/start", "1", "1", "1", "1", "1"]:
        await svc.handle(msg("bob", step))
    for answer in ["1", "1", "3", "xong", "sai roi"]:
        await svc.handle(msg("bob", answer))
    await svc.handle(msg("bob", "1"))  # try again
    for answer in ["2", "2", "1 2", "nguồn"]:
        await svc.handle(msg("bob", answer))
    kinds = [e["kind"] for e in await storage.completion_events()]
    assert kinds == ["lesson_completed", "quiz_failed", "quiz_passed"]
    [progress] = await storage.rows("lesson_progress")
    assert progress["status"] == "passed" and progress["attempts"] == 2


async def test_a_repeated_message_id_has_no_second_effect(
    svc: ConversationService, storage: Storage
) -> None:
    first = await svc.handle(msg("carol", "/start", mid="m1"))
    again = await svc.handle(msg("carol", "/start", mid="m1"))
    assert again.duplicate and again.replies == first.replies
    await svc.handle(msg("carol", "dong y", mid="m2"))
    await svc.handle(msg("carol", "dong y", mid="m2"))
    state = await storage.learner_state("test", "carol")
    assert state is not None and state.turn == 2
    assert len(await storage.rows("processed_message")) == 2


async def test_erasure_deletes_personal_data_and_keeps_anonymous_totals(
    svc: ConversationService, storage: Storage
) -> None:
    for step in ["/start", "1", "1", "1", "1"]:
        await svc.handle(msg("dan", step))
    assert len(await storage.completion_events()) == 1
    await svc.handle(msg("dan", "/xoadulieu"))
    await svc.handle(msg("dan", "1"))
    assert await storage.rows("learner") == []
    assert await storage.rows("channel_identity") == []
    assert await storage.rows("lesson_progress") == []
    [event] = await storage.completion_events()
    assert event["learner_id"] is None and event["kind"] == "lesson_completed"
    replies = (await svc.handle(msg("dan", "hello"))).replies
    assert "đồng ý" in replies[-1].text  # a stranger again: consent first


async def test_learners_are_handled_concurrently_and_each_in_order(
    svc: ConversationService, storage: Storage
) -> None:
    users = [f"u{i}" for i in range(8)]

    async def journey(user: str) -> None:
        for step in ["/start", "1", "1", "1", "1", "1"]:
            await svc.handle(msg(user, step))

    await asyncio.gather(*(journey(user) for user in users))
    # The same learner's messages sent at once still apply one after another.
    await asyncio.gather(*(svc.handle(msg("u0", "1", mid=f"a{i}")) for i in range(3)))
    learners = await storage.rows("learner")
    assert len(learners) == 8
    for user in users[1:]:
        state = await storage.learner_state("test", user)
        assert state is not None and state.mode is Mode.QUIZ and state.turn == 6
    state = await storage.learner_state("test", "u0")
    # q1 answered "1", q2 answered "1", then "1" ticks option a of the multiple-choice q3.
    assert state is not None and state.quiz is not None
    assert (state.quiz.index, state.quiz.selected) == (2, ["a"])
    assert len(await storage.rows("quiz_answer")) == 2


async def test_inbox_outbox_and_reachability(storage: Storage, svc: ConversationService) -> None:
    now = datetime.now(UTC)
    inbox = storage.inbox
    first = await inbox.store("telegram", "42", '{"update_id": 42}', now)
    assert first is not None
    assert await inbox.store("telegram", "42", '{"update_id": 42}', now) is None
    [pending] = await inbox.pending("telegram")
    await inbox.mark_processed(pending.id, now)
    assert await inbox.pending("telegram") == []

    outbox = storage.outbox
    async with storage.unit_of_work(now) as uow:
        assert (
            await storage.outbox.enqueue(
                uow,
                channel="telegram",
                recipient="7",
                payload={"text": "chào"},
                dedupe_key="k",
            )
            is not None
        )
        assert (
            await storage.outbox.enqueue(
                uow,
                channel="telegram",
                recipient="7",
                payload={"text": "chào"},
                dedupe_key="k",
            )
            is None
        )
    [item] = await outbox.due("telegram", now)
    assert item.payload == {"text": "chào"}
    await outbox.mark_sent(item.id, now)
    assert await outbox.due("telegram", now) == []

    await svc.handle(msg("erin", "/start"))
    await storage.identities.mark_unreachable("test", "erin", "blocked", now)
    assert not await storage.identities.is_reachable("test", "erin")
    await svc.handle(msg("erin", "hi"))  # writing again makes them reachable
    assert await storage.identities.is_reachable("test", "erin")


async def test_database_down_raises_storage_error() -> None:
    store = Storage.open("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    service = ConversationService(store, fixture_catalog())
    with pytest.raises(StorageError):
        await service.handle(msg("x", "/start"))
    assert not await store.ping()
    await store.close()


async def test_a_message_that_breaks_the_engine_spoils_only_itself(
    svc: ConversationService, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.service

    real = bot.service.handle

    def flaky(state, message, ctx):  # type: ignore[no-untyped-def]
        if message.user_ref == "mallory" and message.text == "boom":
            raise RuntimeError("engine bug")
        return real(state, message, ctx)

    monkeypatch.setattr(bot.service, "handle", flaky)
    users = [f"ok{i}" for i in range(5)]
    await asyncio.gather(*(svc.handle(msg(u, "/start")) for u in [*users, "mallory"]))
    before = await storage.learner_state("test", "mallory")
    results = await asyncio.gather(
        *(svc.handle(msg(u, "dong y", mid=f"{u}-2")) for u in users),
        svc.handle(msg("mallory", "boom", mid="mallory-2")),
        return_exceptions=True,
    )
    assert all(not isinstance(r, BaseException) for r in results[:-1])
    assert isinstance(results[-1], RuntimeError)
    assert await storage.learner_state("test", "mallory") == before
    for user in users:
        state = await storage.learner_state("test", user)
        assert state is not None and state.consent
    # The failed message was not claimed: sending it again (fixed) is processed normally.
    monkeypatch.setattr(bot.service, "handle", real)
    again = await svc.handle(msg("mallory", "dong y", mid="mallory-2"))
    assert not again.duplicate


async def test_a_refused_batch_is_retried_one_by_one(
    svc: ConversationService, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = storage.turns.save
    calls: list[int] = []

    async def picky(uow, saves, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(saves))
        if any(s.turn.key.external_id == "poison" for s in saves):
            raise StorageError("constraint violated")  # like an IntegrityError, not transient
        return await real(uow, saves, **kwargs)

    monkeypatch.setattr(storage.turns, "save", picky)
    results = await asyncio.gather(
        *(svc.handle(msg(u, "/start")) for u in ["a1", "a2", "poison", "a3"]),
        return_exceptions=True,
    )
    assert [isinstance(r, StorageError) for r in results] == [False, False, True, False]
    assert calls[0] == 4 and calls[1:] == [1, 1, 1, 1]
    assert {row["external_id"] for row in await storage.rows("channel_identity")} == {
        "a1",
        "a2",
        "a3",
    }
