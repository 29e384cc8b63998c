"""The core's side of ambassadors and invites, with the service's answers handed over in the
`Context`: nothing is redeemed or recorded before consent, a waiting invite is recorded at
consent, the commune defaults to the ambassador's, `/moi` without Telegram."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core import Context, InboundMessage, InputKind, LearnerState, Mode, handle
from bot.core.ambassador_flow import ambassador_code_typed
from bot.core.context import (
    AmbassadorCodeResult,
    AmbassadorStatus,
    InviteResult,
    InviteStatus,
    PublicLinks,
)
from bot.core.events import Enrolled
from bot.core.invite_flow import invite_in_play, invite_typed
from bot.core.outcome import Outcome
from bot.core.state import AmbassadorRole
from bot.places.data import load_places
from tests.dialog import fixture_catalog

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
CTX = Context(fixture_catalog(), NOW, places=load_places(), links=PublicLinks("https://h.vn"))
FOUND = InviteResult("ABC234", InviteStatus.FOUND, ambassador_id=7, province="01", commune="00004")
ROLE = AmbassadorRole(province="01", commune="00004", invite_code="XYZ789")


def text(value: str) -> InboundMessage:
    return InboundMessage("test", "u1", InputKind.TEXT, NOW, text=value)


def turn(state: LearnerState, value: str, ctx: Context = CTX) -> Outcome:
    return handle(state, text(value), ctx)


def said(outcome: Outcome) -> str:
    return "\n".join(reply.text for reply in outcome.replies)


def agreed() -> LearnerState:
    return LearnerState(mode=Mode.MENU, consent=True)


def test_what_the_service_is_asked_to_look_up() -> None:
    assert invite_typed(text("/start abc234")) == ("abc234", "link")
    assert invite_typed(text("/thamgia ABC 234")) == ("ABC234", "code")
    assert invite_typed(text("/tham_gia")) is None
    assert invite_typed(text("/start")) is None
    assert invite_typed(text("tham gia ABC234")) is None
    waiting = LearnerState(mode=Mode.CONSENT, invite="ABC234", invite_via="code")
    assert invite_in_play(waiting, text("1")) == ("ABC234", "code")
    # Once agreed, a leftover payload is looked up no more.
    assert invite_in_play(waiting.model_copy(update={"consent": True}), text("1")) is None
    assert ambassador_code_typed(agreed(), text("/daisu abcd-efgh")) == "abcd-efgh"
    assert ambassador_code_typed(agreed(), text("/Đại_sứ abcd")) == "abcd"
    assert ambassador_code_typed(LearnerState(mode=Mode.CONSENT), text("/daisu abcd")) is None


def test_daisu_before_consent_leads_to_consent_and_redeems_nothing() -> None:
    state = turn(LearnerState(), "hello").state
    outcome = turn(state, "/daisu ABCD-EFGH")
    assert outcome.state.mode is Mode.CONSENT and outcome.state.ambassador is None


def test_an_invite_waits_for_consent_and_is_recorded_then() -> None:
    first = turn(LearnerState(), "/start ABC234")
    assert (first.state.invite, first.state.invite_via) == ("ABC234", "link")
    assert not first.events
    declined = turn(first.state, "/thamgia ABC234", replace(CTX, invite=FOUND))
    assert declined.state.mode is Mode.CONSENT and not declined.events
    assert declined.state.invite_via == "code"

    agreed_now = turn(declined.state, "Đồng ý", replace(CTX, invite=FOUND))
    assert Enrolled(7, "code") in agreed_now.events
    state = agreed_now.state
    assert state.invite is None and state.profile.commune == "00004"
    assert state.mode is Mode.PROFILE_PLACE
    # The commune question offers the ambassador's commune first.
    [reply] = [r for r in agreed_now.replies if r.choices]
    assert reply.choices[0].label == "Phường Ba Đình, Hà Nội"
    assert reply.choices[0].id.endswith(":place.00004")
    assert "Bác bấm “Phường Ba Đình, Hà Nội” nếu đúng" in reply.text


def test_an_unknown_payload_is_dropped_at_consent_without_a_word() -> None:
    state = turn(LearnerState(), "/start not-an-invite").state
    unknown = InviteResult("NOT-AN-INVITE", InviteStatus.UNKNOWN)
    outcome = turn(state, "Đồng ý", replace(CTX, invite=unknown))
    assert outcome.state.consent and outcome.state.invite is None
    assert not any(isinstance(event, Enrolled) for event in outcome.events)
    assert "mã mời" not in said(outcome)


def test_a_second_invite_or_an_own_code_changes_nothing() -> None:
    enrolled = replace(FOUND, enrolled=True)
    outcome = turn(agreed(), "/start ABC234", replace(CTX, invite=enrolled))
    assert not any(isinstance(e, Enrolled) for e in outcome.events)
    own = InviteResult("XYZ789", InviteStatus.OWN)
    mine = agreed().model_copy(update={"ambassador": ROLE})
    outcome = turn(mine, "/thamgia XYZ789", replace(CTX, invite=own))
    assert "mã mời của chính bác" in said(outcome)
    assert not any(isinstance(e, Enrolled) for e in outcome.events)


def test_appointed_role_is_kept_and_moi_leaves_telegram_out_when_unknown() -> None:
    appointed = AmbassadorCodeResult(AmbassadorStatus.APPOINTED, ROLE, "00004")
    outcome = turn(agreed(), "/daisu ABCD-EFGH", replace(CTX, ambassador_code=appointed))
    assert outcome.state.ambassador == ROLE
    invite = turn(outcome.state, "/moi")
    assert "Telegram" not in said(invite)
    assert "https://h.vn/?start=XYZ789" in said(invite)
    assert [r.image for r in invite.replies if r.image] == ["invite/XYZ789.png"]
    with_bot = replace(CTX, links=PublicLinks("https://h.vn", "hocvuso_bot"))
    assert "https://t.me/hocvuso_bot?start=XYZ789" in said(turn(outcome.state, "/moi", with_bot))


def test_an_ambassador_is_told_that_erasing_takes_their_phoneless_villagers_too() -> None:
    learner = agreed()
    asked = said(turn(learner, "/xoadulieu"))
    assert "không có điện thoại riêng" not in asked
    learner.ambassador = ROLE
    asked = said(turn(learner, "/xoadulieu"))
    assert "những người bác học cùng mà không có điện thoại riêng cũng sẽ bị xóa" in asked
