"""The self-check at the start, `lessons/selfcheck.yaml`: a few situation questions, each tied to
the module it probes, that suggest where a learner should begin.

The models live in `lessons/models.py`, so the core reads them without PyYAML; the checks that
need other files (the modules exist and have lessons) are in `bot/content.py`.
"""

from __future__ import annotations

from pathlib import Path

from lessons.models import LESSONS_DIR, SelfCheck
from lessons.yamlfile import Loaded, parse_model, read_yaml, text_problems

__all__ = ["SELFCHECK_FILE", "read_selfcheck", "selfcheck_path"]

SELFCHECK_FILE = "selfcheck.yaml"


def selfcheck_path(root: Path = LESSONS_DIR) -> Path:
    """Where the self-check lives: `lessons/selfcheck.yaml`."""
    return root / SELFCHECK_FILE


def read_selfcheck(root: Path = LESSONS_DIR) -> tuple[Loaded[SelfCheck] | None, list[str]]:
    """Read the self-check: the validated file (with its document, for lines) and the problems.

    A content folder without the file has no self-check (None, no problems).
    """
    path = selfcheck_path(root)
    if not path.exists():
        return None, []
    try:
        doc = read_yaml(path)
    except ValueError as exc:
        return None, str(exc).splitlines()
    problems = text_problems(doc)
    try:
        parsed = parse_model(doc, SelfCheck)
    except ValueError as exc:
        return None, problems + str(exc).splitlines()
    first: dict[str, int] = {}
    for index, question in enumerate(parsed.questions):
        if question.id in first:
            problems.append(
                f"{doc.where(['questions', index, 'id'])}: questions.{index}.id: duplicate "
                f"question id {question.id} (also on line "
                f"{doc.line_of(['questions', first[question.id], 'id'])})"
            )
        first.setdefault(question.id, index)
    return Loaded(parsed, doc), problems
