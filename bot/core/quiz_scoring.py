"""Quiz scoring: points for an answer, the pass decision and the answer key, as pure functions."""

from __future__ import annotations

from bot.i18n import Translator
from quizzes.models import Question, QuestionType

# Points add up in floats (a multiple-choice answer earns a fraction): a score exactly at the
# pass mark must not fail by a rounding error.
PASS_TOLERANCE = 1e-9


def multiple_choice_points(right: set[str], picked: set[str]) -> float:
    """Each right option picked earns its share, each wrong one costs as much; never below 0."""
    return max(0.0, (len(picked & right) - len(picked - right)) / len(right))


def passes(points: float, questions: int, pass_mark: float) -> bool:
    """Whether `points` out of one per question reaches the quiz's pass mark (a ratio)."""
    return points / questions >= pass_mark - PASS_TOLERANCE


def answer_key(question: Question, t: Translator) -> str:
    """The right answer as shown after a wrong one."""
    if question.type is QuestionType.TRUE_FALSE:
        return t.gettext("True") if question.answer else t.gettext("False")
    if question.type is QuestionType.SHORT:
        return question.answers[0]
    return "; ".join(o.text for o in question.options if o.correct)
