"""Domain events: the facts the core reports, which storage applies in one transaction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentChanged:
    """The learner agreed to (or declined, or withdrew) the privacy notice of `version`."""

    given: bool
    version: str


@dataclass(frozen=True)
class LocaleChanged:
    """The learner chose another interface language."""

    locale: str


@dataclass(frozen=True)
class LessonStarted:
    """The learner opened a lesson."""

    lesson_id: str


@dataclass(frozen=True)
class LessonCompleted:
    """The learner read every bubble of a lesson."""

    lesson_id: str


@dataclass(frozen=True)
class QuestionAnswered:
    """One answer to one quiz question (every answer is kept)."""

    lesson_id: str
    attempt: int
    question_id: str
    answer: str
    correct: bool
    points: float


@dataclass(frozen=True)
class QuizFinished:
    """A quiz attempt ended, passed or completed-but-failed."""

    lesson_id: str
    attempt: int
    points: float
    max_points: int
    passed: bool


@dataclass(frozen=True)
class DataErased:
    """The learner asked for their personal data to be deleted."""


DomainEvent = (
    ConsentChanged
    | LocaleChanged
    | LessonStarted
    | LessonCompleted
    | QuestionAnswered
    | QuizFinished
    | DataErased
)
