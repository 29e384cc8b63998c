""" "Sổ tay học vụ số", the handbook: short questions and answers in `lessons/handbook.yaml`.

Each entry answers one everyday question in a few plain sentences and links to the lesson that
teaches the skill. The search over the entries lives in `bot/handbook.py`. The entry model
itself is in `lessons/models.py`, so the search and the core import it without PyYAML.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from lessons.models import LESSONS_DIR, HandbookEntry
from lessons.yamlfile import Loaded, parse_model, read_yaml, text_problems

__all__ = ["HANDBOOK_FILE", "HandbookEntry", "HandbookFile", "handbook_path", "read_handbook"]

HANDBOOK_FILE = "handbook.yaml"


class HandbookFile(BaseModel):
    """The handbook file: a list of entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = 1
    entries: list[HandbookEntry]


def handbook_path(root: Path = LESSONS_DIR) -> Path:
    """Where the handbook lives: `lessons/handbook.yaml`."""
    return root / HANDBOOK_FILE


def read_handbook(
    root: Path = LESSONS_DIR,
) -> tuple[list[Loaded[HandbookEntry]], list[str]]:
    """Read the handbook: the entries (each with the document, for lines) and the problems.

    A content folder without a handbook has an empty one.
    """
    path = handbook_path(root)
    if not path.exists():
        return [], []
    try:
        doc = read_yaml(path)
    except ValueError as exc:
        return [], str(exc).splitlines()
    problems = text_problems(doc)
    try:
        parsed = parse_model(doc, HandbookFile)
    except ValueError as exc:
        return [], problems + str(exc).splitlines()
    entries: list[Loaded[HandbookEntry]] = []
    ids: dict[str, int] = {}
    questions: dict[str, int] = {}
    for index, entry in enumerate(parsed.entries):
        if entry.id in ids:
            problems.append(
                f"{doc.where(['entries', index, 'id'])}: entries.{index}.id: duplicate handbook "
                f"id {entry.id} (also on line {doc.line_of(['entries', ids[entry.id], 'id'])})"
            )
        ids.setdefault(entry.id, index)
        key = " ".join(entry.question.casefold().split())
        if key in questions:
            problems.append(
                f"{doc.where(['entries', index, 'question'])}: entries.{index}.question: the "
                f"same question is asked on line "
                f"{doc.line_of(['entries', questions[key], 'question'])}"
            )
        questions.setdefault(key, index)
        entries.append(Loaded(entry, doc, ("entries", index)))
    return entries, problems
