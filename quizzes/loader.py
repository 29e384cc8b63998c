"""Find and validate the quiz files: `quizzes/<module>/<lesson id>.yaml`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from lessons.loader import stray_files
from lessons.models import Location
from lessons.yamlfile import (
    Loaded,
    YamlDocument,
    parse_model,
    problem_lines,
    read_yaml,
    text_problems,
)
from quizzes.models import Question, Quiz

QUIZZES_DIR = Path(__file__).resolve().parent


def quiz_files(root: Path = QUIZZES_DIR) -> list[Path]:
    """Every quiz file, in a stable order."""
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name != "__pycache__")


def quiz_path(lesson_id: str, root: Path = QUIZZES_DIR) -> Path:
    """Where the quiz of a lesson lives: `quizzes/<module letter>/<lesson id>.yaml`."""
    return root / lesson_id[:1] / f"{lesson_id}.yaml"


def read_quiz(path: Path) -> tuple[Loaded[Quiz] | None, list[str]]:
    """Read and check one quiz file: the quiz (None when it cannot be read) and the problems."""
    try:
        doc = read_yaml(path)
    except ValueError as exc:
        return None, str(exc).splitlines()
    problems = text_problems(doc)
    try:
        quiz = parse_model(doc, Quiz)
    except ValueError as exc:
        return None, problems + str(exc).splitlines() + _rules_of_valid_questions(doc)
    problems.extend(problem_lines(doc, quiz.problems()))
    if path.stem != quiz.lesson:
        problems.append(
            f"{doc.where(['lesson'])}: lesson: the file name must be the lesson id "
            f"({quiz.lesson}.yaml)"
        )
    if path.parent.name != quiz.lesson[:1]:
        problems.append(
            f"{doc.where(['lesson'])}: lesson: the quiz of {quiz.lesson} belongs in folder "
            f"{quiz.lesson[:1]}/, not {path.parent.name}/"
        )
    return Loaded(quiz, doc), problems


def _rules_of_valid_questions(doc: YamlDocument) -> list[str]:
    """When a quiz has schema errors, still check the house rules of its other questions."""
    questions = doc.data.get("questions") if isinstance(doc.data, dict) else None
    found: list[tuple[Location, str]] = []
    for index, data in enumerate(questions if isinstance(questions, list) else []):
        try:
            question = Question.model_validate(data)
        except ValidationError:
            continue  # its schema errors are reported already
        found.extend((("questions", index, *loc), msg) for loc, msg in question.problems())
    return problem_lines(doc, found)


def read_quizzes(root: Path = QUIZZES_DIR) -> tuple[list[Loaded[Quiz]], list[str]]:
    """Read every quiz file: the quizzes that validated (with their documents) and problems."""
    quizzes: list[Loaded[Quiz]] = []
    problems: list[str] = stray_files(root, "quiz")
    for path in quiz_files(root):
        loaded, found = read_quiz(path)
        problems.extend(found)
        if loaded is not None:
            quizzes.append(loaded)
    return quizzes, problems


def load_quizzes(root: Path = QUIZZES_DIR) -> tuple[list[Quiz], list[str]]:
    """Read every quiz file. Returns the quizzes that validated and the problems found."""
    loaded, problems = read_quizzes(root)
    return [item.item for item in loaded], problems


# -- writing -------------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none"}
_QUESTION_ORDER = (
    "id",
    "type",
    "drill",
    "scenario",
    "prompt",
    "options",
    "answer",
    "answers",
    "feedback_true",
    "feedback_false",
    "feedback_correct",
    "feedback_wrong",
    "feedback",
)
_OPTION_ORDER = ("id", "text", "correct", "credit", "feedback")


def _scalar(value: object, indent: str, plain: bool = False) -> str:
    """One YAML value: quoted text (a `|` block for several lines), numbers, true/false.

    `plain` leaves short names (ids, types) unquoted when YAML cannot misread them.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if plain and _PLAIN.match(text) and text.casefold() not in _YAML_WORDS:
        return text
    lines = text.split("\n")
    body = lines[:-1] if text.endswith("\n") else lines
    literal = (
        len(body) > 1
        and not text.endswith("\n\n")
        and all(line == line.strip() and line for line in body)
    )
    if literal:
        chomp = "" if text.endswith("\n") else "-"
        return f"|{chomp}\n" + "\n".join(f"{indent}  {line}" for line in body)
    return json.dumps(text, ensure_ascii=False)


def _mapping(data: dict[str, Any], order: tuple[str, ...], indent: str) -> list[str]:
    lines = []
    for key in sorted(data, key=order.index):
        value = data[key]
        if key == "options":
            lines.append(f"{indent}options:")
            for option in value:
                inner = _mapping(option, _OPTION_ORDER, indent + "    ")
                lines.append(f"{indent}  - {inner[0].lstrip()}")
                lines.extend(inner[1:])
        elif isinstance(value, list):
            items = ", ".join(_scalar(item, indent) for item in value)
            lines.append(f"{indent}{key}: [{items}]")
        else:
            lines.append(f"{indent}{key}: {_scalar(value, indent, key in ('id', 'type'))}")
    return lines


def quiz_yaml(quiz: Quiz) -> str:
    """A quiz as a YAML file in the house style, which reads back to the same quiz.

    Raises:
        ValueError: if the text would not read back to the same quiz (a bug, never silent).
    """
    lines = [
        f"schema_version: {quiz.schema_version}",
        f"lesson: {quiz.lesson}",
        f"pass_mark: {quiz.pass_mark!r}",
        "questions:",
    ]
    for question in quiz.questions:
        data = question.model_dump(mode="json", exclude_defaults=True)
        data.setdefault("id", question.id)
        data.setdefault("type", question.type.value)
        inner = _mapping(data, _QUESTION_ORDER, "    ")
        lines.append(f"  - {inner[0].lstrip()}")
        lines.extend(inner[1:])
    text = "\n".join(lines) + "\n"
    if Quiz.model_validate(yaml.safe_load(text)) != quiz:
        raise ValueError(f"the YAML written for the quiz of {quiz.lesson} does not read back")
    return text
