"""The self-check at the start (lessons/selfcheck.yaml): offered once to a learner starting out,
skippable, reachable with /tukiemtra, one question per message, a suggested first lesson, and
nothing scored or recorded."""

from __future__ import annotations

import dataclasses

import pytest

from bot.content import load_catalog
from bot.core import Context, InboundMessage, Mode
from bot.core.state import LearnerState, SelfCheckProgress
from lessons.models import SelfCheckQuestion
from storage.merge_state import merged_state
from tests.core.test_assisted import Desk
from tests.dialog import Dialog, fixture_catalog

CATALOG = load_catalog()
SELFCHECK = CATALOG.selfcheck
assert SELFCHECK is not None
OFFER = "Bác trả lời nhanh 5 câu (khoảng 2 phút) để biết nên bắt đầu từ đâu nhé?"
DONT_KNOW = "Chưa biết / chưa làm bao giờ"


def right(question: SelfCheckQuestion) -> str:
    return next(option.text for option in question.options if option.correct)


def first_lesson(module: str) -> str:
    return next(lesson.title for lesson in CATALOG.lessons if lesson.module == module)


def labels(dialog: Dialog) -> list[str]:
    return [label for _id, label in dialog.choices]


@pytest.fixture
def dialog() -> Dialog:
    """Consent given, the profile questions skipped: the offer is on screen."""
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.tap("Đồng ý")
    dialog.tap("Bỏ qua phần này")
    return dialog


def answer_all(dialog: Dialog, wrong_modules: set[str]) -> None:
    """Answer every question: right, or "Chưa biết" for the modules in `wrong_modules`."""
    for question in SELFCHECK.questions:
        assert dialog.state.mode is Mode.SELFCHECK
        assert question.prompt in dialog.said
        dialog.tap(DONT_KNOW if question.module in wrong_modules else right(question))


def test_after_the_profile_questions_the_offer_comes_and_skipping_starts_lesson_one(
    dialog: Dialog,
) -> None:
    assert dialog.state.mode is Mode.SELFCHECK_OFFER
    assert OFFER in dialog.said
    assert labels(dialog) == ["Trả lời 5 câu", "Bỏ qua, học từ bài 1"]
    dialog.tap("Bỏ qua")
    assert dialog.state.mode is Mode.LESSON and dialog.state.lesson_id == "A1"
    assert "/tukiemtra" in dialog.said
    assert dialog.state.selfcheck_asked
    # Never asked again: going on goes to the lesson.
    dialog.text("/menu")
    dialog.tap("Học tiếp")
    assert dialog.state.mode is Mode.LESSON


def test_the_first_hoc_bai_offers_it_when_the_profile_was_left(dialog: Dialog) -> None:
    dialog.text("/menu")  # the offer left unanswered
    assert dialog.state.mode is Mode.MENU
    dialog.tap("Học bài")
    assert dialog.state.mode is Mode.SELFCHECK_OFFER
    dialog.text("có")  # typed yes starts it
    assert dialog.state.mode is Mode.SELFCHECK
    assert "❓ Tự kiểm tra 1/5" in dialog.said


def test_the_eager_learners_hoc_bai_on_the_first_profile_question_offers_it_too() -> None:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.tap("Đồng ý")
    dialog.tap("Học bài")
    assert dialog.state.mode is Mode.SELFCHECK_OFFER


def test_one_question_per_message_then_the_first_missed_module_is_suggested(
    dialog: Dialog,
) -> None:
    dialog.tap("Trả lời 5 câu")
    before = len(dialog.events)
    for number, question in enumerate(SELFCHECK.questions, start=1):
        assert len(dialog.replies) == 1 and f"Tự kiểm tra {number}/5" in dialog.said
        assert labels(dialog) == [option.text for option in question.options] + ["Menu"]
        dialog.tap(DONT_KNOW if question.module in {"D", "F"} else right(question))
    assert dialog.state.mode is Mode.SELFCHECK_RESULT
    assert "Cảm ơn bác! Bác trả lời đúng 3/5 câu." in dialog.said
    assert "✅ Làm quen điện thoại thông minh" in dialog.said
    assert "📘 Công dân số: VNeID và dịch vụ công" in dialog.said
    assert f"Bác nên bắt đầu từ bài “{first_lesson('D')}”." in dialog.said
    assert dialog.events[before:] == []  # nothing scored, nothing recorded
    assert labels(dialog)[1:] == ["Học từ đầu", "Menu"]
    assert labels(dialog)[0].startswith("Bắt đầu bài: ")
    dialog.tap("Bắt đầu bài")
    assert dialog.state.mode is Mode.LESSON and dialog.state.lesson_id == "D1"


def test_typed_answers_without_accents_are_understood(dialog: Dialog) -> None:
    dialog.text("tra loi 5 cau")
    dialog.text("chua biet")  # question 1, module A
    assert len(dialog.state.selfcheck.answers) == 1  # type: ignore[union-attr]
    for question in SELFCHECK.questions[1:]:
        number = next(i for i, o in enumerate(question.options, 1) if o.correct)
        dialog.text(str(number))
    assert f"“{first_lesson('A')}”" in dialog.said
    # Lesson 1 is the suggestion already: no "Học từ đầu" beside it.
    assert len(labels(dialog)) == 2 and labels(dialog)[0].startswith("Bắt đầu bài: ")
    dialog.text("hoc tu dau")  # no such button: not understood, nothing changes
    assert dialog.state.mode is Mode.SELFCHECK_RESULT


def test_all_right_suggests_the_scams_module(dialog: Dialog) -> None:
    dialog.tap("Trả lời 5 câu")
    answer_all(dialog, set())
    assert "Tuyệt vời, bác trả lời đúng cả 5 câu!" in dialog.said
    assert f"“{first_lesson('F')}”" in dialog.said
    dialog.tap("Học từ đầu")
    assert dialog.state.lesson_id == "A1"


def test_all_wrong_is_told_kindly_and_starts_at_lesson_one(dialog: Dialog) -> None:
    dialog.tap("Trả lời 5 câu")
    answer_all(dialog, {"A", "C", "D", "E", "F"})
    assert "Không sao đâu bác" in dialog.said
    assert f"“{first_lesson('A')}”" in dialog.said


def test_a_passed_lesson_is_not_suggested_and_the_command_works_later(dialog: Dialog) -> None:
    dialog.tap("Bỏ qua")
    dialog.state = dialog.state.model_copy(update={"passed": ["A1", "F1"]})
    dialog.text("/tukiemtra")
    assert dialog.state.mode is Mode.SELFCHECK
    answer_all(dialog, {"A"})
    second = [lesson for lesson in CATALOG.lessons if lesson.module == "A"][1]
    assert f"“{second.title}”" in dialog.said
    dialog.text("tu kiem tra")  # the typed keyword starts it afresh
    assert dialog.state.mode is Mode.SELFCHECK and dialog.state.selfcheck is not None
    assert dialog.state.selfcheck.answers == []
    answer_all(dialog, set())
    f2 = next(lesson for lesson in CATALOG.lessons if lesson.id == "F2")
    assert f"“{f2.title}”" in dialog.said  # F1 is passed already


def test_it_works_without_consent_and_records_nothing() -> None:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.tap("Không đồng ý")
    dialog.tap("Học bài")
    assert dialog.state.mode is Mode.SELFCHECK_OFFER
    dialog.tap("Trả lời 5 câu")
    answer_all(dialog, {"E"})
    assert f"“{first_lesson('E')}”" in dialog.said
    assert dialog.events == [] and not dialog.state.consent
    dialog.tap("Bắt đầu bài")
    assert dialog.state.lesson_id == "E1"


def test_help_names_the_command_and_content_without_a_selfcheck_says_so() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.agree()
    assert dialog.state.mode is Mode.MENU  # no self-check in the fixture: no offer
    dialog.text("/trogiup")
    assert "/tukiemtra" in dialog.said
    dialog.text("/tukiemtra")
    assert "Hiện chưa có bài tự kiểm tra." in dialog.said and dialog.state.mode is Mode.MENU


def test_a_typed_no_skips_it(dialog: Dialog) -> None:
    dialog.text("khong")
    assert dialog.state.mode is Mode.LESSON and dialog.state.selfcheck_asked


def test_small_talk_keeps_the_offer_and_the_question_on_screen(dialog: Dialog) -> None:
    dialog.text("ok")
    assert dialog.state.mode is Mode.SELFCHECK_OFFER and OFFER in dialog.said
    dialog.tap("Trả lời 5 câu")
    dialog.text("cảm ơn")
    assert dialog.state.mode is Mode.SELFCHECK and SELFCHECK.questions[0].prompt in dialog.said
    assert dialog.state.selfcheck is not None and dialog.state.selfcheck.answers == []


def test_an_old_button_or_an_answer_after_the_end_changes_nothing(dialog: Dialog) -> None:
    dialog.tap("Trả lời 5 câu")
    old = dialog.choices[0][0]
    dialog.tap(right(SELFCHECK.questions[0]))
    dialog.choice_id(old)
    assert "tin nhắn cũ" in dialog.said
    assert dialog.state.selfcheck is not None and len(dialog.state.selfcheck.answers) == 1


def test_the_state_survives_storage_and_an_old_state_still_loads(dialog: Dialog) -> None:
    dialog.tap("Trả lời 5 câu")
    dialog.tap(DONT_KNOW)
    restored = LearnerState.from_json(dialog.state.to_json())
    assert restored == dialog.state
    assert restored.selfcheck == SelfCheckProgress(answers=["d"]) and restored.selfcheck_asked
    old = '{"mode": "menu", "consent": true, "passed": ["A1"], "turn": 4}'
    loaded = LearnerState.from_json(old)
    assert loaded.mode is Mode.MENU and loaded.selfcheck is None and not loaded.selfcheck_asked


def test_linking_two_apps_keeps_the_offer_answered() -> None:
    asked = LearnerState(selfcheck_asked=True)
    assert merged_state(LearnerState(), asked).selfcheck_asked
    assert merged_state(asked, LearnerState()).selfcheck_asked


def test_content_that_drops_a_question_mid_check_still_ends() -> None:
    shorter = SELFCHECK.model_copy(update={"questions": SELFCHECK.questions[:3]})
    catalog = dataclasses.replace(CATALOG, selfcheck=shorter)
    dialog = Dialog(catalog)
    dialog.state = LearnerState(
        mode=Mode.SELFCHECK,
        selfcheck=SelfCheckProgress(answers=["a", "a", "a", "a"]),
        selfcheck_asked=True,
    )
    dialog.text("/menu")
    dialog.text("/tukiemtra")
    assert "Tự kiểm tra 1/3" in dialog.said


class ShippedDesk(Desk):
    """Learning together on the shipped content, self-check included."""

    def ctx(self, message: InboundMessage) -> Context:
        return dataclasses.replace(super().ctx(message), catalog=CATALOG)


def test_learning_together_a_villager_is_offered_it_and_can_take_it() -> None:
    desk = ShippedDesk()
    desk.add("Bà Tư")
    desk.tap("Học bài")
    assert desk.villagers["v1"].mode is Mode.SELFCHECK_OFFER
    assert OFFER in desk.said
    desk.tap("Trả lời 5 câu")
    desk.tap(DONT_KNOW)
    villager = desk.villagers["v1"]
    assert villager.mode is Mode.SELFCHECK and villager.selfcheck is not None
    assert villager.selfcheck.answers == ["d"]
    assert desk.me.selfcheck is None  # the ambassador's own state is untouched
