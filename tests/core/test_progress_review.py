"""Progress and learning through the core: fail then pass, module and course completion,
spaced review on a controllable clock, the streak, and the /tiendo report."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.content import load_catalog
from bot.core import LessonCompleted, Mode, QuestionAnswered, QuizFinished
from bot.core.events import CourseCompleted, ModuleCompleted, ReviewAnswered
from bot.core.review_flow import SESSION_GAP
from bot.core.spaced import MAX_INTERVAL_DAYS, ROUND_SIZE, STEP, rate
from lessons.models import MAX_BUTTON_CHARS, MAX_MESSAGE_CHARS
from tests.dialog import Dialog, fixture_catalog

# A1's quiz in the fixture: q1 single (b), q2 true/false (false), q3 multiple (a+b), q4 short.
A1_RIGHT = ("2", "sai", "1, 2", "nguon")
A1_ONLY_Q1_WRONG = ("1", "sai", "1, 2", "nguon")  # 3 of 4: passes (pass mark 75%)
A1_ALL_WRONG = ("1", "đúng", "3", "xong", "màn hình")


@pytest.fixture
def dialog() -> Dialog:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.tap("Đồng ý")
    return dialog


def of(dialog: Dialog, kind: type) -> list:
    return [event for event in dialog.events if isinstance(event, kind)]


def read_a1(dialog: Dialog) -> None:
    dialog.text("/menu")
    dialog.tap("Tất cả bài học")
    dialog.tap("Làm quen điện thoại")
    dialog.tap("Bài thử một")
    while any("Tiếp tục" in label for _id, label in dialog.choices):
        dialog.tap("Tiếp tục")


def take_a1(dialog: Dialog, answers: tuple[str, ...]) -> None:
    """Read A1 (again) and take its quiz with these typed answers."""
    read_a1(dialog)
    dialog.tap("Làm bài kiểm tra")
    for answer in answers:
        dialog.text(answer)
    assert dialog.state.mode is Mode.QUIZ_DONE


def pass_a2(dialog: Dialog) -> None:
    dialog.text("/menu")
    dialog.tap("Tất cả bài học")
    dialog.tap("Làm quen điện thoại")
    dialog.tap("Bài thử hai")
    dialog.tap("Làm bài kiểm tra")
    dialog.text("má")
    assert dialog.state.quiz is not None and dialog.state.quiz.last_passed


# -- completion ----------------------------------------------------------------------------------


def test_fail_then_pass_records_both_attempts_and_the_progress_report_offers_the_retry(
    dialog: Dialog,
) -> None:
    take_a1(dialog, A1_ALL_WRONG)
    assert of(dialog, QuizFinished) == [QuizFinished("A1", 1, 0.0, 4, False)]
    dialog.text("/tiendo")
    assert dialog.state.mode is Mode.PROGRESS
    assert "🔁 Bài kiểm tra nên làm lại:\n• Bài thử một\n" in dialog.said
    dialog.tap("Làm lại: Bài thử một")
    assert dialog.state.mode is Mode.QUIZ and "Câu 1/4" in dialog.said
    for answer in A1_RIGHT:
        dialog.text(answer)
    assert of(dialog, QuizFinished) == [
        QuizFinished("A1", 1, 0.0, 4, False),
        QuizFinished("A1", 2, 4.0, 4, True),
    ]
    assert dialog.state.attempts == {"A1": 2} and dialog.state.passed == ["A1"]
    answered = of(dialog, QuestionAnswered)
    assert [a.attempt for a in answered] == [1] * 4 + [2] * 4
    dialog.text("/tiendo")
    assert "làm lại" not in dialog.said
    assert [label for _id, label in dialog.choices] == ["Học bài: Bài thử hai", "Menu"]


def test_module_and_course_completed_once_each(dialog: Dialog) -> None:
    take_a1(dialog, A1_RIGHT)
    assert of(dialog, ModuleCompleted) == [] and of(dialog, CourseCompleted) == []
    pass_a2(dialog)
    # The fixture's only module holds both lessons: its last pass completes both.
    assert of(dialog, ModuleCompleted) == [ModuleCompleted("A")]
    assert of(dialog, CourseCompleted) == [CourseCompleted()]
    kinds = [type(e).__name__ for e in dialog.last.events] if dialog.last else []
    assert kinds[-3:] == ["QuizFinished", "ModuleCompleted", "CourseCompleted"]
    assert "🏅 Bác đã học xong chủ đề “Làm quen điện thoại”!" in dialog.said
    assert dialog.state.mode is Mode.QUIZ_DONE
    # Passing again completes nothing again.
    take_a1(dialog, A1_RIGHT)
    pass_a2(dialog)
    assert len(of(dialog, ModuleCompleted)) == 1 and len(of(dialog, CourseCompleted)) == 1


# -- spaced review -------------------------------------------------------------------------------


def test_a_missed_question_comes_due_on_schedule_and_is_offered_at_the_next_session(
    dialog: Dialog,
) -> None:
    take_a1(dialog, A1_ONLY_Q1_WRONG)
    answered_at = dialog.now
    assert [(c.lesson_id, c.question_id) for c in dialog.state.reviews] == [("A1", "q1")]
    assert dialog.state.reviews[0].due == answered_at + STEP

    # A new session before the item is due: the plain menu.
    dialog.advance(minutes=40)
    dialog.text("menu")
    assert dialog.state.mode is Mode.MENU and "Ôn lại" not in dialog.said

    # Within the same session once it is due: no interruption.
    dialog.advance(minutes=25)
    assert dialog.now >= dialog.state.reviews[0].due
    dialog.text("menu")
    assert dialog.state.mode is Mode.MENU

    # The next session starts with the offer instead of the menu.
    dialog.advance(minutes=31)
    dialog.command("start")
    assert dialog.state.mode is Mode.REVIEW_OFFER
    assert "Chào mừng bác quay lại" in dialog.said and "🧠 Ôn lại 1 câu?" in dialog.said
    assert [label for _id, label in dialog.choices] == ["Ôn ngay", "Để sau"]

    dialog.tap("Ôn ngay")
    assert dialog.state.mode is Mode.REVIEW
    assert "Ôn lại 1/1 · Bài thử một" in dialog.said and "Nút nào bật máy?" in dialog.said
    assert [label for _id, label in dialog.choices] == ["Nút âm lượng", "Nút nguồn", "Màn hình"]
    before = len(dialog.events)
    dialog.text("nut nguon")  # typed, no accents: the quiz's own answer matching
    new = dialog.events[before:]
    assert not any(isinstance(e, QuestionAnswered | QuizFinished) for e in new)
    (review,) = [e for e in new if isinstance(e, ReviewAnswered)]
    assert (review.lesson_id, review.question_id, review.correct) == ("A1", "q1", True)
    assert dialog.now + timedelta(days=1) <= review.due
    assert review.due <= dialog.now + timedelta(days=MAX_INTERVAL_DAYS)
    assert dialog.state.reviews[0].due == review.due
    assert dialog.state.attempts == {"A1": 1}  # no quiz attempt
    assert "✅" in dialog.said and "Ôn xong: bác trả lời đúng 1/1 câu." in dialog.said
    assert dialog.state.mode is Mode.MENU


def test_review_a_wrong_answer_comes_back_soon_and_each_answer_type_works(
    dialog: Dialog,
) -> None:
    take_a1(dialog, A1_ALL_WRONG)
    assert len(dialog.state.reviews) == 4
    dialog.advance(hours=2)
    dialog.text("/menu")
    assert "🧠 Ôn lại 4 câu?" in dialog.said
    dialog.text("on ngay")
    dialog.tap("Nút âm lượng")  # wrong
    assert "❌" in dialog.said and "Đáp án đúng: Nút nguồn" in dialog.said
    assert "Ôn lại 2/4" in dialog.said
    dialog.text("sai")
    dialog.tap("Mã OTP")
    dialog.tap("Mật khẩu")
    dialog.tap("Xong")
    dialog.text("NUT NGUON")
    reviews = of(dialog, ReviewAnswered)
    assert [(r.question_id, r.correct) for r in reviews] == [
        ("q1", False),
        ("q2", True),
        ("q3", True),
        ("q4", True),
    ]
    assert reviews[0].due == dialog.now + STEP
    assert all(r.due >= dialog.now + timedelta(days=1) for r in reviews[1:])
    assert "Ôn xong: bác trả lời đúng 3/4 câu." in dialog.said
    assert "sẽ sớm quay lại" in dialog.said


def test_later_skips_the_review_for_the_day_and_it_is_offered_again_the_next_day(
    dialog: Dialog,
) -> None:
    take_a1(dialog, A1_ONLY_Q1_WRONG)
    dialog.advance(hours=2)
    dialog.text("menu")
    assert dialog.state.mode is Mode.REVIEW_OFFER
    dialog.tap("Để sau")
    assert dialog.state.mode is Mode.MENU and "để lần sau" in dialog.said
    assert not of(dialog, ReviewAnswered)

    dialog.advance(hours=3)  # a new session, the same day (14:00 in Hà Nội)
    dialog.text("menu")
    assert dialog.state.mode is Mode.MENU

    dialog.advance(days=1)
    dialog.text("menu")
    assert dialog.state.mode is Mode.REVIEW_OFFER
    # Anything else than the offer's buttons leaves it: here the progress report.
    dialog.text("tien do")
    assert dialog.state.mode is Mode.PROGRESS
    assert "🧠 Câu cần ôn lại: 1" in dialog.said
    dialog.tap("Ôn lại 1 câu")
    assert dialog.state.mode is Mode.REVIEW


def test_no_offer_in_the_middle_of_a_lesson_or_quiz(dialog: Dialog) -> None:
    take_a1(dialog, A1_ONLY_Q1_WRONG)
    read_a1(dialog)
    dialog.advance(days=1)
    dialog.command("start")
    assert dialog.state.mode is Mode.LESSON and "Ôn lại" not in dialog.said
    dialog.tap("Làm bài kiểm tra")
    dialog.advance(days=1)
    dialog.command("start")
    assert dialog.state.mode is Mode.QUIZ and "Ôn lại" not in dialog.said


def test_a_round_asks_at_most_five_items() -> None:
    catalog = load_catalog()
    dialog = Dialog(catalog)
    dialog.command("start")
    dialog.tap("Đồng ý")
    missed = [
        (lesson.id, question.id)
        for lesson in catalog.lessons[:3]
        for question in catalog.quizzes[lesson.id].questions
    ][:7]
    for lesson_id, question_id in missed:
        rate(dialog.state.reviews, lesson_id, question_id, False, dialog.now)
    dialog.advance(hours=2)
    dialog.text("/menu")
    assert "🧠 Ôn lại 5 câu?" in dialog.said
    dialog.tap("Ôn ngay")
    assert "Ôn lại 1/5" in dialog.said
    assert len(dialog.state.review_queue) == ROUND_SIZE == 5


def test_review_items_of_questions_gone_from_the_content_are_dropped(dialog: Dialog) -> None:
    take_a1(dialog, A1_ONLY_Q1_WRONG)
    gone = dialog.state.reviews[0].model_copy(update={"lesson_id": "Z9"})
    dialog.state.reviews.append(gone)
    dialog.advance(hours=2)
    dialog.text("/menu")
    assert "🧠 Ôn lại 1 câu?" in dialog.said
    dialog.tap("Ôn ngay")
    assert [c.lesson_id for c in dialog.state.reviews] == ["A1"]
    assert "Ôn lại 1/1" in dialog.said


def test_the_offer_in_english_counts_in_english() -> None:
    dialog = Dialog(fixture_catalog(), locale="en")
    dialog.command("start")
    dialog.tap("I agree")
    take_en = ("1", "true", "3", "done", "screen")
    dialog.text("/menu")
    dialog.tap("All lessons")
    dialog.tap("Làm quen điện thoại")
    dialog.tap("Bài thử một")
    while any("Continue" in label for _id, label in dialog.choices):
        dialog.tap("Continue")
    dialog.tap("Take the quiz")
    for answer in take_en:
        dialog.text(answer)
    dialog.advance(hours=2)
    dialog.text("/menu")
    assert "🧠 Review 4 questions?" in dialog.said
    dialog.tap("Review now")
    assert "Review 1/4 · Bài thử một" in dialog.said


def test_last_input_is_stamped_after_consent_even_after_bad_input() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    assert dialog.state.last_input_at is None  # nothing kept before consent
    dialog.tap("Đồng ý")
    assert dialog.state.last_input_at == dialog.now
    dialog.advance(minutes=5)
    dialog.text("😀")
    assert dialog.state.last_input_at == dialog.now
    assert dialog.last is not None and dialog.last.events == ()


def test_a_new_session_needs_a_pause_or_a_new_day(dialog: Dialog) -> None:
    take_a1(dialog, A1_ONLY_Q1_WRONG)
    due = dialog.state.reviews[0].due
    pause = SESSION_GAP - timedelta(minutes=1)
    # The learner keeps writing, never pausing long: the item comes due, but no offer
    # interrupts the session, until midnight in Hà Nội (17:00 UTC) starts a new day.
    midnight = dialog.now.replace(hour=17, minute=0)
    while dialog.now + pause < midnight:
        dialog.now += pause
        dialog.text("menu")
        assert dialog.state.mode is Mode.MENU
    assert dialog.now > due
    dialog.now += pause
    dialog.text("menu")
    assert dialog.state.mode is Mode.REVIEW_OFFER


# -- streak --------------------------------------------------------------------------------------


def test_streak_over_consecutive_days_and_a_warm_welcome_after_a_break(dialog: Dialog) -> None:
    read_a1(dialog)  # day 1: a lesson read is a step
    assert of(dialog, LessonCompleted) == [LessonCompleted("A1")]
    assert "🌱 Hôm nay bác đã hoàn thành một bước. Giỏi lắm!" in dialog.said
    dialog.tap("Làm bài kiểm tra")
    for answer in A1_RIGHT:
        dialog.text(answer)
    assert "🌱" not in dialog.said and "🔥" not in dialog.said  # one line a day
    assert dialog.state.streak.current == 1

    dialog.advance(days=1)
    take_a1(dialog, A1_RIGHT)
    assert "🔥 2 ngày học liên tiếp! Tiếp tục phát huy nhé." in dialog.said
    dialog.advance(days=1)
    take_a1(dialog, A1_ALL_WRONG)  # a failed attempt is a completed step too
    assert "🔥 3 ngày học liên tiếp!" in dialog.said
    dialog.text("/tiendo")
    assert "🔥 3 ngày học liên tiếp." in dialog.said and "Kỷ lục" not in dialog.said

    dialog.advance(days=3)
    dialog.text("/tiendo")  # no step for two days: the best run, and an invitation
    assert "Kỷ lục của bác: 3 ngày học liên tiếp" in dialog.said
    assert "mất" not in dialog.said  # nothing about a lost streak
    take_a1(dialog, A1_RIGHT)
    assert "🌱 Chào mừng bác quay lại!" in dialog.said
    assert dialog.state.streak.model_dump() == {
        "current": 1,
        "best": 3,
        "last_day": dialog.now.date(),
    }
    dialog.text("/tiendo")
    assert "🔥 1 ngày học liên tiếp. Kỷ lục của bác: 3 ngày." in dialog.said


def test_a_review_round_is_a_step_for_the_streak(dialog: Dialog) -> None:
    take_a1(dialog, A1_ONLY_Q1_WRONG)
    dialog.advance(days=1)
    dialog.text("/menu")
    dialog.tap("Ôn ngay")
    dialog.text("2")
    assert "🔥 2 ngày học liên tiếp!" in dialog.said
    assert dialog.state.streak.current == 2


# -- the progress report -------------------------------------------------------------------------


def test_progress_report_shows_bars_modules_retries_reviews_and_streak(dialog: Dialog) -> None:
    dialog.text("/tiendo")
    assert dialog.replies[-1].text == (
        "📊 Tiến độ của bác\n"
        "░░░░░░░░░░ 0/2 bài học (0%)\n"
        "\n"
        "A. Làm quen điện thoại ░░ 0/2\n"
        "\n"
        "🌱 Hoàn thành một bước hôm nay để bắt đầu chuỗi ngày học nhé!"
    )
    take_a1(dialog, A1_ONLY_Q1_WRONG)
    pass_a2(dialog)
    dialog.advance(hours=2)
    dialog.text("/tiendo")
    assert dialog.replies[-1].text == (
        "📊 Tiến độ của bác\n"
        "▓▓▓▓▓▓▓▓▓▓ 2/2 bài học (100%)\n"
        "\n"
        "A. Làm quen điện thoại ▓▓ 2/2 ✅\n"
        "\n"
        "🧠 Câu cần ôn lại: 1\n"
        "🔥 1 ngày học liên tiếp."
    )
    assert [label for _id, label in dialog.choices] == ["🧠 Ôn lại 1 câu", "Menu"]
    dialog.tap("Menu")
    assert dialog.state.mode is Mode.MENU


def test_progress_report_of_the_real_course_fits_a_phone() -> None:
    catalog = load_catalog()
    dialog = Dialog(catalog)
    dialog.command("start")
    dialog.tap("Đồng ý")
    ids = [lesson.id for lesson in catalog.lessons]
    dialog.state.passed = ids[:7]
    dialog.state.attempts = {lesson_id: 1 for lesson_id in ids[:12]}
    dialog.text("/tiendo")
    (report,) = [reply.text for reply in dialog.replies]
    lines = report.splitlines()
    assert len(report) <= MAX_MESSAGE_CHARS
    module_lines = [line for line in lines if "/" in line and line[:2].rstrip(".").isalpha()]
    assert len(module_lines) == len(catalog.modules)
    assert all(len(line) <= 40 for line in module_lines), module_lines
    assert f"7/{len(catalog.required_lessons)}" in lines[1]  # electives are extra
    assert lines.count("🔁 Bài kiểm tra nên làm lại:") == 1
    assert "…và 2 bài khác" in lines  # five to retry: three named
    [retry] = [label for choice_id, label in dialog.choices if ":retry." in choice_id]
    assert retry.startswith("🔁 Làm lại: ") and len(retry) <= MAX_BUTTON_CHARS
