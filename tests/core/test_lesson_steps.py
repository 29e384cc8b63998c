"""Inline questions and "try it now" steps inside a lesson."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.content import Catalog, load_catalog
from lessons.models import Bubble
from tests.dialog import FIXTURE_CONTENT, Dialog

MODULE_A = "Làm quen điện thoại"
LESSON_WITH_STEPS = """\
id: A3
module: A
order: 3
title: Bài có câu hỏi
competences: ["0.1"]
level: CB1
target_groups: [residents]
estimated_minutes: 3
bubbles:
  - "Bong bóng đọc."
  - check:
      prompt: "Muốn tắt hẳn điện thoại, bác làm gì?"
      options:
        - text: "Vuốt xuống, chạm nút tắt nguồn"
          correct: true
          feedback: "Đúng rồi, cách này máy nào cũng có."
        - text: "Bấm nhanh nút nguồn"
          feedback: "Bấm nhanh chỉ tắt màn hình thôi."
  - try: "Bác thử mở bảng thông báo."
  - "Bong bóng cuối."
sources:
  - title: Nguồn thử
    url: https://example.vn
"""


@pytest.fixture
def catalog_with_steps(tmp_path: Path) -> Catalog:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "lessons" / "A" / "A3.yaml").write_text(LESSON_WITH_STEPS, encoding="utf-8")
    quiz = (root / "quizzes" / "A" / "A2.yaml").read_text(encoding="utf-8")
    # Its own prompt: no two quiz questions in the course ask the same.
    quiz = quiz.replace("lesson: A2", "lesson: A3").replace("Chọn từ đúng.", "Chọn chữ đúng.")
    (root / "quizzes" / "A" / "A3.yaml").write_text(quiz, encoding="utf-8")
    return load_catalog(root / "lessons", root / "quizzes")


def _open(catalog: Catalog) -> Dialog:
    dialog = Dialog(catalog)
    dialog.command("start")
    dialog.agree()
    dialog.tap("Tất cả bài học")
    dialog.tap(MODULE_A)
    dialog.tap("Bài có câu hỏi")
    return dialog


def test_an_inline_question_shows_its_options_as_buttons(catalog_with_steps: Catalog) -> None:
    dialog = _open(catalog_with_steps)
    dialog.tap("Tiếp tục")
    assert "❓ Muốn tắt hẳn điện thoại" in dialog.said
    labels = [label for _, label in dialog.choices]
    assert labels[:2] == ["Vuốt xuống, chạm nút tắt nguồn", "Bấm nhanh nút nguồn"]
    assert "Tiếp tục ▶" not in labels


@pytest.mark.parametrize(
    ("tap", "feedback"),
    [("Vuốt xuống", "✅ Đúng rồi, cách này"), ("Bấm nhanh", "💡 Bấm nhanh chỉ tắt")],
)
def test_any_answer_gets_its_feedback_and_the_lesson_goes_on(
    catalog_with_steps: Catalog, tap: str, feedback: str
) -> None:
    dialog = _open(catalog_with_steps)
    dialog.tap("Tiếp tục")
    dialog.tap(tap)
    assert feedback in dialog.said
    assert "👉 Bác thử mở bảng thông báo." in dialog.said
    assert "3/4" in dialog.said
    dialog.tap("Làm xong rồi")
    assert "Bong bóng cuối." in dialog.said
    assert [label for _, label in dialog.choices][0] == "Làm bài kiểm tra"


def test_an_answer_typed_without_diacritics_is_understood(catalog_with_steps: Catalog) -> None:
    dialog = _open(catalog_with_steps)
    dialog.tap("Tiếp tục")
    dialog.text("bam nhanh nut nguon")
    assert "💡 Bấm nhanh chỉ tắt màn hình" in dialog.said


def test_a_stale_answer_button_shows_the_current_step_again(
    catalog_with_steps: Catalog,
) -> None:
    dialog = _open(catalog_with_steps)
    version = dialog.choices[0][0].split(":")[0]
    dialog.choice_id(f"{version}:check.0")  # still on the first bubble: no question here
    assert "tin nhắn cũ" in dialog.said and "(1/4)" in dialog.said
    assert "Đúng rồi" not in dialog.said


def test_a_bubble_is_exactly_one_kind() -> None:
    with pytest.raises(ValidationError, match="exactly one of"):
        Bubble.model_validate({"text": "Chữ", "try": "Làm"})
    with pytest.raises(ValidationError, match="exactly one option"):
        Bubble.model_validate(
            {
                "check": {
                    "prompt": "Hỏi?",
                    "options": [
                        {"text": "A", "correct": True, "feedback": "Đúng."},
                        {"text": "B", "correct": True, "feedback": "Cũng đúng."},
                    ],
                }
            }
        )


def test_a_lesson_cannot_end_on_a_question() -> None:
    from lessons.models import Lesson

    lesson = {
        "id": "A3",
        "module": "A",
        "order": 3,
        "title": "Bài",
        "competences": ["0.1"],
        "level": "CB1",
        "target_groups": ["residents"],
        "estimated_minutes": 3,
        "bubbles": [
            "Chữ.",
            {
                "check": {
                    "prompt": "Hỏi?",
                    "options": [
                        {"text": "A", "correct": True, "feedback": "Đúng."},
                        {"text": "B", "feedback": "Sai."},
                    ],
                }
            },
        ],
        "sources": [{"title": "Nguồn", "url": "https://example.vn"}],
    }
    with pytest.raises(ValidationError, match="cannot end on a `check`"):
        Lesson.model_validate(lesson)
    Lesson.model_validate({**lesson, "try_it": "Bác thử."})
