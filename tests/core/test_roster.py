"""The roster in the pure core (`/danhsach`): pages of eight, stalled villagers (3 local days
without a step, on a moved clock), a villager's details, nudges under the reminder rules, the
skills an ambassador confirms, and the learner's `/tiendo` showing theirs; and what the service
must load first (`bot.core.needs`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.content import Catalog
from bot.core import Context, InboundMessage, InputKind, LearnerState, Mode, Reply, handle
from bot.core.events import DomainEvent, NudgeQueued, SkillConfirmed
from bot.core.needs import roster_wanted, skills_wanted
from bot.core.skills import ConfirmedSkill
from bot.core.state import AmbassadorRole
from bot.core.villagers import Roster, Villager, stalled
from bot.places.data import load_places
from tests.dialog import fixture_catalog

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 10)  # a Tuesday
BA_DINH = "00004"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def villager(number: int, **changes: object) -> Villager:
    """Villager `number`, joined 10 days before DAY on Telegram, learning: a step yesterday."""
    values: dict[str, object] = {
        "learner_id": 100 + number,
        "number": number,
        "joined_at": local(DAY - timedelta(days=10), 9),
        "via": "link",
        "channel": "telegram",
        "alias": None,
        "last_seen_at": local(DAY - timedelta(days=1), 18),
        "last_step_on": DAY - timedelta(days=1),
        "passed": frozenset({"A1"}),
        "locale": "vi",
        "reach": "telegram",
    }
    values.update(changes)
    return Villager(**values)  # type: ignore[arg-type]


def idle(number: int, days: int, **changes: object) -> Villager:
    """A villager whose last step was `days` local days before DAY."""
    return villager(
        number,
        last_step_on=DAY - timedelta(days=days),
        last_seen_at=local(DAY - timedelta(days=days), 20),
        **changes,
    )


class Ambassador:
    """An ambassador talking to the engine, with the roster the service would load."""

    def __init__(self, catalog: Catalog, roster: Roster, now: datetime | None = None) -> None:
        self.catalog, self.roster = catalog, roster
        self.now = now or local(DAY, 10)
        self.state = LearnerState(
            consent=True,
            mode=Mode.MENU,
            turn=3,
            ambassador=AmbassadorRole(province="01", commune=BA_DINH, invite_code="ABC234"),
            last_input_at=self.now,
        )
        self.replies: tuple[Reply, ...] = ()
        self.events: tuple[DomainEvent, ...] = ()
        self.places = load_places()
        self.real_skills: tuple[ConfirmedSkill, ...] | None = None

    def send(self, kind: InputKind, **fields: object) -> str:
        message = InboundMessage(
            channel="test",
            user_ref="amb",
            kind=kind,
            received_at=self.now,
            **fields,  # type: ignore[arg-type]
        )
        ctx = Context(
            self.catalog,
            self.now,
            places=self.places,
            roster=self.roster if roster_wanted(self.state, message) else None,
            real_skills=self.real_skills if skills_wanted(self.state, message) else None,
        )
        outcome = handle(self.state, message, ctx)
        self.state, self.replies, self.events = outcome.state, outcome.replies, outcome.events
        return self.said

    def say(self, text: str) -> str:
        return self.send(InputKind.TEXT, text=text)

    def command(self, name: str) -> str:
        return self.send(InputKind.COMMAND, command=name)

    @property
    def said(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    @property
    def labels(self) -> list[str]:
        return [c.label for reply in self.replies for c in reply.choices]

    def tap(self, label_part: str) -> str:
        found = [c.id for r in self.replies for c in r.choices if label_part in c.label]
        assert len(found) == 1, f"{label_part!r} is not exactly one of {self.labels}"
        return self.send(InputKind.CHOICE, choice_id=found[0])


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return fixture_catalog()


def test_the_roster_pages_eight_at_a_time_and_marks_who_needs_a_hand(catalog: Catalog) -> None:
    everyone = [villager(n) for n in range(1, 12)]
    everyone[1] = idle(2, 5)  # no step for 5 days
    everyone[8] = idle(9, 3, channel="zalo_oa", reach="zalo_oa")
    everyone[3] = villager(4, passed=frozenset({"A1", "A2"}), last_step_on=DAY - timedelta(days=9))
    everyone[10] = villager(11, via="assisted", channel=None, alias="Bà Tư", reach=None)
    amb = Ambassador(catalog, Roster(7, tuple(everyone)))

    said = amb.command("danhsach")
    assert amb.state.mode is Mode.ROSTER
    assert "👥 Bà con của bác: 11 người" in said
    assert "⚠️ Chưa học 3 ngày: 2 người" in said
    assert "🎓 Học xong: 1 người" in said
    assert "Trang 1/2" in said
    assert "⚠️ Người học 2 · Telegram\n▓▓▓░░░ 1/2 · 5 ngày trước" in said
    assert "🎓 Người học 4 · Telegram\n▓▓▓▓▓▓ 2/2 · hôm qua" in said
    assert "Người học 9" not in said  # on page 2
    villagers = [label for label in amb.labels if "Người học" in label]
    assert len(villagers) == 8 and villagers[1] == "⚠️ Người học 2"
    assert amb.labels[8:] == ["Trang sau ▶", "📨 Nhắc 2 người cần giúp", "Menu"]

    said = amb.tap("Trang sau")
    assert "Trang 2/2" in said
    assert "⚠️ Người học 9 · Zalo" in said and "Bà Tư · học cùng bác" in said
    assert "◀ Trang trước" in amb.labels and "Trang sau ▶" not in amb.labels
    # Typed numbers work too (channels without buttons show a numbered menu).
    assert "Trang 1/2" in amb.say("4")  # the 4th choice of page 2: "◀ Trang trước"
    assert amb.say("1").startswith("👤 Người học 1 · Telegram")
    # A detour (the reminder time) comes back to the villager's details.
    amb.command("nhacnho")
    assert amb.state.mode is Mode.REMINDERS
    assert amb.tap("Quay lại").startswith("👤 Người học 1 · Telegram")


def test_stalled_means_three_local_days_without_a_step_on_a_moved_clock(
    catalog: Catalog,
) -> None:
    learning = villager(1, last_step_on=DAY)
    newcomer = villager(2, joined_at=local(DAY, 20), last_step_on=None, passed=frozenset())
    lessons = ["A1", "A2"]
    for days, was_stalled in ((0, False), (2, False), (3, True), (30, True)):
        today = DAY + timedelta(days=days)
        assert stalled(learning, lessons, today, ZONE) is was_stalled
        assert stalled(newcomer, lessons, today, ZONE) is was_stalled
    done = replace(learning, passed=frozenset(lessons))
    assert not stalled(done, lessons, DAY + timedelta(days=30), ZONE)

    # The roster on a clock that moves: not stalled at 23:59 on day 2, stalled at 00:00 on 3.
    amb = Ambassador(catalog, Roster(7, (learning,)), now=local(DAY + timedelta(days=2), 23, 59))
    assert "⚠️" not in amb.command("danhsach")
    amb.now = local(DAY + timedelta(days=3), 0, 0)
    said = amb.command("danhsach")
    assert "⚠️ Người học 1" in said and "⚠️ Chưa học 3 ngày: 1 người" in said


def test_an_empty_roster_points_to_the_invite(catalog: Catalog) -> None:
    amb = Ambassador(catalog, Roster(7))
    assert "Chưa có ai tham gia qua lời mời của bác" in amb.command("danhsach")
    assert amb.labels == ["📣 Lời mời của tôi", "Menu"]
    assert "/thamgia ABC234" in amb.tap("Lời mời")


def test_a_villagers_details_and_a_nudge_in_their_language(catalog: Catalog) -> None:
    english = idle(1, 4, locale="en", passed=frozenset())
    amb = Ambassador(catalog, Roster(7, (english,)))
    amb.command("danhsach")
    said = amb.tap("Người học 1")
    assert amb.state.mode is Mode.VILLAGER and amb.state.villager == 101
    assert "👤 Người học 1 · Telegram" in said
    assert "Tham gia: 28/02/2026" in said
    assert "Bài học: ░░░░░░ 0/2" in said
    assert "Bài tiếp theo: Bài thử một" in said
    assert "Hoạt động gần nhất: 4 ngày trước" in said
    assert "⚠️ 4 ngày chưa học thêm bài nào" in said
    assert amb.labels == [
        "📨 Nhắc học",
        "🏅 Xác nhận kỹ năng đã làm thật",
        "◀ Về danh sách",
        "Menu",
    ]

    said = amb.tap("Nhắc học")
    assert "📨 Mình đã lên lịch nhắc Người học 1." in said
    [nudge] = amb.events
    assert isinstance(nudge, NudgeQueued)
    assert (nudge.learner_id, nudge.day, nudge.not_before) == (101, DAY, local(DAY, 10))
    assert nudge.expires_at == local(DAY, 21)  # skipped, not sent, once quiet hours begin
    assert nudge.text.startswith("👋 The digital ambassador of Phường Ba Đình, Hà Nội")
    assert "“Bài thử một”" in nudge.text  # the next lesson, in the villager's language
    assert nudge.choices == (
        ("r:next_lesson", "Learn now"),
        ("r:reminders", "Change reminder time"),
    )
    assert "📨 Hôm nay đã nhắc rồi." in said
    assert "📨 Nhắc học" not in amb.labels  # one a day


def test_nudge_rules_one_a_day_off_no_app_done_today_and_quiet_hours(catalog: Catalog) -> None:
    nudged = idle(1, 5, nudged_on=frozenset({DAY}))
    off = idle(2, 5, reminders_off=True)
    assisted = idle(3, 5, via="assisted", channel=None, alias="Bà Tư", reach=None)
    blocked = idle(4, 5, reach=None)
    fine = idle(5, 5)
    web = idle(6, 6, channel="webchat", reach="webchat")
    amb = Ambassador(catalog, Roster(7, (nudged, off, assisted, blocked, fine, web)))
    amb.command("danhsach")
    said = amb.tap("Nhắc 6 người cần giúp")
    assert "📨 Mình đã lên lịch nhắc 2 người: Người học 5, Người học 6." in said
    assert "Không nhắc:\n" in said
    assert "• Người học 1: đã được nhắc trong ngày rồi" in said
    assert "• Người học 2: đã tắt nhắc học" in said
    assert "• Bà Tư: học cùng bác trên điện thoại của bác, không có ứng dụng riêng" in said
    assert "• Người học 4: mình không liên lạc được" in said
    assert "Ai dùng trang web sẽ thấy lời nhắc khi mở lại trang." in said
    assert [e.learner_id for e in amb.events if isinstance(e, NudgeQueued)] == [105, 106]
    assert amb.state.mode is Mode.ROSTER

    # Once more the same day: nobody twice (the roster the service loads now says so).
    amb.roster = Roster(
        7, tuple(replace(v, nudged_on=frozenset({DAY})) for v in amb.roster.villagers)
    )
    said = amb.tap("Nhắc 6 người cần giúp")
    assert "Mình chưa gửi lời nhắc nào." in said and amb.events == ()

    # One villager alone: reminders off is said, no button to nudge them.
    amb.command("danhsach")
    said = amb.tap("Người học 2")
    assert "🔕 Bà con đã tắt nhắc học, nên mình không gửi lời nhắc." in said
    assert "📨 Nhắc học" not in amb.labels

    # A villager who already learned today gets none.
    learned = villager(8, last_step_on=DAY)
    amb = Ambassador(catalog, Roster(7, (learned,)))
    amb.command("danhsach")
    amb.tap("Người học 8")
    assert "📨 Nhắc học" not in amb.labels


@pytest.mark.parametrize(
    ("hour", "day", "when"),
    [(22, DAY + timedelta(days=1), "7 giờ sáng mai"), (5, DAY, "7 giờ sáng nay")],
)
def test_in_quiet_hours_a_nudge_waits_for_seven_oclock(
    catalog: Catalog, hour: int, day: date, when: str
) -> None:
    amb = Ambassador(catalog, Roster(7, (idle(1, 4),)), now=local(DAY, hour))
    amb.command("danhsach")
    said = amb.tap("Nhắc 1 người cần giúp")
    assert f"Bây giờ là giờ nghỉ, bà con sẽ nhận được lúc {when}." in said
    [nudge] = amb.events
    assert isinstance(nudge, NudgeQueued)
    assert (nudge.day, nudge.not_before, nudge.expires_at) == (day, local(day, 7), local(day, 21))


def test_confirming_a_real_world_skill(catalog: Catalog) -> None:
    confirmed = (ConfirmedSkill("qr_payment", local(DAY - timedelta(days=2), 9)),)
    amb = Ambassador(catalog, Roster(7, (villager(1, skills=confirmed),)))
    amb.command("danhsach")
    assert "🏅 Đã làm thật:\n• Thanh toán bằng mã QR" in amb.tap("Người học 1")
    said = amb.tap("Xác nhận kỹ năng")
    assert "Kỹ năng đã làm thật của Người học 1" in said
    assert amb.labels == [
        "▫️ Kích hoạt tài khoản định danh điện tử VNeID mức 2",
        "✅ Thanh toán bằng mã QR",
        "▫️ Nộp hồ sơ dịch vụ công trực tuyến",
        "▫️ Bật đăng nhập hai lớp (xác thực 2 bước) trên Zalo",
        "▫️ Báo cáo lừa đảo tới tổng đài 156",
        "◀ Quay lại",
    ]
    assert "đã được xác nhận ngày 08/03/2026" in amb.tap("Thanh toán bằng mã QR")
    assert amb.events == ()

    said = amb.tap("VNeID")
    assert "Bác đã tận mắt thấy Người học 1 tự làm việc này" in said
    assert amb.events == ()
    amb.tap("Không, quay lại")
    assert amb.state.mode is Mode.VILLAGER and amb.events == ()

    amb.tap("Xác nhận kỹ năng")
    amb.tap("VNeID")
    said = amb.tap("Đúng, tôi đã thấy")
    assert list(amb.events) == [SkillConfirmed(101, "vneid_level2", 7)]
    assert "✅ Đã ghi nhận: Người học 1 đã tự làm" in said
    assert "✅ Kích hoạt tài khoản định danh điện tử VNeID mức 2" in amb.labels  # marked at once


def test_a_villager_who_left_the_roster(catalog: Catalog) -> None:
    amb = Ambassador(catalog, Roster(7, (villager(1), villager(2))))
    amb.command("danhsach")
    amb.tap("Người học 2")
    amb.roster = Roster(7, (villager(1),))  # they erased their data meanwhile
    said = amb.tap("Nhắc học")  # a button for someone no longer there
    assert "Người này không còn trong danh sách của bác nữa" in said and amb.events == ()
    assert amb.labels == ["◀ Về danh sách", "Menu"]
    # Their button on a list shown before: an old button, the list as it is now.
    amb.command("danhsach")
    amb.roster = Roster(7, (villager(2),))
    said = amb.tap("Người học 1")
    assert "Nút này thuộc một tin nhắn cũ" in said and "Bà con của bác · Trang 1/1" in said
    assert amb.labels == ["Người học 2", "Menu"]
    assert amb.state.mode is Mode.ROSTER and amb.events == ()


def test_everyone_else_is_refused_and_learns_nothing(catalog: Catalog) -> None:
    amb = Ambassador(catalog, Roster(7, (villager(1),)))
    amb.state = amb.state.model_copy(update={"ambassador": None})
    for attempt in ("/danhsach", "/danh_sach", "/roster"):
        assert "Lệnh này dành cho Đại sứ số của xã" in amb.say(attempt)
    # A typed villager action (as a forged button) is refused too.
    said = amb.send(InputKind.CHOICE, choice_id=f"{amb.state.turn}:vill.101")
    assert "Người học 1" not in said and amb.state.mode is Mode.MENU


def test_the_learners_progress_report_shows_confirmed_skills(catalog: Catalog) -> None:
    learner = Ambassador(catalog, Roster(7))
    learner.state = learner.state.model_copy(update={"ambassador": None})
    assert "Kỹ năng đã làm thật" not in learner.command("tiendo")
    learner.real_skills = (
        ConfirmedSkill("scam_156", local(DAY, 9)),
        ConfirmedSkill("qr_payment", local(DAY - timedelta(days=1), 15)),
        ConfirmedSkill("retired_skill", local(DAY, 9)),
    )
    said = learner.command("tiendo")
    assert (
        "🏅 Kỹ năng đã làm thật (Đại sứ số xác nhận):\n"
        "✔ Thanh toán bằng mã QR · 09/03/2026\n"
        "✔ Báo cáo lừa đảo tới tổng đài 156 · 10/03/2026"
    ) in said


def message(kind: InputKind, **fields: object) -> InboundMessage:
    return InboundMessage(
        channel="test",
        user_ref="u",
        kind=kind,
        received_at=local(DAY, 9),
        **fields,  # type: ignore[arg-type]
    )


def test_the_service_loads_the_roster_and_skills_only_when_the_input_may_use_them() -> None:
    role = AmbassadorRole(province="01", commune=BA_DINH, invite_code="ABC234")
    menu = LearnerState(consent=True, mode=Mode.MENU, ambassador=role)
    on_roster = menu.model_copy(update={"mode": Mode.VILLAGER})
    learner = menu.model_copy(update={"ambassador": None})
    command = message(InputKind.COMMAND, command="danhsach")
    typed = message(InputKind.TEXT, text="/Danh_Sach")
    summary_button = message(InputKind.CHOICE, choice_id="r:roster")
    answer = message(InputKind.TEXT, text="2")
    assert roster_wanted(menu, command) and roster_wanted(menu, typed)
    assert roster_wanted(menu, summary_button) and roster_wanted(on_roster, answer)
    assert not roster_wanted(menu, answer)
    assert not roster_wanted(learner, command)  # refused without reading anything

    assert skills_wanted(learner, message(InputKind.COMMAND, command="tiendo"))
    assert skills_wanted(learner, message(InputKind.TEXT, text="tien do"))
    assert skills_wanted(learner, message(InputKind.CHOICE, choice_id="4:progress"))
    assert skills_wanted(learner, answer)  # typed at the menu: may name "Tiến độ của tôi"
    assert not skills_wanted(learner.model_copy(update={"mode": Mode.LESSON}), answer)
    assert not skills_wanted(learner, message(InputKind.CHOICE, choice_id="4:next_lesson"))
