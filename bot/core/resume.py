"""Where "continue" leads: the quiz or lesson the learner left unfinished, else the first
lesson not done yet.

Every button, command and reminder that offers to go on asks here, so "Tiếp tục" always means
"where I stopped": a quiz left half-way resumes at its question, a lesson at the bubble where
the learner left it. Lessons of elective modules come after every required one. Without
consent nothing is done or passed, so the lesson after the one read last comes next.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.catalog import Catalog, bubbles
from bot.core.state import LearnerState, QuizProgress
from bot.i18n import Translator
from lessons.models import Lesson


class Resume(StrEnum):
    """What going on means for a lesson."""

    QUIZ = "quiz"  # its quiz is unfinished: at the question on screen when the learner left
    LESSON = "lesson"  # the lesson is unfinished: at the bubble where the learner left
    NEW = "new"  # a lesson not started yet (or done before): from its first bubble


@dataclass(frozen=True)
class ResumePoint:
    """The lesson to go on with, and how."""

    lesson: Lesson
    kind: Resume


def resume_point(state: LearnerState, catalog: Catalog) -> ResumePoint | None:
    """Where "continue" leads; None when every lesson is passed."""
    current = catalog.lesson(state.lesson_id or "")
    if not state.consent:
        if current is not None and state.bubble < len(bubbles(current)) - 1:
            return ResumePoint(current, Resume.LESSON)
        upcoming = catalog.next_lesson(state.lesson_id)
        return ResumePoint(upcoming, Resume.NEW) if upcoming is not None else None
    done = done_lessons(state, catalog)
    if current is not None and current.id not in done:
        if unfinished_quiz(state, catalog) is not None:
            return ResumePoint(current, Resume.QUIZ)
        return ResumePoint(current, Resume.LESSON)
    # The course's required lessons first; the electives once those are passed.
    upcoming = catalog.next_lesson(None, done, required_only=True) or catalog.next_lesson(
        None, done
    )
    return ResumePoint(upcoming, Resume.NEW) if upcoming is not None else None


def certificate_due(state: LearnerState, catalog: Catalog) -> bool:
    """Whether to offer the certificate: every required lesson is passed and none was issued
    yet (offered before any elective lesson left)."""
    return state.certificate is None and catalog.course_complete(state.passed)


def done_lessons(state: LearnerState, catalog: Catalog) -> frozenset[str]:
    """Lessons passed, and lessons without a quiz read to the end."""
    read = {lesson_id for lesson_id in state.read if catalog.quiz(lesson_id) is None}
    return frozenset(state.passed) | read


def unfinished_quiz(state: LearnerState, catalog: Catalog) -> QuizProgress | None:
    """The current lesson's quiz attempt left before its last answer, if any (kept aside
    while a review round borrows `state.quiz`)."""
    progress = state.quiz
    if progress is not None and progress.review:
        progress = state.paused_quiz
    quiz = catalog.quiz(state.lesson_id or "")
    if progress is None or progress.review or quiz is None or progress.last_points is not None:
        return None
    return progress if 0 <= progress.index < len(quiz.questions) else None


def pause_for_review(state: LearnerState) -> None:
    """A review round borrows `state.quiz`: keep an unfinished lesson quiz aside until then."""
    if state.quiz is None or not state.quiz.review:
        unfinished = state.quiz is not None and state.quiz.last_points is None
        state.paused_quiz = state.quiz if unfinished else None
    state.quiz = QuizProgress(review=True)


def take_paused_quiz(state: LearnerState) -> None:
    """Put a lesson quiz kept aside during a review round back in place."""
    if state.quiz is not None and state.quiz.review and state.paused_quiz is not None:
        state.quiz, state.paused_quiz = state.paused_quiz, None


def resume_label(point: ResumePoint, t: Translator, title: str | None = None) -> str:
    """The button for a resume point ("Học tiếp: …"); `title` may be a shortened one."""
    title = title if title is not None else point.lesson.title
    if point.kind is Resume.QUIZ:
        return t.gettext("▶ Continue the quiz: {title}").format(title=title)
    if point.kind is Resume.LESSON:
        return t.gettext("▶ Continue: {title}").format(title=title)
    return t.gettext("Learn: {title}").format(title=title)
