"""The house rules of the second edition, checked by `hocvuso content check`.

Each rule is a module named for it; `course_problems()` runs them all over the loaded content
and returns `file:line: field: message` problems:

- `steps`: lesson steps of at most 300 characters; a `check` or a `try` at least after every
  three text bubbles;
- `legal`: no legal document numbers in text a learner reads;
- `words`: house words ("cúp máy", "tắt nguồn", "chạm"), not "tắt máy", "nhấn", "click" …;
- `glossary`: jargon explained at its first use in each lesson (`lessons/glossary.yaml`);
- `drills`: a drill's scenario does not say "lừa đảo";
- `duplicates`: no quiz prompt asked twice in the course;
- `misleading`: no misleading rule of thumb (`lessons/misleading.yaml`).

The text rules (legal, words, misleading) read every value a learner reads: lessons, quizzes,
the handbook and the module titles (`shown`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lessons.rules.datafile import read_rule_file, rule_file
from lessons.rules.drills import drill_problems
from lessons.rules.duplicates import duplicate_prompt_problems
from lessons.rules.glossary import (
    GLOSSARY_FILE,
    GlossaryFile,
    glossary_problems,
    jargon_problems,
)
from lessons.rules.legal import legal_problems
from lessons.rules.misleading import (
    MISLEADING_FILE,
    CompiledClaim,
    MisleadingFile,
    compile_claims,
    misleading_problems,
)
from lessons.rules.shown import is_wrong_answer, problem, shown_scalars
from lessons.rules.steps import step_problems
from lessons.rules.words import word_problems
from lessons.yamlfile import YamlDocument, problem_lines

if TYPE_CHECKING:
    from lessons.handbook import HandbookEntry
    from lessons.models import Lesson
    from lessons.yamlfile import Loaded
    from quizzes.models import Quiz

__all__ = ["course_problems", "read_glossary", "read_misleading", "text_rule_problems"]


def read_glossary(
    lessons_dir: Path, claims: Sequence[CompiledClaim] = ()
) -> tuple[dict[str, str], list[str]]:
    """The glossary's terms (empty when the file is broken) and its problems.

    An explanation is written into lessons, so it follows the text rules too (with `claims`).
    """
    parsed, doc, problems = read_rule_file(rule_file(lessons_dir, GLOSSARY_FILE), GlossaryFile)
    if parsed is None or doc is None:
        return {}, problems
    problems += glossary_problems(doc, parsed)
    problems += text_rule_problems(doc, claims)
    return dict(parsed.terms), problems


def read_misleading(lessons_dir: Path) -> tuple[list[CompiledClaim], list[str]]:
    """The misleading claims, ready to match (none when the file is broken), and problems."""
    path = rule_file(lessons_dir, MISLEADING_FILE)
    parsed, doc, problems = read_rule_file(path, MisleadingFile)
    if parsed is None or doc is None:
        return [], problems
    claims, found = compile_claims(doc, parsed)
    return claims, problems + found


def text_rule_problems(doc: YamlDocument, claims: Sequence[CompiledClaim]) -> list[str]:
    """Legal numbers, house words and misleading claims in every value a learner reads."""
    problems = []
    for scalar in shown_scalars(doc):
        wrong = is_wrong_answer(doc.data, scalar.at)
        found = [
            *legal_problems(scalar),
            *word_problems(scalar),
            *misleading_problems(scalar, claims, wrong),
        ]
        problems += [problem(doc, scalar, offset, message) for offset, message in sorted(found)]
    return problems


def course_problems(
    lessons_dir: Path,
    modules: YamlDocument | None,
    lessons: Sequence[Loaded[Lesson]],
    quizzes: Sequence[Loaded[Quiz]],
    handbook: Sequence[Loaded[HandbookEntry]],
) -> list[str]:
    """Every house rule over the content that loaded (a file that did not has its problems)."""
    claims, problems = read_misleading(lessons_dir)
    terms, found = read_glossary(lessons_dir, claims)
    problems += found
    docs = [loaded.doc for loaded in lessons] + [loaded.doc for loaded in quizzes]
    docs += [modules] if modules is not None else []
    docs += [handbook[0].doc] if handbook else []
    for loaded in lessons:
        problems += problem_lines(loaded.doc, step_problems(loaded.doc, loaded.item))
        problems += jargon_problems(loaded, terms)
    for quiz in quizzes:
        problems += drill_problems(quiz)
    for doc in docs:
        problems += text_rule_problems(doc, claims)
    problems += duplicate_prompt_problems(list(quizzes))
    return sorted(problems, key=_file_and_line)


def _file_and_line(problem: str) -> tuple[str, int]:
    match = re.match(r"(.*?):(\d+): ", problem)
    return (match.group(1), int(match.group(2))) if match else (problem, 0)
