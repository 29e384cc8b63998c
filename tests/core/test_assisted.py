"""Learning together in the pure core: whose an input is during a session, the alias rules,
refusals, and the session's end (asked, by leaving, or when the villager is gone). The service
is stood in for by `Desk`, which routes exactly as `bot.service` does."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core import Context, InboundMessage, InputKind, LearnerState, Mode, Reply, handle
from bot.core.assisted_inputs import SessionInput, session_input
from bot.core.assisted_session import (
    added_villager,
    first_turn,
    open_session,
    opened_with,
    relay,
    session_route,
    villager_state,
)
from bot.core.context import Companion
from bot.core.events import VillagerAdded, VillagerErased
from bot.core.state import AmbassadorRole
from tests.dialog import START, fixture_catalog

CATALOG = fixture_catalog()


def text(value: str) -> InboundMessage:
    return InboundMessage("test", "amb", InputKind.TEXT, START, text=value)


def tap(choice_id: str) -> InboundMessage:
    return InboundMessage("test", "amb", InputKind.CHOICE, START, choice_id=choice_id)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (text("/hoccung"), SessionInput.AMBASSADOR),
        (text("/hoc_cung"), SessionInput.AMBASSADOR),
        (
            InboundMessage("t", "a", InputKind.COMMAND, START, command="hoccung"),
            SessionInput.AMBASSADOR,
        ),
        (tap("7:hc.end"), SessionInput.AMBASSADOR),
        (text("/xoadulieu"), SessionInput.ERASE),
        (text("/xoá_dữ_liệu"), SessionInput.ERASE),
        (text("/moi"), SessionInput.REFUSED),
        (text("/danhsach"), SessionInput.REFUSED),
        (text("/daisu ABCD-EFGH"), SessionInput.REFUSED),
        (text("/thamgia ABC234"), SessionInput.REFUSED),
        (text("/lienket 123456"), SessionInput.REFUSED),
        (text("/canbo MFZ4-Z9AQ"), SessionInput.REFUSED),  # never makes the villager an official
        (text("/madaisu 00004 3"), SessionInput.REFUSED),
        (text("/lienket"), SessionInput.VILLAGER),  # a code for the villager's own phone
        (text("/tiendo"), SessionInput.VILLAGER),
        (text("tiep tuc"), SessionInput.VILLAGER),
        (tap("1000004:continue"), SessionInput.VILLAGER),
    ],
)
def test_whose_an_input_is_during_a_session(
    message: InboundMessage, expected: SessionInput
) -> None:
    assert session_input(message) is expected


class Desk:
    """An ambassador and their villagers, run through the core as the service runs them."""

    def __init__(self) -> None:
        self.now = START
        self.me = LearnerState(
            mode=Mode.MENU,
            consent=True,
            ambassador=AmbassadorRole(province="01", commune="00004", invite_code="ABC234"),
        )
        self.villagers: dict[str, LearnerState] = {}
        self.aliases: dict[str, str] = {}
        self.replies: tuple[Reply, ...] = ()
        self.ids = iter(f"v{n}" for n in range(1, 100))

    def ctx(self, message: InboundMessage) -> Context:
        ctx = Context(CATALOG, self.now, villager_id=lambda: next(self.ids))
        if message.text.startswith("/hoccung"):
            listed = tuple(Companion(v, self.aliases[v]) for v in self.villagers)
            ctx = replace(ctx, villagers=listed)
        return ctx

    def send(self, message: InboundMessage) -> str:
        ctx = self.ctx(message)
        target = session_route(self.me, message, self.now)
        if target is not None:
            session = relay(self.me, self.villagers.get(target), message, ctx)
        else:
            outcome = handle(self.me, message, ctx)
            for event in outcome.events:
                if isinstance(event, VillagerErased):
                    self.villagers.pop(event.public_id, None)
            added = added_villager(outcome)
            if added is not None:
                self.villagers[added.public_id] = villager_state(added)
                self.aliases[added.public_id] = added.alias
            opened = opened_with(outcome)
            if opened is None:
                self.me, self.replies = outcome.state, outcome.replies
                return self.said
            session = open_session(outcome, self.villagers.get(opened), message, ctx)
        self.me = session.ambassador.state
        if session.villager is not None:
            assert self.me.assisting is not None
            self.villagers[self.me.assisting.villager] = session.villager.state
        self.replies = session.replies
        return self.said

    def say(self, value: str) -> str:
        return self.send(text(value))

    def tap(self, label: str) -> str:
        return self.send(tap(self.choice(label)))

    def choice(self, label: str) -> str:
        found = [c.id for r in self.replies for c in r.choices if label in c.label]
        assert len(found) == 1, (label, [c.label for r in self.replies for c in r.choices])
        return found[0]

    @property
    def said(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    def add(self, alias: str) -> str:
        self.say("/hoccung")
        self.tap("Thêm người mới")
        self.say(alias)
        self.tap("Bỏ qua")
        self.tap("Bỏ qua")
        return self.tap("Bác ấy đã đồng ý")


def test_an_alias_is_short_and_never_a_phone_or_id_number() -> None:
    desk = Desk()
    desk.say("/hoccung")
    desk.tap("Thêm người mới")
    assert "dãy số" in desk.say("0912345678")
    assert "dãy số" in desk.say("CCCD 001234567890")
    assert "dãy số" in desk.say("12 3")
    assert "hơi dài" in desk.say("Bà " + "Tư" * 30)
    assert desk.me.mode is Mode.ASSISTED_ALIAS and desk.me.villager_draft is None
    assert "Ông Ba xóm 12 bao nhiêu tuổi" in desk.say("  Ông Ba   xóm 12 ")
    assert desk.me.villager_draft is not None and desk.me.villager_draft.alias == "Ông Ba xóm 12"


def test_the_same_alias_twice_is_refused_kindly() -> None:
    desk = Desk()
    desk.add("Bà Tư")
    desk.say("/hoccung")
    desk.tap("Thêm người mới")
    assert "đã có một người tên Bà Tư" in desk.say("ba tu")
    assert desk.me.mode is Mode.ASSISTED_ALIAS


def test_declining_emits_nothing_and_adding_emits_the_villager() -> None:
    desk = Desk()
    desk.say("/hoccung")
    desk.tap("Thêm người mới")
    desk.say("Bà Tư")
    desk.tap("Từ 60 tuổi trở lên")
    desk.tap("Người dân")
    outcome = handle(desk.me, tap(desk.choice("Chưa đồng ý")), desk.ctx(text("")))
    assert outcome.events == () and outcome.state.assisting is None
    outcome = handle(desk.me, tap(desk.choice("Bác ấy đã đồng ý")), desk.ctx(text("")))
    added = added_villager(outcome)
    assert isinstance(added, VillagerAdded) and (added.alias, added.commune) == ("Bà Tư", "00004")
    assert (added.age_band, added.group) == ("60_plus", "residents")
    assert opened_with(outcome) == added.public_id


def test_a_button_of_one_villager_tapped_in_anothers_session_changes_nothing() -> None:
    assert first_turn("v1") != first_turn("v2")
    desk = Desk()
    desk.add("Bà Tư")
    ba_tu_button = desk.choice("Học bài")
    desk.add("Ông Năm")
    ong_nam = desk.villagers["v2"]
    said = desk.send(tap(ba_tu_button))
    assert "tin nhắn cũ" in said and "Ông Năm" in said
    assert desk.villagers["v2"].mode is ong_nam.mode is Mode.MENU
    # Nor does the ambassador's own old button, tapped for a villager.
    assert desk.me.turn < 1_000_000 <= min(first_turn("v1"), first_turn("v2"))


def test_refused_during_a_session_and_nothing_changes() -> None:
    desk = Desk()
    desk.add("Bà Tư")
    before = desk.me
    for command in ("/xoadulieu", "/moi", "/danhsach", "/lienket 123456", "/thamgia ABC234"):
        said = desk.say(command)
        assert "Trong lúc bác đang học cùng Bà Tư" in said, command
        assert desk.me.assisting == before.assisting and desk.me.mode is Mode.ASSISTING
    # Six digits typed at the villager's menu are no link code either.
    said = desk.say("123456")
    assert "không gõ mã từ ứng dụng khác" in said and said.startswith("👥 Đang học cùng: Bà Tư")


def test_leaving_for_the_ambassadors_own_screen_ends_the_session() -> None:
    desk = Desk()
    desk.add("Bà Tư")
    desk.say("/hoccung")
    said = desk.say("/menu")
    assert said.startswith("⏹ Buổi học cùng Bà Tư đã kết thúc")
    assert desk.me.assisting is None and desk.me.mode is Mode.MENU
    assert "Đang học cùng" not in desk.say("/tiendo")


def test_a_villager_deleted_ends_the_session() -> None:
    desk = Desk()
    desk.add("Bà Tư")
    desk.add("Ông Năm")
    desk.say("/hoccung")
    desk.tap("Xóa dữ liệu của một người")
    desk.tap("🗑 Ông Năm")
    assert "Xóa toàn bộ dữ liệu đã lưu của Ông Năm" in desk.said
    said = desk.tap("Có, xóa dữ liệu")
    assert "dữ liệu của Ông Năm đã được xóa" in said
    assert desk.me.assisting is None and set(desk.villagers) == {"v1"}
    # Bà Tư's data deleted elsewhere, then picked from a list shown before: the session ends.
    desk.say("/hoccung")
    desk.villagers.pop("v1")
    said = desk.tap("👤 Bà Tư")
    assert "không còn tìm thấy dữ liệu của Bà Tư" in said
    assert desk.me.assisting is None and desk.me.mode is Mode.ASSISTED
    assert desk.me.villagers == []


def test_no_learning_together_for_someone_who_is_no_ambassador() -> None:
    me = LearnerState(mode=Mode.MENU, consent=True)
    outcome = handle(me, text("/hoccung"), Context(CATALOG, datetime(2026, 3, 2, tzinfo=UTC)))
    assert "dành cho Đại sứ số" in outcome.replies[0].text and outcome.events == ()
    assert outcome.state.mode is Mode.MENU
