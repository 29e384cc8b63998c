"""`lessons/selfcheck.yaml` under `hocvuso content check`: a valid file loads, and each broken
one is reported as `file:line: message` at the line to fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_catalog
from tests.content.test_content_check import check, content, edit, line, write

__all__ = ["content"]  # the fixture, shared with the content-check tests

SELFCHECK = """\
schema_version: 1
questions:
  - id: q1
    module: A
    prompt: "Chữ nhỏ quá, bác làm thế nào?"
    options:
      - id: a
        text: "Vào Cài đặt, tăng cỡ chữ"
        correct: true
      - id: b
        text: "Chưa biết / chưa làm bao giờ"
  - id: q2
    module: A
    prompt: "Máy hết pin, bác làm gì?"
    options:
      - id: a
        text: "Cắm sạc"
        correct: true
      - id: b
        text: "Chưa biết / chưa làm bao giờ"
  - id: q3
    module: A  # thời tiết
    prompt: "Bác muốn xem thời tiết ngày mai. Bác làm gì?"
    options:
      - id: a
        text: "Hỏi người lạ qua tin nhắn"
      - id: b
        text: "Tìm 'thời tiết ngày mai' trên Google"
        correct: true
      - id: c
        text: "Chưa biết / chưa làm bao giờ"
"""
NAME = "lessons/selfcheck.yaml"


def _no_right_answer(root: Path) -> None:
    edit(
        root, NAME, '        text: "Cắm sạc"\n        correct: true\n', '        text: "Cắm sạc"\n'
    )


def _two_right_answers(root: Path) -> None:
    edit(
        root,
        NAME,
        '        text: "Hỏi người lạ qua tin nhắn"\n',
        '        text: "Hỏi người lạ"\n        correct: true\n',
    )


def _unknown_module(root: Path) -> None:
    edit(root, NAME, "module: A  # thời tiết", "module: Z  # thời tiết")


def _module_without_lessons(root: Path) -> None:
    edit(root, NAME, "module: A  # thời tiết", "module: B  # thời tiết")  # B has no lessons


def _duplicate_question_id(root: Path) -> None:
    edit(root, NAME, "  - id: q2\n", "  - id: q1\n")


def _too_few_questions(root: Path) -> None:
    write(root, NAME, SELFCHECK.split("  - id: q2\n")[0])


def _long_option(root: Path) -> None:
    edit(root, NAME, '"Cắm sạc"', '"' + "Cắm sạc " * 20 + '"')


def _unknown_field(root: Path) -> None:
    edit(root, NAME, '    prompt: "Máy hết pin', '    promt: "Máy hết pin')


def _broken_yaml(root: Path) -> None:
    edit(root, NAME, '    prompt: "Máy hết pin, bác làm gì?"', "    prompt: [Máy hết pin")


def _tappable_address(root: Path) -> None:
    edit(root, NAME, '"Hỏi người lạ qua tin nhắn"', '"Vào thoitiet-free.com xem"')


# case: (break it, the line's text, its occurrence, the message fragment)
CASES: dict[str, tuple[Callable[[Path], None], str, int, str]] = {
    "no right answer": (_no_right_answer, "  - id: q2", 1, "questions.1: a self-check question"),
    "two right answers": (_two_right_answers, "  - id: q3", 1, "(this one has 2)"),
    "unknown module": (_unknown_module, "module: Z", 1, "module Z is not in modules.yaml"),
    "module without lessons": (_module_without_lessons, "module: B", 1, "has no lessons yet"),
    "duplicate question id": (_duplicate_question_id, "  - id: q1", 2, "duplicate question id q1"),
    "too few questions": (_too_few_questions, "questions:", 1, "at least 3 items"),
    "option too long": (_long_option, "Cắm sạc Cắm sạc", 1, "too long for a button"),
    "unknown field": (_unknown_field, "promt:", 1, "questions.1.promt: Extra inputs"),
    "broken YAML": (_broken_yaml, "    options:", 2, "broken YAML"),
    "tappable address": (_tappable_address, "thoitiet-free.com", 1, "web address"),
}


@pytest.fixture
def with_selfcheck(content: Path) -> Path:
    write(content, NAME, SELFCHECK)
    return content


def test_a_valid_selfcheck_loads(with_selfcheck: Path) -> None:
    catalog = load_catalog(with_selfcheck / "lessons", with_selfcheck / "quizzes")
    assert catalog.selfcheck is not None
    assert [q.module for q in catalog.selfcheck.questions] == ["A", "A", "A"]


def test_content_without_a_selfcheck_has_none(content: Path) -> None:
    assert load_catalog(content / "lessons", content / "quizzes").selfcheck is None


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_broken_selfcheck_is_reported_at_its_line(with_selfcheck: Path, case: str) -> None:
    breaks, needle, occurrence, message = CASES[case]
    breaks(with_selfcheck)
    problems = check(with_selfcheck)
    where = f"{with_selfcheck / NAME}:{line(with_selfcheck, NAME, needle, occurrence)}: "
    matching = [p for p in problems if p.startswith(where) and message in p]
    assert matching, f"{case}: want {where}…{message}…, got:\n" + "\n".join(problems)


def test_the_cli_reports_a_broken_selfcheck(with_selfcheck: Path, capsys) -> None:
    args = ["content", "check", "--lessons", str(with_selfcheck / "lessons")]
    args += ["--quizzes", str(with_selfcheck / "quizzes")]
    assert main(args) == 0
    assert "self-check 3 questions" in capsys.readouterr().out
    _unknown_module(with_selfcheck)
    assert main(args) == 1
    err = capsys.readouterr().err
    at = line(with_selfcheck, NAME, "module: Z")
    assert f"{with_selfcheck / NAME}:{at}: questions.2.module: module Z" in err


def test_the_shipped_selfcheck_probes_five_modules_and_says_bac() -> None:
    selfcheck = load_catalog().selfcheck
    assert selfcheck is not None and len(selfcheck.questions) == 5
    assert [q.module for q in selfcheck.questions] == ["A", "C", "D", "E", "F"]
    for question in selfcheck.questions:
        texts = [question.prompt] + [option.text for option in question.options]
        assert not any("bạn" in text.casefold().split() for text in texts), question.id
        assert question.options[-1].text == "Chưa biết / chưa làm bao giờ"
        assert not question.options[-1].correct
