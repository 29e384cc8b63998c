"""Answers, menus and yes/no questions typed instead of tapped, through the whole engine."""

from __future__ import annotations

import pytest

from bot.core import ConsentChanged, DataErased, Mode, QuestionAnswered
from bot.core.events import ReviewAnswered
from tests.dialog import Dialog, fixture_catalog


@pytest.fixture
def dialog() -> Dialog:
    return Dialog(fixture_catalog())


def read_to_quiz(dialog: Dialog) -> None:
    dialog.start_lesson_one()
    while any("Tiếp tục" in label for _id, label in dialog.choices):
        dialog.text("tiep tuc")
    dialog.text("lam bai kiem tra")


def answers(dialog: Dialog) -> list[tuple[str, str, bool]]:
    return [
        (e.question_id, e.answer, e.correct)
        for e in dialog.events
        if isinstance(e, QuestionAnswered)
    ]


def test_a_quiz_answered_in_words_with_one_reasked(dialog: Dialog) -> None:
    read_to_quiz(dialog)
    assert dialog.state.mode is Mode.QUIZ
    dialog.text("nut")  # both "Nút âm lượng" and "Nút nguồn" begin so
    assert (
        "Câu bác gõ có thể là “Nút âm lượng” hoặc “Nút nguồn”. Bác muốn chọn đáp án nào ạ?"
        in dialog.said
    )
    assert [label for _id, label in dialog.choices] == ["Nút âm lượng", "Nút nguồn"]
    assert answers(dialog) == []
    dialog.text("nguon")
    dialog.text("khong")  # true/false: "không" is "Sai", the right answer
    dialog.text("otp")  # multiple choice: one option's word toggles it
    assert [label for _id, label in dialog.choices][:2] == ["☑ Mã OTP", "☐ Mật khẩu"]
    dialog.text("mat khau")
    dialog.text("xong")
    dialog.text("nguồn")
    assert answers(dialog) == [
        ("q1", "b", True),
        ("q2", "false", True),
        ("q3", "a,b", True),
        ("q4", "nguồn", True),
    ]


def test_yes_words_answer_true_false_and_small_words_alone_do_not(dialog: Dialog) -> None:
    read_to_quiz(dialog)
    dialog.text("man hinh")  # q1, wrong
    dialog.text("có ạ")  # q2: "có" is "Đúng" (wrong here)
    assert answers(dialog) == [("q1", "c", False), ("q2", "true", False)]
    dialog.text("không")  # q3 has no yes and no: "không" alone names nothing
    assert "Mình chưa hiểu câu trả lời này" in dialog.said
    assert len(answers(dialog)) == 2


def test_a_typo_still_names_the_answer(dialog: Dialog) -> None:
    read_to_quiz(dialog)
    dialog.text("nut ngoun")
    assert answers(dialog) == [("q1", "b", True)]


def test_a_menu_typed_ambiguously_is_asked_again_with_its_candidates(dialog: Dialog) -> None:
    dialog.command("start")
    dialog.agree()
    menu = dialog.choices
    before = dialog.state
    dialog.text("bai hoc")
    assert (
        "Câu bác gõ có thể là “Học bài: Bài thử một” hoặc “Tất cả bài học”. Bác muốn chọn "
        "mục nào ạ?"
    ) in dialog.said
    assert dialog.state.mode is Mode.MENU and dialog.state.lesson_id == before.lesson_id
    assert [label for _id, label in dialog.choices] == [label for _id, label in menu]
    dialog.text("tat ca")
    assert dialog.state.mode is Mode.MODULES


def test_consent_and_erasing_take_co_and_khong(dialog: Dialog) -> None:
    dialog.command("start")
    dialog.text("co")
    assert ConsentChanged(True, "2026-12") in dialog.events
    dialog.text("/xoadulieu")
    dialog.text("khong")
    assert not any(isinstance(e, DataErased) for e in dialog.events)
    dialog.text("/xoadulieu")
    dialog.text("ok")  # a nod, not a yes: nothing is deleted
    assert not any(isinstance(e, DataErased) for e in dialog.events)
    dialog.text("/xoadulieu")
    dialog.text("có")
    assert any(isinstance(e, DataErased) for e in dialog.events)


def test_a_review_round_takes_typed_words_too(dialog: Dialog) -> None:
    read_to_quiz(dialog)
    for typed in ("1", "sai", "1, 2", "nguon"):  # q1 wrong: it comes back for review
        dialog.text(typed)
    dialog.text("menu")
    dialog.advance(days=2)
    dialog.command("start")
    assert dialog.state.mode is Mode.REVIEW_OFFER
    dialog.text("co")  # "Ôn lại 1 câu?": yes
    assert dialog.state.mode is Mode.REVIEW
    dialog.text("nút")
    assert "Bác muốn chọn đáp án nào ạ?" in dialog.said
    dialog.text("nguồn")
    (review,) = [e for e in dialog.events if isinstance(e, ReviewAnswered)]
    assert (review.question_id, review.correct) == ("q1", True)
