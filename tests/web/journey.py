"""How a learner answers the shipped first lesson's quiz: one wrong, the rest right, one typed
without diacritics. Derived from the content, so editing the lesson text keeps tests valid."""

from __future__ import annotations

from dataclasses import dataclass

from bot.choice_match import Picked, match_choice
from bot.content import Catalog
from bot.text import fold
from lessons import Lesson
from quizzes import Question, QuestionType, Quiz


@dataclass(frozen=True)
class Step:
    """Tap the button whose label is `label`, or type `text`."""

    label: str | None = None
    text: str | None = None


def first_lesson(catalog: Catalog) -> tuple[Lesson, Quiz]:
    lesson = catalog.lessons[0]
    quiz = catalog.quiz(lesson.id)
    assert quiz is not None
    return lesson, quiz


def _labels(question: Question) -> list[str]:
    if question.type is QuestionType.TRUE_FALSE:
        return ["Đúng", "Sai"]
    return [option.text for option in question.options]


def _right(question: Question) -> list[str]:
    if question.type is QuestionType.TRUE_FALSE:
        return ["Đúng" if question.answer else "Sai"]
    return [option.text for option in question.options if option.correct]


def _wrong(question: Question) -> str:
    if question.type is QuestionType.TRUE_FALSE:
        return "Sai" if question.answer else "Đúng"
    return next(option.text for option in question.options if not option.correct)


def answer_plan(quiz: Quiz) -> tuple[list[list[Step]], int]:
    """Steps per question, and the index of the question answered wrongly on purpose."""
    allowed_wrong = len(quiz.questions) - quiz.pass_mark * len(quiz.questions)
    assert allowed_wrong >= 1, "the first quiz must allow one wrong answer and still pass"
    plan: list[list[Step]] = []
    wrong_at = next(i for i, q in enumerate(quiz.questions) if q.type is not QuestionType.SHORT)
    typed_done = False
    for index, question in enumerate(quiz.questions):
        if index == wrong_at:
            steps = [Step(label=_wrong(question))]
            if question.type is QuestionType.MULTIPLE:
                steps.append(Step(label="Xong"))
            plan.append(steps)
            continue
        if question.type is QuestionType.SHORT:
            plan.append([Step(text=fold(question.answers[0]))])
            typed_done = True
            continue
        right = _right(question)
        if question.type is QuestionType.MULTIPLE:
            plan.append([Step(label=label) for label in right] + [Step(label="Xong")])
            continue
        typed = fold(right[0])
        unambiguous = match_choice(typed, _labels(question)) == Picked(
            _labels(question).index(right[0])
        )
        if not typed_done and typed != right[0].casefold() and unambiguous:
            plan.append([Step(text=typed)])
            typed_done = True
        else:
            plan.append([Step(label=right[0])])
    assert typed_done, "the first quiz needs one answer that can be typed without diacritics"
    return plan, wrong_at


def choice_for(label: str, replies: list[dict[str, object]]) -> str:
    """The id of the newest choice whose label is `label` (☐/☑ marks ignored)."""
    for reply in reversed(replies):
        for choice in reply.get("choices", []):  # type: ignore[attr-defined]
            shown = str(choice["label"]).removeprefix("☐ ").removeprefix("☑ ")
            if shown == label:
                return str(choice["id"])
    raise AssertionError(f"no choice labelled {label!r} in {replies}")
