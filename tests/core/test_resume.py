""" "Tiếp tục" means where the learner stopped: an unfinished lesson at its bubble, an unfinished
quiz at its question, otherwise the first lesson not done yet. Every place that offers to go
on (the menu, /tiendo, the profile's first question, a passed quiz, a reminder) agrees."""

from __future__ import annotations

import pytest

from bot.core import LessonStarted, Mode, QuestionAnswered
from bot.core.resume import Resume, resume_point
from bot.i18n import translator
from bot.reminders.messages import LEARN_NOW, reminder_reply
from tests.dialog import Dialog, fixture_catalog

CATALOG = fixture_catalog()
A1, A2 = "Bài thử một", "Bài thử hai"


@pytest.fixture
def dialog() -> Dialog:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.agree()
    return dialog


def go_on_label(dialog: Dialog) -> str:
    """The label of the screen's "go on" button (action `next_lesson`)."""
    [label] = [label for cid, label in dialog.choices if cid.endswith(":next_lesson")]
    return label


def open_a1(dialog: Dialog) -> None:
    dialog.tap("Tất cả bài học")
    dialog.tap("Làm quen điện thoại")
    dialog.tap(A1)


def test_menu_resumes_a_lesson_left_half_way_at_its_bubble(dialog: Dialog) -> None:
    open_a1(dialog)
    dialog.tap("Tiếp tục")  # bubble 2 of 3
    dialog.tap("Menu")
    assert go_on_label(dialog) == f"▶ Học tiếp: {A1}"
    started = len([e for e in dialog.events if isinstance(e, LessonStarted)])
    dialog.tap("Học tiếp")
    assert dialog.state.mode is Mode.LESSON and dialog.state.lesson_id == "A1"
    assert "Bong bóng thứ hai." in dialog.said and "2/3" in dialog.said
    # Going on is no new start of the lesson.
    assert len([e for e in dialog.events if isinstance(e, LessonStarted)]) == started


def test_a_quiz_left_half_way_resumes_at_its_question_from_menu_and_progress(
    dialog: Dialog,
) -> None:
    open_a1(dialog)
    dialog.tap("Tiếp tục")
    dialog.tap("Tiếp tục")
    dialog.tap("Làm bài kiểm tra")
    dialog.tap("Nút nguồn")  # question 1 answered; question 2 on screen
    dialog.text("/menu")
    assert go_on_label(dialog) == f"▶ Làm tiếp bài kiểm tra: {A1}"
    dialog.text("/tiendo")
    assert go_on_label(dialog) == f"▶ Làm tiếp bài kiểm tra: {A1}"
    dialog.tap("Làm tiếp bài kiểm tra")
    assert dialog.state.mode is Mode.QUIZ and "Câu 2/4" in dialog.said
    dialog.tap("Sai")
    answers = [e.question_id for e in dialog.events if isinstance(e, QuestionAnswered)]
    assert answers == ["q1", "q2"]  # the same attempt goes on: no answer asked twice
    assert dialog.state.quiz is not None and dialog.state.quiz.attempt == 1


def test_a_lesson_read_but_its_quiz_not_passed_comes_back_before_the_next(
    dialog: Dialog,
) -> None:
    open_a1(dialog)
    dialog.tap("Tiếp tục")
    dialog.tap("Tiếp tục")
    dialog.tap("Để sau")  # read to the end, quiz left for later
    assert go_on_label(dialog) == f"▶ Học tiếp: {A1}"
    dialog.tap("Học tiếp")
    assert "3/3" in dialog.said
    assert [label for _id, label in dialog.choices] == ["Làm bài kiểm tra", "Để sau"]


def test_after_a_pass_the_first_lesson_not_done_comes_next(dialog: Dialog) -> None:
    # A2 passed first, then A1: the next is none; after A1 alone it would be A2.
    dialog.tap("Tất cả bài học")
    dialog.tap("Làm quen điện thoại")
    dialog.tap(A2)
    dialog.tap("Làm bài kiểm tra")
    dialog.text("má")
    assert go_on_label(dialog) == f"Bài tiếp: {A1}"  # not "after A2", which wraps oddly
    dialog.tap("Bài tiếp")
    assert dialog.state.lesson_id == "A1" and "1/3" in dialog.said


def test_a_review_round_in_between_keeps_the_unfinished_quiz(dialog: Dialog) -> None:
    open_a1(dialog)
    dialog.tap("Tiếp tục")
    dialog.tap("Tiếp tục")
    dialog.tap("Làm bài kiểm tra")
    dialog.tap("Nút âm lượng")  # wrong: a review item
    dialog.advance(hours=2)
    dialog.text("/ontap")
    assert dialog.state.mode is Mode.REVIEW
    dialog.tap("Nút nguồn")
    assert dialog.state.mode is Mode.MENU  # the round is over
    assert go_on_label(dialog) == f"▶ Làm tiếp bài kiểm tra: {A1}"
    dialog.tap("Làm tiếp bài kiểm tra")
    assert "Câu 2/4" in dialog.said


def test_a_review_round_left_half_way_still_keeps_the_quiz(dialog: Dialog) -> None:
    open_a1(dialog)
    dialog.tap("Tiếp tục")
    dialog.tap("Tiếp tục")
    dialog.tap("Làm bài kiểm tra")
    dialog.tap("Nút âm lượng")
    dialog.tap("Đúng")  # wrong too: two review items
    dialog.advance(hours=2)
    dialog.text("/ontap")
    dialog.text("/menu")  # the round left after no answer
    dialog.tap("Làm tiếp bài kiểm tra")
    assert dialog.state.mode is Mode.QUIZ and "Câu 3/4" in dialog.said


def test_the_profiles_first_question_offers_the_lesson_read_before_agreeing() -> None:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.tap("Không đồng ý")
    dialog.tap(A1)
    dialog.tap("Tiếp tục")
    dialog.text("/batdau")
    dialog.tap("Đồng ý")
    assert dialog.state.mode is Mode.PROFILE_PLACE
    assert go_on_label(dialog) == f"▶ Học tiếp: {A1}"


def test_the_reminder_names_the_unfinished_lesson_and_learn_now_resumes_it(
    dialog: Dialog,
) -> None:
    open_a1(dialog)
    dialog.tap("Tiếp tục")
    dialog.tap("Menu")
    reply = reminder_reply(dialog.state, CATALOG, translator("vi"), 0)
    assert A1 in reply.text and A2 not in reply.text
    dialog.choice_id(LEARN_NOW)
    assert "Bong bóng thứ hai." in dialog.said


def test_without_consent_the_lesson_after_the_one_read_comes_next() -> None:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.tap("Không đồng ý")
    assert go_on_label(dialog) == f"Học bài: {A1}"
    dialog.tap(A1)
    dialog.tap("Tiếp tục")
    dialog.tap("Menu")
    assert go_on_label(dialog) == f"▶ Học tiếp: {A1}"
    dialog.tap(A1)
    dialog.tap("Tiếp tục")  # the last bubble: read
    dialog.tap("Để sau")
    assert go_on_label(dialog) == f"Học bài: {A2}"


def test_every_lesson_passed_means_nothing_to_resume(dialog: Dialog) -> None:
    state = dialog.state.model_copy(update={"passed": ["A1", "A2"], "lesson_id": "A2"})
    assert resume_point(state, CATALOG) is None
    state = state.model_copy(update={"passed": ["A2"]})
    point = resume_point(state, CATALOG)
    assert point is not None and (point.lesson.id, point.kind) == ("A1", Resume.NEW)


def test_typed_tiep_tuc_at_the_menu_goes_on_where_the_learner_stopped(dialog: Dialog) -> None:
    open_a1(dialog)
    dialog.tap("Tiếp tục")
    dialog.text("/menu")
    dialog.text("tiếp tục")
    assert dialog.state.mode is Mode.LESSON and "Bong bóng thứ hai." in dialog.said
    dialog.text("/menu")
    dialog.text("hoc tiep")
    assert "Bong bóng thứ hai." in dialog.said
