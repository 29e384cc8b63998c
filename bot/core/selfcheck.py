"""The self-check's rules: when to offer it, the question on screen, and where to start.

Pure functions of the state and the content (`lessons/selfcheck.yaml`); the screens are in
`bot.core.selfcheck_screens`, the steps in `bot.core.selfcheck_flow`. Nothing here is scored
or reported: the answers live in the conversation state only.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.catalog import Catalog
from bot.core.resume import resume_point
from bot.core.state import LearnerState
from lessons.models import Lesson, Module, SelfCheckQuestion


@dataclass(frozen=True)
class Suggestion:
    """Where the self-check suggests starting, and why.

    `missed`: the modules of the questions answered wrong or "don't know", in course order;
    `known`: the probed modules answered well (and not missed by another question).
    """

    lesson: Lesson | None
    missed: tuple[Module, ...]
    known: tuple[Module, ...]
    right: int
    total: int


def selfcheck_due(state: LearnerState, catalog: Catalog) -> bool:
    """Whether starting to learn offers the self-check first: there is one, the learner has
    passed nothing and opened no lesson yet, and has not answered the offer before."""
    return (
        catalog.selfcheck is not None
        and not state.selfcheck_asked
        and not state.passed
        and state.lesson_id is None
    )


def current_question(state: LearnerState, catalog: Catalog) -> SelfCheckQuestion | None:
    """The question on screen: the first one not answered yet (None when all are)."""
    selfcheck, progress = catalog.selfcheck, state.selfcheck
    if selfcheck is None or progress is None:
        return None
    index = len(progress.answers)
    return selfcheck.questions[index] if index < len(selfcheck.questions) else None


def suggestion(state: LearnerState, catalog: Catalog) -> Suggestion | None:
    """The result of a finished self-check (None while it is under way).

    The suggested lesson is the first lesson not passed yet of the first module missed (in
    course order); with every answer right, of the last module probed (the scams module,
    whose tricks change all the time). A module whose lessons are all passed is passed over.
    """
    selfcheck, progress = catalog.selfcheck, state.selfcheck
    if selfcheck is None or progress is None or len(progress.answers) < len(selfcheck.questions):
        return None
    missed_ids: set[str] = set()
    right = 0
    for question, answer in zip(selfcheck.questions, progress.answers, strict=False):
        if any(option.id == answer and option.correct for option in question.options):
            right += 1
        else:
            missed_ids.add(question.module)
    probed = {question.module for question in selfcheck.questions}
    missed = tuple(module for module in catalog.modules if module.id in missed_ids)
    known = tuple(m for m in catalog.modules if m.id in probed and m.id not in missed_ids)
    # Every answer right: the last module probed (the scams, in the shipped self-check).
    candidates = missed or tuple(m for m in catalog.modules if m.id in probed)[-1:]
    lesson = next(
        (
            found
            for module in candidates
            if (found := _first_open(state, catalog, module)) is not None
        ),
        None,
    )
    if lesson is None:
        point = resume_point(state, catalog)
        lesson = point.lesson if point is not None else None
    return Suggestion(lesson, missed, known, right, len(selfcheck.questions))


def _first_open(state: LearnerState, catalog: Catalog, module: Module) -> Lesson | None:
    return next(
        (
            lesson
            for lesson in catalog.lessons
            if lesson.module == module.id and lesson.id not in state.passed
        ),
        None,
    )
