"""Dialog tests of linking apps in the pure core: /lienket, the link screen, each answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core import Context, InboundMessage, InputKind, LearnerState, Mode, Reply, handle
from bot.core.context import LinkResult, LinkStatus
from bot.core.events import LinkCodeIssued
from bot.core.link_flow import LINK_CODE_VALID, link_code_typed
from bot.core.state import CertificateInfo, Profile, ReviewCard, Streak, TargetGroup
from tests.dialog import Dialog, fixture_catalog

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class LinkDialog(Dialog):
    """A dialog with a controllable clock, predictable link codes and the service's answer to
    a typed code (`link`), as `ConversationService` would give them."""

    def __init__(self) -> None:
        super().__init__(fixture_catalog())
        self.now = NOW
        self.codes = iter(["246810", "135790", "111222"])
        self.link: LinkResult | None = None

    def _send(self, kind: InputKind, **fields: object) -> tuple[Reply, ...]:
        message = InboundMessage(
            channel="test",
            user_ref="u1",
            kind=kind,
            received_at=self.now,
            locale=self.locale,
            **fields,  # type: ignore[arg-type]
        )
        ctx = Context(self.catalog, self.now, link_code=lambda: next(self.codes), link=self.link)
        outcome = handle(self.state, message, ctx)
        self.last, self.state, self.replies = outcome, outcome.state, outcome.replies
        self.events.extend(outcome.events)
        self.link = None  # the service's answer is for one turn only
        return outcome.replies


@pytest.fixture
def dialog() -> LinkDialog:
    return LinkDialog()


def agreed(dialog: LinkDialog) -> LinkDialog:
    dialog.command("start")
    dialog.agree()
    return dialog


def test_lienket_shows_a_code_valid_for_15_minutes(dialog: LinkDialog) -> None:
    agreed(dialog).text("/lienket")
    assert dialog.state.mode is Mode.LINK
    assert "246810" in dialog.said and "/lienket 246810" in dialog.said
    assert "Telegram, Zalo hoặc trang web" in dialog.said and "15 phút" in dialog.said
    assert [label for _id, label in dialog.choices] == ["Tôi có mã từ ứng dụng khác", "Menu"]
    assert dialog.events[-1] == LinkCodeIssued("246810", NOW + timedelta(minutes=15))
    assert (dialog.state.link_code, dialog.state.link_expires_at) == (
        "246810",
        NOW + LINK_CODE_VALID,
    )


def test_the_same_code_again_while_valid_and_a_new_one_after(dialog: LinkDialog) -> None:
    agreed(dialog).text("/lienket")
    dialog.tap("Menu")
    dialog.now += timedelta(minutes=10)
    dialog.text("liên kết")  # the typed keyword
    assert "246810" in dialog.said
    assert sum(isinstance(e, LinkCodeIssued) for e in dialog.events) == 1
    dialog.now += timedelta(minutes=6)
    dialog.command("lienket")
    assert "135790" in dialog.said and "246810" not in dialog.said
    assert dialog.events[-1] == LinkCodeIssued("135790", dialog.now + LINK_CODE_VALID)


def test_an_expired_code_on_screen_is_no_longer_shown(dialog: LinkDialog) -> None:
    agreed(dialog).text("/lienket")
    dialog.now += timedelta(minutes=16)
    dialog.text("abc")
    assert "246810" not in dialog.said and "6 chữ số" in dialog.said
    assert [label for _id, label in dialog.choices] == ["Menu"]


def test_i_have_a_code_waits_for_it_and_refuses_other_text(dialog: LinkDialog) -> None:
    agreed(dialog).text("/lienket")
    dialog.tap("Tôi có mã")
    assert dialog.state.mode is Mode.LINK and dialog.state.link_code is None
    assert "Bác hãy gõ mã 6 chữ số từ ứng dụng kia" in dialog.said
    before = dialog.state
    dialog.text("mã đâu rồi")
    assert "Mã liên kết gồm 6 chữ số" in dialog.said and dialog.state == before
    dialog.tap("Menu")
    assert dialog.state.mode is Mode.MENU


def test_linked_answers_with_the_menu_of_the_merged_learner(dialog: LinkDialog) -> None:
    agreed(dialog).text("/lienket")
    dialog.tap("Tôi có mã")
    # The service merged this app into the other one and runs the turn on the merged state.
    dialog.state = dialog.state.model_copy(
        update={"passed": ["A1"], "link_code": "999000", "link_expires_at": NOW}
    )
    dialog.link = LinkResult(LinkStatus.LINKED, "778899")
    dialog.text("778 899")
    assert "Đã liên kết!" in dialog.said and "/xoadulieu" in dialog.said
    assert dialog.state.mode is Mode.MENU and dialog.state.passed == ["A1"]
    assert dialog.state.link_code is None and dialog.state.link_expires_at is None
    assert any("Bài thử hai" in label for _id, label in dialog.choices)


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (LinkStatus.UNKNOWN, "Mình không tìm thấy mã này"),
        (LinkStatus.EXPIRED, "Mã này đã hết hạn"),
        (LinkStatus.SAME, "Mã này đã là của bác ở đây rồi"),
    ],
)
def test_a_code_that_does_not_link_changes_nothing(
    dialog: LinkDialog, status: LinkStatus, sentence: str
) -> None:
    agreed(dialog).text("/lienket")
    before = dialog.state
    dialog.link = LinkResult(status, "123456")
    dialog.text("/lienket 123456")
    assert sentence in dialog.said and dialog.state == before
    assert dialog.last is not None and not dialog.last.events
    assert "Mã liên kết của bác là 246810" in dialog.said  # the screen again, in short


def test_a_new_app_may_link_before_agreeing_there(dialog: LinkDialog) -> None:
    dialog.link = LinkResult(LinkStatus.LINKED, "123456")
    merged = LearnerState(mode=Mode.QUIZ_DONE, consent=True, locale="vi", passed=["A1"], turn=7)
    dialog.state = merged  # what the service hands over after the merge
    dialog.text("123456")
    assert "Đã liên kết!" in dialog.said and dialog.state.consent
    assert dialog.state.mode is Mode.MENU and dialog.state.turn == 8


def test_an_unknown_code_as_the_very_first_message_leads_to_consent(dialog: LinkDialog) -> None:
    dialog.locale = "en"
    dialog.link = LinkResult(LinkStatus.UNKNOWN, "123456")
    dialog.text("123456")
    assert dialog.replies[0].text.startswith("I don't know that code.")
    assert dialog.state.mode is Mode.CONSENT and dialog.state.locale == "en"
    assert [label for _id, label in dialog.choices][:2] == ["I agree", "I do not agree"]


def test_without_consent_lienket_waits_for_a_code_and_issues_none(dialog: LinkDialog) -> None:
    dialog.command("start")
    dialog.text("/lienket")
    assert dialog.state.mode is Mode.LINK and dialog.state.link_code is None
    assert not any(isinstance(e, LinkCodeIssued) for e in dialog.events)
    dialog.tap("Menu")
    assert dialog.state.mode is Mode.MENU and not dialog.state.consent  # the menu is open


def test_a_code_typed_without_the_services_answer_is_not_linked(dialog: LinkDialog) -> None:
    agreed(dialog).text("/lienket 555666")
    assert "Mình không tìm thấy mã này" in dialog.said and dialog.state.mode is Mode.MENU


def message(text: str = "", **fields: object) -> InboundMessage:
    kind = fields.pop("kind", InputKind.TEXT)
    return InboundMessage("test", "u", kind, NOW, text=text, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "sent", "code"),
    [
        (Mode.MENU, message("/lienket 123456"), "123456"),
        (Mode.QUIZ, message("/LienKet 123 456"), "123456"),
        (Mode.MENU, message("/link 12-34-56"), "123456"),
        (
            Mode.LESSON,
            message(kind=InputKind.COMMAND, command="lienket", args=("123", "456")),
            "123456",
        ),
        (Mode.LINK, message(" 123456 "), "123456"),
        (Mode.NEW, message("123 456"), "123456"),
        (Mode.CONSENT, message("123456"), "123456"),
        (Mode.MENU, message("123456"), "123456"),
        (Mode.QUIZ, message("123456"), None),  # an answer to the question on screen
        (Mode.REVIEW, message("123 456"), None),
        (Mode.MENU, message("/lienket"), None),  # asks for a code instead
        (Mode.LINK, message("12345"), None),
        (Mode.LINK, message("1234567"), None),
        (Mode.MENU, message("/tiendo 123456"), None),
        (Mode.LINK, message(kind=InputKind.CHOICE, choice_id="3:menu"), None),
    ],
)
def test_which_inputs_are_link_attempts(
    mode: Mode, sent: InboundMessage, code: str | None
) -> None:
    assert link_code_typed(LearnerState(mode=mode), sent) == code


def test_erasing_resets_profile_reviews_certificate_streak_and_link(dialog: LinkDialog) -> None:
    agreed(dialog).text("/lienket")
    dialog.state = dialog.state.model_copy(
        update={
            "profile": Profile(province="01", commune="00004", group=TargetGroup.RESIDENTS),
            "reviews": [ReviewCard(lesson_id="A1", question_id="q1", due=NOW)],
            "certificate": CertificateInfo(code="ABCDEF2345", issued_at=NOW),
            "streak": Streak(current=3, best=5, last_day=date(2026, 3, 1)),
            "vneid_reported": True,
            "passed": ["A1"],
        }
    )
    dialog.text("/xoadulieu")
    dialog.tap("Có, xóa")
    assert dialog.state == LearnerState(mode=Mode.NEW, locale="vi", turn=dialog.state.turn)


def test_context_link_defaults_to_none() -> None:
    ctx = Context(fixture_catalog(), NOW)
    assert ctx.link is None and replace(ctx, link=LinkResult(LinkStatus.SAME, "1")).link
