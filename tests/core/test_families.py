"""The pure rule of a "Gia đình số" (`bot.core.families`) and the family codes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.context import Context
from bot.core.families import (
    FamilyContext,
    FamilyRule,
    counts,
    is_digital,
    is_family_code,
    normalise_family_code,
)
from bot.core.family_screens import family_texts
from bot.core.invite_flow import invite_typed
from bot.core.messages import InboundMessage, InputKind
from bot.core.state import LearnerState, Mode
from bot.core.turn import Turn
from tests.dialog import fixture_catalog

ADULT, CHILD = "36_59", "under_16"


def test_adults_must_have_completed_and_children_learn_along() -> None:
    assert is_digital([(ADULT, True), (CHILD, False)], FamilyRule.ADULTS)
    assert not is_digital([(ADULT, True), (CHILD, False)], FamilyRule.EVERYONE)
    assert not is_digital([(ADULT, True), (ADULT, False)], FamilyRule.ADULTS)
    assert is_digital([(ADULT, True), ("60_plus", True), (CHILD, False)], FamilyRule.ADULTS)


def test_one_member_or_only_children_is_no_digital_family() -> None:
    assert not is_digital([(ADULT, True)], FamilyRule.ADULTS)
    assert not is_digital([(CHILD, True), (CHILD, True)], FamilyRule.ADULTS)
    assert is_digital([(CHILD, True), (CHILD, True)], FamilyRule.EVERYONE)


def test_an_unknown_age_band_counts_as_an_adult() -> None:
    assert counts(None, FamilyRule.ADULTS)
    assert not is_digital([(ADULT, True), (None, False)], FamilyRule.ADULTS)


def test_family_codes_are_told_apart_from_ambassador_invites() -> None:
    assert is_family_code("GDABC234") and is_family_code("gd-abc 234")
    assert normalise_family_code("gd-abc 234") == "GDABC234"
    assert not is_family_code("ABC234")  # an ambassador's invite
    assert not is_family_code("GDABC2345")


def test_a_typed_family_code_waits_like_an_invite() -> None:
    def text(value: str) -> InboundMessage:
        return InboundMessage("zalo_bot", "u", InputKind.TEXT, datetime.now(UTC), text=value)

    assert invite_typed(text("/giadinh GDABC234")) == ("GDABC234", "code")
    assert invite_typed(text("/giadinh")) is None
    assert invite_typed(text("/giadinh hello")) is None


def _screen(rule: FamilyRule | None, mode: Mode) -> str:
    catalog = fixture_catalog()
    ctx = Context(catalog, datetime(2026, 3, 2, tzinfo=UTC))
    if rule is not None:
        ctx = replace(ctx, family=FamilyContext(learner_id=1, rule=rule))
    state = LearnerState(locale="vi", mode=mode)
    message = InboundMessage(
        channel="test", user_ref="u1", kind=InputKind.TEXT, received_at=ctx.now, text="x"
    )
    return "\n".join(family_texts(Turn(state, message, ctx), True))


def test_the_family_texts_state_the_deployments_rule() -> None:
    adults = _screen(FamilyRule.ADULTS, Mode.FAMILY_AGE)
    assert "từ 16 tuổi trở lên" in adults and "Trẻ nhỏ hơn vẫn học cùng" in adults
    everyone = _screen(FamilyRule.EVERYONE, Mode.FAMILY_AGE)
    assert "kể cả trẻ nhỏ" in everyone and "16 tuổi" not in everyone
    intro = _screen(FamilyRule.EVERYONE, Mode.FAMILY)
    assert "kể cả trẻ nhỏ" in intro and "giấy chứng nhận" in intro
    assert "từ 16 tuổi trở lên" in _screen(None, Mode.FAMILY)  # no family loaded: the default
