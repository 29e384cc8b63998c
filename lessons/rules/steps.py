"""Lesson steps: short enough to read on a small screen, and a question or a tap at least
every three bubbles.

A lesson is a list of steps (`bubbles`): text bubbles the learner reads, `check` questions and
`try` tasks; the closing `try_it` counts as a `try`.
"""

from __future__ import annotations

from collections.abc import Iterator

from lessons.models import Lesson, Location
from lessons.yamlfile import YamlDocument

# Every step of a lesson: text bubble, check prompt, check feedback, try, try_it. Quizzes and
# the handbook keep the model's limit (BUBBLE_LIMIT).
STEP_LIMIT = 300
# Text bubbles in a row before a `check` or a `try` must come.
MAX_TEXTS_IN_A_ROW = 3


def step_texts(doc: YamlDocument, lesson: Lesson) -> Iterator[tuple[Location, str]]:
    """Every text of a lesson's steps in reading order, with its location in the file.

    A check's prompt comes first, then its option texts, then their feedback; `try_it` last.
    The title is not a step.
    """
    raw = doc.data.get("bubbles") if isinstance(doc.data, dict) else None
    for index, bubble in enumerate(lesson.bubbles):
        plain = isinstance(raw, list) and index < len(raw) and isinstance(raw[index], str)
        if bubble.text is not None:
            yield (("bubbles", index) if plain else ("bubbles", index, "text")), bubble.text
        elif bubble.try_ is not None:
            yield ("bubbles", index, "try"), bubble.try_
        elif bubble.check is not None:
            at = ("bubbles", index, "check")
            yield (*at, "prompt"), bubble.check.prompt
            options = bubble.check.options
            for number, option in enumerate(options):
                yield (*at, "options", number, "text"), option.text
            for number, option in enumerate(options):
                yield (*at, "options", number, "feedback"), option.feedback
    if lesson.try_it is not None:
        yield ("try_it",), lesson.try_it


def _long_steps(doc: YamlDocument, lesson: Lesson) -> Iterator[tuple[Location, str]]:
    for at, text in step_texts(doc, lesson):
        button = at[-3:-2] == ("options",) and at[-1] == "text"  # at most 100, checked already
        if not button and len(text) > STEP_LIMIT:
            yield (
                at,
                (
                    f"too long for a lesson step: {len(text)} characters, at most "
                    f"{STEP_LIMIT}; split it into two steps (a `check` or a `try` between "
                    "them keeps the learner doing), or say it shorter"
                ),
            )


def _reading_runs(lesson: Lesson) -> Iterator[tuple[Location, str]]:
    run: list[int] = []
    for index, bubble in enumerate(lesson.bubbles):
        if bubble.kind != "text":
            run = []
            continue
        run.append(index)
        if len(run) == MAX_TEXTS_IN_A_ROW + 1:
            yield (
                ("bubbles", index),
                (
                    f"{len(run)} text bubbles in a row (bubbles.{run[0]} to bubbles.{index}) "
                    f"without a `check` or a `try`: after at most {MAX_TEXTS_IN_A_ROW}, ask a "
                    "quick question (`check:` with 2-4 options) or set a task to do on the phone "
                    "now (`try:`)"
                ),
            )


def step_problems(doc: YamlDocument, lesson: Lesson) -> list[tuple[Location, str]]:
    """Steps longer than STEP_LIMIT; runs of more than MAX_TEXTS_IN_A_ROW text bubbles.

    `try_it` counts as a `try`: three text bubbles, then `try_it`, is fine.
    """
    return [*_long_steps(doc, lesson), *_reading_runs(lesson)]
