"""Dialog tests of the pure conversation engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.content import Catalog
from bot.core import (
    ConsentChanged,
    Context,
    DataErased,
    InboundMessage,
    InputKind,
    LessonCompleted,
    Mode,
    QuestionAnswered,
    QuizFinished,
    handle,
)
from tests.dialog import Dialog, fixture_catalog


@pytest.fixture
def dialog() -> Dialog:
    return Dialog(fixture_catalog())


def read_to_quiz(dialog: Dialog) -> None:
    dialog.start_lesson_one()
    while any("Tiếp tục" in label for _id, label in dialog.choices):
        dialog.tap("Tiếp tục")
    dialog.tap("Làm bài kiểm tra")


def test_first_contact_asks_for_consent_and_nothing_is_recorded_without_it(
    dialog: Dialog,
) -> None:
    dialog.command("start")
    assert "đồng ý" in dialog.said
    assert [label for _id, label in dialog.choices][:2] == ["Đồng ý", "Không đồng ý"]
    dialog.tap("Không đồng ý")
    assert dialog.state.consent is False
    dialog.text("/menu")
    assert dialog.state.mode is Mode.MENU
    dialog.tap("Học bài")
    assert dialog.state.mode is Mode.LESSON
    dialog.text("/tiendo")
    assert dialog.state.mode is Mode.CONSENT
    assert dialog.events == []


def test_consent_typed_without_diacritics(dialog: Dialog) -> None:
    dialog.command("start")
    dialog.text("dong y")
    assert dialog.state.consent is True
    assert ConsentChanged(True, "2026-12") in dialog.events
    assert dialog.state.mode is Mode.PROFILE_PLACE


def test_deep_link_payload_is_kept_as_invite(dialog: Dialog) -> None:
    dialog.command("start", "amb_Xa-123")
    assert dialog.state.invite == "amb_Xa-123"


def test_reading_a_lesson_completes_it_once(dialog: Dialog) -> None:
    dialog.start_lesson_one()
    assert "Bài thử một" in dialog.said and "1/3" in dialog.said
    dialog.tap("Tiếp tục")
    dialog.text("tiep tuc")  # typed, no diacritics, label has a ▶ mark
    assert "Thử ngay" in dialog.said
    assert [e for e in dialog.events if isinstance(e, LessonCompleted)] == [LessonCompleted("A1")]
    assert [label for _id, label in dialog.choices] == ["Làm bài kiểm tra", "Để sau"]


def test_full_quiz_with_one_wrong_answer_passes(dialog: Dialog) -> None:
    read_to_quiz(dialog)
    assert "Câu 1/4" in dialog.said
    dialog.tap("Nút âm lượng")  # wrong
    assert "❌" in dialog.said and "Nút âm lượng chỉ chỉnh tiếng." in dialog.said
    assert "Đáp án đúng: Nút nguồn" in dialog.said
    dialog.text("sai")  # true/false typed without diacritics: "Sai" is right
    assert "✅" in dialog.said
    dialog.tap("Mã OTP")
    dialog.tap("Mật khẩu")
    dialog.tap("Xong")
    assert "✅" in dialog.said
    dialog.text("NUT NGUON")  # short answer, upper case, no diacritics
    answers = [e for e in dialog.events if isinstance(e, QuestionAnswered)]
    assert [(a.question_id, a.correct) for a in answers] == [
        ("q1", False),
        ("q2", True),
        ("q3", True),
        ("q4", True),
    ]
    finished = [e for e in dialog.events if isinstance(e, QuizFinished)]
    assert finished == [QuizFinished("A1", 1, 3.0, 4, True)]
    assert "3/4" in dialog.said and "qua bài" in dialog.said
    assert dialog.state.passed == ["A1"]
    assert any("Bài thử hai" in label for _id, label in dialog.choices)


def test_failed_quiz_is_completed_but_failed_and_can_be_retried(dialog: Dialog) -> None:
    read_to_quiz(dialog)
    dialog.text("1")
    dialog.text("đúng")
    dialog.text("3")
    dialog.text("xong")
    dialog.text("màn hình")
    assert QuizFinished("A1", 1, 0.0, 4, False) in dialog.events
    assert dialog.state.passed == []
    dialog.tap("Làm lại")
    assert dialog.state.quiz is not None and dialog.state.quiz.attempt == 2


def test_numbers_letters_and_typed_multiple_choice(dialog: Dialog) -> None:
    read_to_quiz(dialog)
    dialog.text("b")  # letter for option 2
    dialog.text("2")  # number: Sai
    dialog.text("1, 2")  # several numbers at once for a multiple-choice question
    answers = [e for e in dialog.events if isinstance(e, QuestionAnswered)]
    assert [a.correct for a in answers] == [True, True, True]
    assert answers[-1].answer == "a,b"


def test_ambiguous_answer_without_diacritics_asks_again() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.agree()
    dialog.tap("Tất cả bài học")
    dialog.tap("Làm quen điện thoại")
    dialog.tap("Bài thử hai")
    dialog.tap("Làm bài kiểm tra")
    dialog.text("ma")  # Má or Mà?
    assert "Câu bác gõ có thể là “Má” hoặc “Mà”. Bác muốn chọn đáp án nào ạ?" in dialog.said
    assert [label for _id, label in dialog.choices] == ["Má", "Mà"]
    assert not any(isinstance(e, QuestionAnswered) for e in dialog.events)
    dialog.text("má")
    assert "✅" in dialog.said


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "😀🎉👍", "x" * 10_000, "/khongcolenhnay"],
    ids=["empty", "spaces", "emoji", "10k", "unknown-command"],
)
def test_bad_input_gets_a_friendly_answer_and_changes_nothing(dialog: Dialog, bad: str) -> None:
    read_to_quiz(dialog)
    before = dialog.state.model_copy(deep=True)
    dialog.text(bad)
    assert dialog.state == before
    assert dialog.last is not None and dialog.last.events == ()
    assert dialog.replies[0].text and dialog.replies[-1].choices  # explains, then re-asks
    assert "Câu 1/4" not in dialog.replies[0].text


def test_old_button_changes_nothing(dialog: Dialog) -> None:
    dialog.start_lesson_one()
    old = dialog.choices[0][0]
    dialog.tap("Tiếp tục")
    before = dialog.state.model_copy(deep=True)
    dialog.choice_id(old)
    assert dialog.state == before
    assert "tin nhắn cũ" in dialog.replies[0].text
    dialog.choice_id("garbage")
    assert dialog.state == before


def test_unsupported_input_and_unknown_command(dialog: Dialog) -> None:
    dialog.start_lesson_one()
    before = dialog.state.model_copy(deep=True)
    dialog.unsupported()
    assert "chỉ đọc được chữ" in dialog.said and dialog.state == before
    dialog.command("abc")
    assert "/abc" in dialog.said and dialog.state == before


def test_progress_and_help_use_vietnamese_numbers(dialog: Dialog) -> None:
    dialog.command("start")
    dialog.tap("Đồng ý")
    dialog.text("/tiendo")
    assert "0/2 bài học (0%)" in dialog.said
    dialog.text("/trogiup")
    assert "/xoadulieu" in dialog.said


def test_erase_asks_first_then_forgets(dialog: Dialog) -> None:
    dialog.start_lesson_one()
    dialog.text("/xoadulieu")
    assert dialog.state.mode is Mode.CONFIRM_ERASE
    dialog.tap("Không")
    assert dialog.state.mode is Mode.LESSON
    dialog.text("/xoadulieu")
    dialog.tap("Có, xóa")
    assert DataErased() in dialog.events
    assert dialog.state.mode is Mode.NEW and not dialog.state.consent


def test_language_switch_to_english_and_back(dialog: Dialog) -> None:
    dialog.command("start")
    dialog.agree()
    dialog.text("/ngonngu")
    dialog.tap("English")
    assert "Language changed to English." in dialog.said
    assert "What would you like to do?" in dialog.said
    dialog.text("/lang")
    dialog.tap("Tiếng Việt")
    assert "Đã chuyển sang tiếng Việt." in dialog.said


def test_english_locale_hint_on_first_contact() -> None:
    dialog = Dialog(fixture_catalog(), locale="en-US")
    dialog.command("start")
    assert dialog.state.locale == "en"
    assert "I agree" in [label for _id, label in dialog.choices]


def test_welcome_back_resumes_the_current_step(dialog: Dialog) -> None:
    dialog.start_lesson_one()
    dialog.tap("Tiếp tục")
    dialog.command("start")
    assert "Chào mừng bác quay lại" in dialog.said
    assert "Bong bóng thứ hai." in dialog.said


def test_engine_is_pure_same_input_same_output() -> None:
    catalog = fixture_catalog()
    dialog = Dialog(catalog)
    dialog.start_lesson_one()
    message = InboundMessage("t", "u", InputKind.TEXT, datetime(2026, 1, 1, tzinfo=UTC), text="1")
    ctx = Context(catalog, datetime(2026, 1, 1, tzinfo=UTC))
    assert handle(dialog.state, message, ctx) == handle(dialog.state, message, ctx)


def test_choice_ids_fit_telegram_callback_data() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.start_lesson_one()
    dialog.state.turn = 10**9
    dialog.text("/menu")
    assert all(len(cid.encode()) <= 64 for cid, _label in dialog.choices)


def test_module_menu_labels_are_titles_without_their_letter() -> None:
    """Channels number menus ("1. …"); a module letter as well read "1. A. Làm quen…"."""
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.agree()
    dialog.tap("Tất cả bài học")
    titles = [module.title for module in dialog.catalog.modules]
    labels = [label for _id, label in dialog.choices][:-1]
    assert labels and set(labels) <= set(titles)
    assert not any(label[:1].isupper() and label[1:3] == ". " for label in labels)


def test_feedback_does_not_repeat_the_verdict(catalog: Catalog) -> None:
    """The shipped feedback opens with "Chưa đúng." under the verdict "❌ Chưa đúng."."""
    lesson = catalog.lessons[0]
    quiz = catalog.quiz(lesson.id)
    assert quiz is not None
    question = quiz.questions[0]
    wrong = next(o for o in question.options if not o.correct and o.feedback)
    assert wrong.feedback is not None and wrong.feedback.startswith("Chưa đúng.")
    dialog = Dialog(catalog)
    dialog.start_lesson_one()
    dialog.read_lesson()
    dialog.tap("Làm bài kiểm tra")
    dialog.tap(wrong.text)
    feedback = dialog.replies[0].text
    assert feedback.startswith("❌ Chưa đúng.") and feedback.count("Chưa đúng") == 1
    rest = wrong.feedback.removeprefix("Chưa đúng.").strip()
    assert f" {rest}\n" in feedback
