"""The pure rule of a "Gia đình số" (`bot.core.families`) and the family codes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.families import (
    FamilyRule,
    counts,
    is_digital,
    is_family_code,
    normalise_family_code,
)
from bot.core.invite_flow import invite_typed
from bot.core.messages import InboundMessage, InputKind

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
