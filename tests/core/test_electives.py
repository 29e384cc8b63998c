"""Elective modules (`required: false` in modules.yaml): taken at will, never needed for the
course, its certificate or its completion milestone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import Catalog, load_catalog
from bot.core import Mode
from bot.core.events import CertificateIssued, CourseCompleted, ModuleCompleted
from bot.core.milestones import complete, reached
from tests.dialog import FIXTURE_CONTENT, Dialog

MODULES = """\
modules:
  - id: A
    order: 1
    title: Làm quen điện thoại
  - id: G
    order: 2
    title: Chợ số
    required: false
"""
LESSON_G1 = """\
id: G1
module: G
order: 1
title: Bán hàng trên mạng
competences: ["2.2"]
level: CB1
target_groups: [residents]
estimated_minutes: 2
bubbles:
  - "Chỉ một bong bóng."
sources:
  - title: Nguồn thử
    url: https://example.vn
"""
QUIZ_G1 = """\
lesson: G1
pass_mark: 1
questions:
  - id: q1
    type: single
    prompt: "Chọn tên của chợ trên mạng."
    options:
      - {id: a, text: "Chợ", correct: true, feedback: "Đúng."}
      - {id: b, text: "Chờ", feedback: "Chưa đúng."}
"""


def elective_content(root: Path) -> Path:
    """The fixture content (A1, A2 in module A) plus an elective module G with lesson G1."""
    shutil.copytree(FIXTURE_CONTENT, root, dirs_exist_ok=True)
    (root / "lessons" / "modules.yaml").write_text(MODULES, encoding="utf-8")
    (root / "lessons" / "G").mkdir()
    (root / "lessons" / "G" / "G1.yaml").write_text(LESSON_G1, encoding="utf-8")
    (root / "quizzes" / "G").mkdir()
    (root / "quizzes" / "G" / "G1.yaml").write_text(QUIZ_G1, encoding="utf-8")
    return root


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    root = elective_content(tmp_path / "content")
    return load_catalog(root / "lessons", root / "quizzes")


@pytest.fixture
def dialog(catalog: Catalog) -> Dialog:
    dialog = Dialog(catalog)
    dialog.command("start")
    dialog.agree()
    return dialog


def passed(dialog: Dialog, *lesson_ids: str) -> None:
    dialog.state = dialog.state.model_copy(update={"passed": list(lesson_ids)})


def test_the_catalog_tells_required_lessons_and_modules(catalog: Catalog) -> None:
    assert [lesson.id for lesson in catalog.lessons] == ["A1", "A2", "G1"]
    assert [lesson.id for lesson in catalog.required_lessons] == ["A1", "A2"]
    assert [module.id for module in catalog.required_modules] == ["A"]
    assert catalog.course_complete(["A1", "A2"])
    assert not catalog.course_complete(["A1", "G1"])
    assert catalog.module("A") is not None and catalog.module("A").required  # the default


def test_milestones_complete_the_course_without_the_elective(catalog: Catalog) -> None:
    assert reached(catalog, ["A1", "A2"], "A2") == [ModuleCompleted("A"), CourseCompleted()]
    # The elective, passed after the course: its module only, never the course again.
    assert reached(catalog, ["A1", "A2", "G1"], "G1") == [ModuleCompleted("G")]
    assert reached(catalog, ["G1"], "G1") == [ModuleCompleted("G")]
    assert complete(catalog, ["A1", "A2"]) == [ModuleCompleted("A"), CourseCompleted()]
    assert complete(catalog, ["G1", "A1"]) == [ModuleCompleted("G")]


def test_the_module_list_marks_the_elective(dialog: Dialog) -> None:
    dialog.tap("Tất cả bài học")
    labels = [label for _id, label in dialog.choices]
    assert labels[:2] == ["Làm quen điện thoại", "Chợ số (tự chọn)"]
    dialog.tap("Chợ số")
    assert dialog.state.mode is Mode.MODULE
    assert [label for _id, label in dialog.choices][0] == "Bán hàng trên mạng"


def test_the_certificate_needs_only_the_required_lessons(dialog: Dialog) -> None:
    dialog.text("/chungnhan")
    assert "còn 2" in dialog.said  # A1 and A2; not G1
    assert "chủ đề “tự chọn”" in dialog.said
    passed(dialog, "A1")
    dialog.text("/chungnhan")
    assert "còn 1" in dialog.said
    passed(dialog, "A1", "A2")
    dialog.text("/menu")
    # The certificate first, then the elective.
    labels = [label for _id, label in dialog.choices]
    assert labels[:2] == ["🎓 Nhận giấy chứng nhận", "Học bài: Bán hàng trên mạng"]
    dialog.tap("Nhận giấy chứng nhận")
    dialog.tap("Không in tên")
    issued = [e for e in dialog.events if isinstance(e, CertificateIssued)]
    assert len(issued) == 1 and issued[0].modules == ("A",) and issued[0].lessons == 2
    dialog.text("/menu")
    labels = [label for _id, label in dialog.choices]
    assert labels[0] == "Học bài: Bán hàng trên mạng"
    assert not any("chứng nhận" in label for label in labels)


def test_passing_the_last_required_lesson_offers_the_certificate_then_the_elective(
    dialog: Dialog,
) -> None:
    passed(dialog, "A1")
    dialog.text("/menu")
    dialog.tap("Học bài: Bài thử hai")
    dialog.tap("Làm bài kiểm tra")
    dialog.text("má")
    assert CourseCompleted() in dialog.events
    labels = [label for _id, label in dialog.choices]
    assert labels == ["🎓 Nhận giấy chứng nhận", "Bài tiếp: Bán hàng trên mạng", "Menu"]
    # The elective passed later completes its module, not the course a second time.
    dialog.tap("Bài tiếp: Bán hàng trên mạng")
    dialog.tap("Làm bài kiểm tra")
    dialog.text("chợ")
    assert dialog.events.count(CourseCompleted()) == 1
    assert ModuleCompleted("G") in dialog.events


def test_required_lessons_come_before_an_elective_started_early(dialog: Dialog) -> None:
    passed(dialog, "G1")
    dialog.text("/menu")
    assert [label for _id, label in dialog.choices][0] == "Học bài: Bài thử một"
    passed(dialog, "G1", "A1")
    dialog.text("/menu")
    assert [label for _id, label in dialog.choices][0] == "Học bài: Bài thử hai"


def test_progress_counts_the_course_and_shows_the_elective_apart(dialog: Dialog) -> None:
    passed(dialog, "A1", "G1")
    dialog.text("/tiendo")
    assert "1/2 bài" in dialog.said  # the course: A1 and A2
    assert "G. Chợ số (tự chọn)" in dialog.said and "1/1 ✅" in dialog.said
    passed(dialog, "A1", "A2")
    dialog.text("/tiendo")
    assert "2/2 bài" in dialog.said
    labels = [label for _id, label in dialog.choices]
    assert labels[:2] == ["🎓 Nhận giấy chứng nhận", "Học bài: Bán hàng trên mạng"]
