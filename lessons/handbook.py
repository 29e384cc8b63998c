""" "Sổ tay học vụ số", the handbook: short questions and answers in `lessons/handbook.yaml`.

Each entry answers one everyday question in a few plain sentences and links to the lesson that
teaches the skill. The search over the entries lives in `bot/handbook.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lessons.loader import LESSONS_DIR
from lessons.models import ID_PATTERN, check_bubble, check_button
from lessons.yamlfile import Loaded, parse_model, read_yaml, text_problems

HANDBOOK_FILE = "handbook.yaml"


class HandbookEntry(BaseModel):
    """One question and its answer.

    Attributes:
        id: short stable name in lower case with dashes, e.g. `chuyen-tien-qr`.
        question: the question as a learner would ask it; shown as a button, so short.
        answer: the answer in plain, kind words; one chat bubble (under 600 characters).
        keywords: other words people type for this ("ck", "quét mã", "vietqr").
        lesson: the id of the lesson that teaches it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    question: Annotated[str, Field(min_length=5)]
    answer: Annotated[str, Field(min_length=20)]
    keywords: list[Annotated[str, Field(min_length=1, max_length=60)]]
    lesson: Annotated[str, Field(pattern=ID_PATTERN)]

    _check_question = field_validator("question")(check_button)
    _check_answer = field_validator("answer")(check_bubble)

    @field_validator("question")
    @classmethod
    def _is_a_question(cls, value: str) -> str:
        if not value.rstrip().endswith("?"):
            raise ValueError("write the question as a learner asks it, ending with '?'")
        return value

    @field_validator("keywords")
    @classmethod
    def _some_keywords(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(
                "list a few other words people type for this question (e.g. 'ck', 'quét mã')"
            )
        return value


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
