"""Find and validate the lesson files: `lessons/modules.yaml` and `lessons/<module>/<id>.yaml`."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from lessons.models import LESSONS_DIR as LESSONS_DIR  # the default root, re-exported
from lessons.models import Lesson, Module
from lessons.yamlfile import Loaded, YamlDocument, parse_model, read_yaml, text_problems

# Folders under lessons/ that hold no lessons.
NOT_MODULES = {"__pycache__", "images"}


class _ModuleList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    modules: list[Module]


def read_modules(root: Path = LESSONS_DIR) -> tuple[list[Module], YamlDocument | None, list[str]]:
    """Read `modules.yaml`: the modules in order, the document (for lines) and the problems."""
    path = root / "modules.yaml"
    if not path.exists():
        return [], None, [f"{path}:1: the module list is missing"]
    try:
        doc = read_yaml(path)
    except ValueError as exc:
        return [], None, str(exc).splitlines()
    problems = text_problems(doc)
    try:
        parsed = parse_model(doc, _ModuleList)
    except ValueError as exc:
        return [], doc, problems + str(exc).splitlines()
    seen: dict[str, int] = {}
    for index, module in enumerate(parsed.modules):
        if module.id in seen:
            problems.append(
                f"{doc.where(['modules', index, 'id'])}: modules.{index}.id: duplicate module id "
                f"{module.id} (also on line {doc.line_of(['modules', seen[module.id]])})"
            )
        seen.setdefault(module.id, index)
    return sorted(parsed.modules, key=lambda module: module.order), doc, problems


def load_modules(root: Path = LESSONS_DIR) -> tuple[list[Module], list[str]]:
    """Read `modules.yaml`. Returns the modules in order and the problems found."""
    modules, _doc, problems = read_modules(root)
    return modules, problems


def lesson_files(root: Path = LESSONS_DIR) -> list[Path]:
    """Every lesson file, in a stable order."""
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name not in NOT_MODULES)


def stray_files(root: Path, kind: str) -> list[str]:
    """Files in module folders the loader would silently skip (`A6.yml`, `A6.yaml.txt`)."""
    problems = []
    for path in sorted(root.glob("*/*")):
        if path.parent.name in NOT_MODULES or not path.is_file() or path.suffix == ".yaml":
            continue
        if path.suffix in (".yml", ".txt") or ".yaml" in path.name or ".yml" in path.name:
            problems.append(
                f"{path}:1: this {kind} file is not read: the name must end in .yaml "
                f"(e.g. {path.name.split('.', 1)[0]}.yaml)"
            )
    return problems


def read_lessons(root: Path = LESSONS_DIR) -> tuple[list[Loaded[Lesson]], list[str]]:
    """Read every lesson file: the lessons that validated (with their documents) and problems."""
    lessons: list[Loaded[Lesson]] = []
    problems: list[str] = stray_files(root, "lesson")
    for path in lesson_files(root):
        try:
            doc = read_yaml(path)
        except ValueError as exc:
            problems.extend(str(exc).splitlines())
            continue
        problems.extend(text_problems(doc))
        try:
            lesson = parse_model(doc, Lesson)
        except ValueError as exc:
            problems.extend(str(exc).splitlines())
            continue
        if path.parent.name != lesson.module:
            problems.append(
                f"{doc.where(['module'])}: module: the file is in folder {path.parent.name}/ but "
                f"says module {lesson.module}; move it to {lesson.module}/"
            )
        if path.stem != lesson.id:
            problems.append(
                f"{doc.where(['id'])}: id: the file name must be the lesson id ({lesson.id}.yaml)"
            )
        lessons.append(Loaded(lesson, doc))
    return lessons, problems


def load_lessons(root: Path = LESSONS_DIR) -> tuple[list[Lesson], list[str]]:
    """Read every lesson file. Returns the lessons that validated and the problems found."""
    loaded, problems = read_lessons(root)
    return [item.item for item in loaded], problems
