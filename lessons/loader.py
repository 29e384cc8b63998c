"""Find and validate the lesson files: `lessons/modules.yaml` and `lessons/<module>/<id>.yaml`."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from lessons.models import Lesson, Module
from lessons.yamlfile import parse_model, read_yaml

LESSONS_DIR = Path(__file__).resolve().parent


class _ModuleList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    modules: list[Module]


def load_modules(root: Path = LESSONS_DIR) -> tuple[list[Module], list[str]]:
    """Read `modules.yaml`. Returns the modules in order and the problems found."""
    path = root / "modules.yaml"
    if not path.exists():
        return [], [f"{path}:1: the module list is missing"]
    try:
        parsed = parse_model(read_yaml(path), _ModuleList)
    except ValueError as exc:
        return [], str(exc).splitlines()
    return sorted(parsed.modules, key=lambda module: module.order), []


def lesson_files(root: Path = LESSONS_DIR) -> list[Path]:
    """Every lesson file, in a stable order."""
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name != "__pycache__")


def load_lessons(root: Path = LESSONS_DIR) -> tuple[list[Lesson], list[str]]:
    """Read every lesson file. Returns the lessons that validated and the problems found."""
    lessons: list[Lesson] = []
    problems: list[str] = []
    for path in lesson_files(root):
        try:
            doc = read_yaml(path)
            lesson = parse_model(doc, Lesson)
        except ValueError as exc:
            problems.extend(str(exc).splitlines())
            continue
        if path.parent.name != lesson.module:
            problems.append(
                f"{path}:{doc.line_of(['module'])}: module: the file is in folder "
                f"{path.parent.name}/ but says module {lesson.module}"
            )
        if path.stem != lesson.id:
            problems.append(
                f"{path}:{doc.line_of(['id'])}: id: the file name must be the lesson id "
                f"({lesson.id}.yaml)"
            )
        lessons.append(lesson)
    return lessons, problems
