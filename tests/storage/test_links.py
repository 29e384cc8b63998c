"""Linking two apps through the service and storage, on SQLite and PostgreSQL: the code's
owner survives, the other learner is merged in, nothing counts twice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from bot.core import InboundMessage, Mode
from bot.core.events import LinkCodeIssued
from bot.core.state import LearnerState, Profile, TargetGroup
from bot.service import ConversationService, Handled
from storage import Storage
from storage.db import as_utc
from storage.progress import record_milestone
from storage.tables import fire_t
from tests.dialog import fixture_catalog
from tests.storage.linking import (
    FAIL_A1,
    PASS_A1,
    START,
    Clock,
    add_rows,
    learner_id,
    msg,
    new_code,
    said,
    say,
    set_profile,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def svc(storage: Storage, clock: Clock) -> ConversationService:
    return ConversationService(storage, fixture_catalog(), clock=clock)


async def run_batch(svc: ConversationService, batch: list[InboundMessage]) -> list[Handled]:
    """One transaction's worth of turns, as the service's writer hands them over."""
    results = await svc._run(batch)
    assert all(isinstance(result, Handled) for result in results), results
    return [result for result in results if isinstance(result, Handled)]


async def test_passed_on_both_apps_counts_once_and_progress_is_one(
    svc: ConversationService, storage: Storage
) -> None:
    await say(svc, "webchat", "w1", *PASS_A1)
    await say(svc, "telegram", "t1", *FAIL_A1, "1", "1", "sai", "1 2", "nut nguon")
    owner = await learner_id(storage, "webchat", "w1")
    code = await new_code(svc, storage, "webchat", "w1")

    linked = await say(svc, "telegram", "t1", f"/lienket {code}")
    assert "Đã liên kết!" in said(linked)
    assert {r["learner_id"] for r in await storage.rows("channel_identity")} == {owner}
    assert [r["id"] for r in await storage.rows("learner")] == [owner]

    events = await storage.completion_events()
    passed = [e for e in events if e["kind"] == "quiz_passed" and e["lesson_id"] == "A1"]
    assert len(passed) == 2 and len({e["learner_id"] for e in passed}) == 1
    # Telegram's attempts 1 (failed) and 2 (passed) follow the web chat's attempt 1.
    attempts = sorted((e["channel"], e["attempt"]) for e in events if e["attempt"])
    assert attempts == [("telegram", 2), ("telegram", 3), ("webchat", 1)]
    answers = await storage.rows("quiz_answer")
    keys = [(a["learner_id"], a["attempt"], a["question_id"]) for a in answers]
    assert len(keys) == 12 and len(set(keys)) == 12
    [progress] = await storage.rows("lesson_progress")
    assert (progress["learner_id"], progress["status"], progress["attempts"]) == (
        owner,
        "passed",
        3,
    )

    state = await storage.learner_state("telegram", "t1")
    assert state is not None and state.passed == ["A1"] and state.attempts == {"A1": 3}
    assert state.mode is Mode.MENU and state.link_code is None
    progress_text = said(await say(svc, "telegram", "t1", "/tiendo"))
    assert "1/2 bài học" in progress_text
    # The next attempt is number 4, on either app.
    await say(svc, "webchat", "w1", "/menu", "2", "1", "1", "1", "1", "1", "1")
    answers = await storage.rows("quiz_answer")
    assert answers[-1]["attempt"] == 4 and answers[-1]["learner_id"] == owner


async def test_a_new_app_links_before_agreeing_and_only_its_identity_moves(
    svc: ConversationService, storage: Storage
) -> None:
    await say(svc, "webchat", "w1", *PASS_A1)
    code = await new_code(svc, storage, "webchat", "w1")
    first = await say(svc, "zalo_bot", "z1", "/start")
    assert "đồng ý" in said(first)
    linked = await say(svc, "zalo_bot", "z1", code)  # just the code, on the consent screen
    assert "Đã liên kết!" in said(linked)
    [learner] = await storage.rows("learner")
    assert learner["consent_version"] == "2026-12"
    state = await storage.learner_state("zalo_bot", "z1")
    assert state is not None and state.consent and state.passed == ["A1"]


async def test_codes_expire_work_once_and_never_link_to_oneself(
    svc: ConversationService, storage: Storage, clock: Clock
) -> None:
    await say(svc, "webchat", "w1", "/start", "1")
    code = await new_code(svc, storage, "webchat", "w1")
    same = await say(svc, "webchat", "w1", f"/lienket {code}")
    assert "đã là của bác ở đây rồi" in said(same)

    clock.now += timedelta(minutes=15)
    expired = await say(svc, "telegram", "t1", "/start", f"/lienket {code}")
    assert "đã hết hạn" in said(expired)
    assert len(await storage.rows("learner")) == 2

    code = await new_code(svc, storage, "webchat", "w1")
    await say(svc, "telegram", "t1", f"/lienket {code}")
    again = await say(svc, "zalo_oa", "o1", "/start", f"/lienket {code}")
    assert "Mình không tìm thấy mã này" in said(again)
    assert len(await storage.rows("learner")) == 2  # the owner and the zalo_oa stranger
    [used] = [row for row in await storage.rows("link_code") if row["code"] == code]
    assert used["used_at"] is not None
    # Typed again on the app it linked: already one learner.
    assert "đã là của bác" in said(await say(svc, "telegram", "t1", f"/lienket {code}"))


async def test_a_reissued_code_replaces_a_dead_row_with_the_same_digits(
    svc: ConversationService, storage: Storage
) -> None:
    await say(svc, "webchat", "w1", "/start", "1")
    owner = await learner_id(storage, "webchat", "w1")
    for now in (START, START + timedelta(minutes=20)):
        async with storage.unit_of_work(now) as uow:
            await record_milestone(
                uow, owner, LinkCodeIssued("424242", now + timedelta(minutes=15)),
                channel="webchat", content_version="v", profile=Profile(),
            )  # fmt: skip
    [row] = await storage.rows("link_code")
    assert row["code"] == "424242" and row["used_at"] is None
    assert as_utc(row["created_at"]) == START + timedelta(minutes=20)


async def test_merge_moves_or_drops_every_row_of_the_learner_who_typed(
    svc: ConversationService, storage: Storage
) -> None:
    await say(svc, "webchat", "w1", "/start", "1", "1", "1", "1")  # A1 read only
    await say(svc, "telegram", "t1", *PASS_A1)
    owner, other = (
        await learner_id(storage, "webchat", "w1"),
        await learner_id(storage, "telegram", "t1"),
    )
    await set_profile(storage, owner, Profile(group=TargetGroup.RESIDENTS))
    await set_profile(
        storage, other, Profile(province="01", commune="00004", admin_version="2025")
    )
    await add_rows(storage, owner, code="OWNERCODE2", day=date(2026, 3, 1))
    await add_rows(storage, other, code="OTHERCODE3", day=date(2026, 3, 1))
    async with storage.unit_of_work(START) as uow:
        await uow.connection.execute(
            insert(fire_t).values(
                learner_id=other, kind="reminder", day=date(2026, 3, 2), created_at=START
            )
        )
    await say(svc, "telegram", "t1", "/lienket")  # a code of the learner who will be merged
    code = await new_code(svc, storage, "webchat", "w1")
    await say(svc, "telegram", "t1", code)  # on the link screen: just the code

    def only(rows: Any) -> list[tuple[Any, ...]]:
        return sorted(tuple(row[key] for key in ("learner_id", "kind", "day")) for row in rows)

    assert {r["learner_id"] for r in await storage.rows("certificate")} == {owner}
    assert only(await storage.rows("scheduled_fire")) == [
        (owner, "reminder", date(2026, 3, 1)),
        (owner, "reminder", date(2026, 3, 2)),
    ]
    outbox = await storage.rows("outbox_message")
    assert sorted((r["learner_id"], r["kind"]) for r in outbox) == [
        (owner, "normal"),
        (owner, "normal"),
        (owner, "reminder"),
    ]
    assert {r["learner_id"] for r in await storage.rows("link_code")} == {owner}
    modules = [e for e in await storage.completion_events() if e["kind"] == "module_completed"]
    assert len(modules) == 1 and modules[0]["learner_id"] == owner
    [progress] = await storage.rows("lesson_progress")
    assert (progress["learner_id"], progress["status"]) == (owner, "passed")
    [learner] = await storage.rows("learner")
    state = LearnerState.from_json(learner["state"])
    assert state.profile == Profile(
        province="01", commune="00004", admin_version="2025", group=TargetGroup.RESIDENTS
    )
    assert (learner["commune_code"], learner["target_group"]) == ("00004", "residents")
    assert state.passed == ["A1"] and state.read == ["A1"]


async def test_a_batch_never_holds_the_link_and_another_turn_of_the_survivor(
    svc: ConversationService, storage: Storage
) -> None:
    await say(svc, "webchat", "w1", "/start", "1")
    await say(svc, "telegram", "t1", *PASS_A1)
    code = await new_code(svc, storage, "webchat", "w1")
    await say(svc, "webchat", "w1", "/menu")
    # One transaction's worth of turns, as the writer hands them over: the owner opens the
    # modules on the web chat while Telegram types the code (both orders).
    results = await run_batch(svc, [msg("webchat", "w1", "2"), msg("telegram", "t1", code)])
    assert "Đã liên kết!" in said(results[1])
    state = await storage.learner_state("webchat", "w1")
    assert state is not None and state.passed == ["A1"] and state.mode is Mode.MENU
    assert len(await storage.rows("learner")) == 1

    await say(svc, "zalo_bot", "z1", "/start")
    code = await new_code(svc, storage, "webchat", "w1")
    await say(svc, "webchat", "w1", "/menu")
    before = await storage.learner_state("webchat", "w1")
    results = await run_batch(svc, [msg("zalo_bot", "z1", code), msg("webchat", "w1", "2")])
    assert "Chọn một chủ đề" in said(results[1])
    assert "Đã liên kết!" in said(results[0])
    state = await storage.learner_state("zalo_bot", "z1")
    assert before is not None and state is not None and state.passed == ["A1"]
    assert state.turn == before.turn + 2  # both turns applied, one after the other


async def test_two_apps_of_one_learner_in_one_batch_run_one_after_the_other(
    svc: ConversationService, storage: Storage
) -> None:
    await say(svc, "webchat", "w1", "/start", "1")
    code = await new_code(svc, storage, "webchat", "w1")
    await say(svc, "telegram", "t1", "/start", code)
    before = await storage.learner_state("webchat", "w1")
    assert before is not None
    # Menu -> all lessons (web chat), then -> module A (Telegram), in one batch.
    results = await run_batch(svc, [msg("webchat", "w1", "2"), msg("telegram", "t1", "1")])
    assert "Chọn một chủ đề" in said(results[0])
    assert "Các bài trong" in said(results[1])
    state = await storage.learner_state("telegram", "t1")
    assert state is not None and state.mode is Mode.MODULE and state.module_id == "A"
    assert state.turn == before.turn + 2


async def test_what_two_apps_complete_together_is_recorded_once(
    svc: ConversationService, storage: Storage
) -> None:
    from sqlalchemy import update

    from storage.tables import learner_t

    await say(svc, "webchat", "w1", *PASS_A1)  # A1 here, A2 (the rest of module A) there
    await say(svc, "telegram", "t1", "/start", "1")
    other = await learner_id(storage, "telegram", "t1")
    passed_a2 = LearnerState(mode=Mode.MENU, consent=True, passed=["A2"]).to_json()
    async with storage.unit_of_work(svc.clock()) as uow:
        await uow.connection.execute(
            update(learner_t).where(learner_t.c.id == other).values(state=passed_a2)
        )
    code = await new_code(svc, storage, "webchat", "w1")
    await say(svc, "telegram", "t1", f"/lienket {code}")
    kinds = [e["kind"] for e in await storage.completion_events()]
    assert kinds.count("module_completed") == 1 and kinds.count("course_completed") == 1
    await say(svc, "webchat", "w1", "/menu")  # nothing is recorded again afterwards
    assert [e["kind"] for e in await storage.completion_events()] == kinds
