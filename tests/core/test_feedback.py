"""Each quiz verdict is said once: "✅ Đúng rồi! Bấm giữ…", never "✅ Đúng rồi!\\nĐúng rồi! …",
for right and wrong answers alike, and the answer key is not repeated after feedback that
already names it."""

from __future__ import annotations

import pytest

from bot.content import load_catalog
from bot.core import Mode
from bot.core.verdict import opens_with_verdict, with_verdict
from bot.text import fold
from quizzes.models import QuestionType
from tests.dialog import Dialog, fixture_catalog

RIGHT, WRONG = "✅ Đúng rồi!", "❌ Chưa đúng."
CATALOG = load_catalog()


def a1_quiz(catalog: object) -> Dialog:
    dialog = Dialog(catalog)  # type: ignore[arg-type]
    dialog.command("start")
    dialog.agree()
    dialog.tap("Học bài")
    dialog.skip_selfcheck()
    dialog.read_lesson()
    dialog.tap("Làm bài kiểm tra")
    assert dialog.state.mode is Mode.QUIZ
    return dialog


def test_a_right_answer_in_the_real_course_says_its_verdict_once() -> None:
    dialog = a1_quiz(CATALOG)
    dialog.tap("Bấm giữ nút nguồn vài giây")
    feedback = dialog.replies[0].text
    assert feedback.startswith("✅ Đúng rồi! Bấm giữ nút nguồn")
    assert feedback.count("Đúng rồi") == 1


def test_a_wrong_answer_in_the_real_course_says_its_verdict_once() -> None:
    dialog = a1_quiz(CATALOG)
    dialog.tap("Bấm nút tăng âm lượng")
    feedback = dialog.replies[0].text
    assert feedback.startswith("❌ Chưa đúng. Nút âm lượng")
    assert feedback.count("Chưa đúng") == 1
    assert "Đáp án đúng: Bấm giữ nút nguồn vài giây" in feedback


def test_feedback_without_a_verdict_keeps_the_interfaces() -> None:
    dialog = a1_quiz(fixture_catalog())
    dialog.tap("Nút âm lượng")  # feedback "Nút âm lượng chỉ chỉnh tiếng."
    assert dialog.replies[0].text.startswith("❌ Chưa đúng.\nNút âm lượng chỉ chỉnh tiếng.")


def test_short_answer_feedback_that_names_the_answer_is_not_followed_by_the_key() -> None:
    dialog = a1_quiz(fixture_catalog())
    for answer in ("2", "sai", "1, 2", "màn hình"):
        dialog.text(answer)
    feedback = [r.text for r in dialog.replies if r.text.startswith("❌")][0]
    assert feedback == "❌ Chưa đúng.\nĐó là nút nguồn."


@pytest.mark.parametrize(
    ("feedback", "correct", "said"),
    [
        ("Đúng rồi! Bấm giữ.", True, "✅ Bấm giữ."),
        ("Đúng: giục gấp là dấu hiệu.", True, "✅ Đúng: giục gấp là dấu hiệu."),
        ("Chính xác: nút nguồn!", True, "✅ Chính xác: nút nguồn!"),
        ("Đúng lúc cần thì hỏi.", True, "✅ Đúng rồi!\nĐúng lúc cần thì hỏi."),
        ("Chưa đúng. Không sạc trên gối.", False, "❌ Chưa đúng. Không sạc trên gối."),
        ("Không nên. Đập máy dễ vỡ.", False, "❌ Không nên. Đập máy dễ vỡ."),
        ("Đúng rồi! (a content slip)", False, "❌ Chưa đúng.\nĐúng rồi! (a content slip)"),
    ],
)
def test_with_verdict(feedback: str, correct: bool, said: str) -> None:
    verdict = RIGHT if correct else WRONG
    expected = said.replace("✅ Bấm", "✅ Đúng rồi! Bấm")
    assert with_verdict(verdict, feedback, correct) == expected


def test_no_feedback_in_the_course_repeats_the_interface_verdict() -> None:
    """Every feedback text of the real quizzes, shown after its verdict: the verdict's words
    appear at most once at the start (the sibling check across the whole course)."""
    checked = 0
    for quiz in CATALOG.quizzes.values():
        for question in quiz.questions:
            texts: list[tuple[str | None, bool]]
            if question.type is QuestionType.TRUE_FALSE:
                texts = [
                    (question.feedback_true, question.answer is True),
                    (question.feedback_false, question.answer is False),
                ]
            elif question.type is QuestionType.SHORT:
                texts = [(question.feedback_correct, True), (question.feedback_wrong, False)]
            else:
                texts = [(option.feedback, option.correct) for option in question.options]
            for feedback, correct in texts:
                if not feedback:
                    continue
                said = with_verdict(RIGHT if correct else WRONG, feedback, correct)
                words = "dung roi" if correct else "chua dung"
                if fold(feedback).startswith(words):
                    # The feedback says the verdict: the interface adds no second one.
                    assert fold(said).count(words) == fold(feedback).count(words), said
                assert not said.startswith(("✅ Đúng rồi!\nĐúng", "❌ Chưa đúng.\nChưa đúng"))
                checked += 1
    assert checked > 250 and opens_with_verdict("Chưa đúng. x", correct=False)
