"""The rules' own data files (`lessons/glossary.yaml`, `lessons/misleading.yaml`): where they are
and how they are read."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from lessons.models import LESSONS_DIR
from lessons.yamlfile import YamlDocument, file_problems, parse_model, read_yaml

M = TypeVar("M", bound=BaseModel)


def rule_file(lessons_dir: Path, name: str) -> Path:
    """The data file in the content folder checked, else the course's own.

    A copy of some lessons checked elsewhere (`--lessons /path`, a test's folder) is held to
    the course's rules unless it brings its own file.
    """
    own = lessons_dir / name
    return own if own.exists() else LESSONS_DIR / name


def read_rule_file(path: Path, model: type[M]) -> tuple[M | None, YamlDocument | None, list[str]]:
    """Read and validate a rule data file: the model (None when it is broken), the document
    (for lines) and the problems (NFC, tone marks, a key written twice, the schema)."""
    if not path.exists():
        return None, None, [f"{path}:1: the file is missing: the content check needs it"]
    try:
        doc = read_yaml(path)
    except ValueError as exc:
        return None, None, str(exc).splitlines()
    problems = file_problems(doc)
    try:
        return parse_model(doc, model), doc, problems
    except ValueError as exc:
        return None, doc, problems + str(exc).splitlines()
