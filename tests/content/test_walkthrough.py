"""Every shipped lesson and quiz through the core engine: read to the end, pass with all right
answers, then one failed attempt. Answers come from the quiz models, so content edits keep the
test valid; choices are tapped by their action, so it does not depend on translations."""

from __future__ import annotations

import pytest

from bot.content import Catalog, load_catalog
from bot.core import LessonCompleted, LessonStarted, Mode, QuestionAnswered, QuizFinished
from bot.text import fold
from lessons.models import MAX_BUTTON_CHARS, MAX_MESSAGE_CHARS
from quizzes import Question, QuestionType
from tests.dialog import Dialog

CATALOG = load_catalog()
WRONG_TYPED = "không biết"


def actions(dialog: Dialog) -> list[str]:
    """The actions the newest choices offer ("continue", "opt.a", "lesson.E2"…)."""
    return [choice_id.split(":", 1)[1] for choice_id, _label in dialog.choices]


def act(dialog: Dialog, action: str) -> None:
    """Tap the current choice with this action."""
    ids = [cid for cid, _label in dialog.choices if cid.split(":", 1)[1] == action]
    assert ids, f"no {action!r} in {dialog.choices}"
    dialog.choice_id(ids[0])
    check_fits_every_channel(dialog)


def check_fits_every_channel(dialog: Dialog) -> None:
    for reply in dialog.replies:
        assert len(reply.text) <= MAX_MESSAGE_CHARS, reply.text[:80]
        for choice in reply.choices:
            assert len(choice.id.encode()) <= 64, choice.id
            assert len(choice.label) <= MAX_BUTTON_CHARS + 30, choice.label


def open_lesson(dialog: Dialog, lesson_id: str) -> None:
    lesson = CATALOG.lesson(lesson_id)
    assert lesson is not None
    dialog.text("/menu")
    act(dialog, "modules")
    act(dialog, f"module.{lesson.module}")
    act(dialog, f"lesson.{lesson_id}")


def read_to_the_end(dialog: Dialog, lesson_id: str) -> list[str]:
    """Tap "continue" (or "I did it" after a try step) and the right button of every inline
    question until the quiz is offered; the bubbles' texts as shown."""
    lesson = CATALOG.lesson(lesson_id)
    assert lesson is not None
    shown = [dialog.replies[-1].text]
    while True:
        offered = actions(dialog)
        if "continue" in offered:
            act(dialog, "continue")
        elif any(action.startswith("check.") for action in offered):
            check = lesson.bubbles[len(shown) - 1].check
            assert check is not None, f"{lesson_id}: buttons of a question on another step"
            right = next(i for i, option in enumerate(check.options) if option.correct)
            act(dialog, f"check.{right}")
        else:
            break
        shown.append(dialog.replies[-1].text)
    assert "quiz" in actions(dialog), f"{lesson_id}: the last bubble offers no quiz"
    return shown


def answer(dialog: Dialog, question: Question, right: bool) -> None:
    """Answer the current question right or wrong, as a learner would."""
    kind = question.type
    if kind is QuestionType.TRUE_FALSE:
        act(dialog, "true" if question.answer == right else "false")
    elif kind is QuestionType.SHORT:
        # The right answer typed without diacritics, as many learners type.
        dialog.text(fold(question.answers[0]) if right else WRONG_TYPED)
        check_fits_every_channel(dialog)
    elif kind is QuestionType.SINGLE:
        if right:
            option = next(o for o in question.options if o.correct)
        else:
            option = min(question.options, key=lambda o: o.score)
        act(dialog, f"opt.{option.id}")
    else:
        picks = [o for o in question.options if o.correct == right][: None if right else 1]
        for option in picks:
            act(dialog, f"opt.{option.id}")
        act(dialog, "done")


def take_quiz(dialog: Dialog, catalog: Catalog, lesson_id: str, right: bool) -> QuizFinished:
    quiz = catalog.quiz(lesson_id)
    assert quiz is not None
    act(dialog, "quiz" if "quiz" in actions(dialog) else "retry")
    before = len(dialog.events)
    for index, question in enumerate(quiz.questions):
        assert dialog.state.mode is Mode.QUIZ
        assert question.prompt in dialog.said, f"{lesson_id} {question.id}: prompt not shown"
        if question.scenario:
            assert question.scenario in dialog.said, f"{lesson_id} {question.id}: no scenario"
        answer(dialog, question, right)
        answered = [e for e in dialog.events[before:] if isinstance(e, QuestionAnswered)]
        assert len(answered) == index + 1, f"{lesson_id} {question.id}: answer not taken"
        assert answered[-1].correct is right, f"{lesson_id} {question.id}: {answered[-1]}"
    finished = [e for e in dialog.events[before:] if isinstance(e, QuizFinished)]
    assert len(finished) == 1
    assert dialog.state.mode is Mode.QUIZ_DONE
    return finished[0]


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in CATALOG.lessons])
def test_every_lesson_and_quiz_to_a_pass_and_through_a_failed_attempt(lesson_id: str) -> None:
    lesson, quiz = CATALOG.lesson(lesson_id), CATALOG.quiz(lesson_id)
    assert lesson is not None and quiz is not None
    dialog = Dialog(CATALOG)
    dialog.command("start")
    act(dialog, "agree")
    open_lesson(dialog, lesson_id)
    assert LessonStarted(lesson_id) in dialog.events

    shown = read_to_the_end(dialog, lesson_id)
    expected = len(lesson.bubbles) + (1 if lesson.try_it else 0)
    assert len(shown) == expected
    for text, bubble in zip(shown, lesson.bubbles, strict=False):
        said = {"text": bubble.text, "try": bubble.try_}.get(bubble.kind)
        assert (bubble.check.prompt if bubble.check else said) in text
    if lesson.try_it:
        assert lesson.try_it in shown[-1]
    assert [e for e in dialog.events if isinstance(e, LessonCompleted)] == [
        LessonCompleted(lesson_id)
    ]

    total = len(quiz.questions)
    passed = take_quiz(dialog, CATALOG, lesson_id, right=True)
    assert passed == QuizFinished(lesson_id, 1, float(total), total, True)
    assert lesson_id in dialog.state.passed
    assert "retry" not in actions(dialog)

    # Again, every answer wrong: the attempt completes but fails, and a retry is offered.
    open_lesson(dialog, lesson_id)
    read_to_the_end(dialog, lesson_id)
    failed = take_quiz(dialog, CATALOG, lesson_id, right=False)
    assert failed.attempt == 2 and failed.max_points == total and not failed.passed
    assert failed.points < quiz.pass_mark * total
    assert {"retry", "reread"} <= set(actions(dialog))
    assert dialog.state.passed == [lesson_id]  # an earlier pass is never taken away


def test_the_whole_course_in_order_passes_every_lesson() -> None:
    """ "Next lesson" walks the course in order; every quiz passes; progress says all done."""
    dialog = Dialog(CATALOG)
    dialog.command("start")
    act(dialog, "agree")
    act(dialog, "next_lesson")
    for lesson in CATALOG.lessons:
        assert dialog.state.lesson_id == lesson.id
        read_to_the_end(dialog, lesson.id)
        take_quiz(dialog, CATALOG, lesson.id, right=True)
        if lesson is not CATALOG.lessons[-1]:
            act(dialog, "next_lesson")
    assert dialog.state.passed == [lesson.id for lesson in CATALOG.lessons]
    assert "next_lesson" not in actions(dialog)
