"""Reading a lesson: open it, move bubble by bubble, record that it was read to the end.

Without consent a lesson can be read all the same, but nothing of it is recorded: no events,
no streak, no list of lessons read.
"""

from __future__ import annotations

from bot.core.catalog import bubbles
from bot.core.cheer import step_done
from bot.core.events import LessonCompleted, LessonStarted
from bot.core.navigation import go
from bot.core.resume import Resume, resume_point, take_paused_quiz
from bot.core.selfcheck import selfcheck_due
from bot.core.state import Mode
from bot.core.turn import Turn
from lessons.models import Lesson


def next_lesson(turn: Turn) -> None:
    """Go on where the learner stopped (`bot.core.resume`): the unfinished quiz at its
    question, the unfinished lesson at its bubble, else the first lesson not done yet; when
    every lesson is passed, congratulate. A learner just starting is offered the self-check
    first."""
    state = turn.state
    if selfcheck_due(state, turn.ctx.catalog):
        # A learner starting out is asked once where to begin (bot.core.selfcheck_flow).
        go(turn, Mode.SELFCHECK_OFFER)
        return
    point = resume_point(state, turn.ctx.catalog)
    if point is None:
        turn.say(turn._("You have passed every lesson. Congratulations!"))
        go(turn, Mode.MENU)
        return
    if point.kind is Resume.QUIZ:
        take_paused_quiz(state)
        go(turn, Mode.QUIZ)
    elif point.kind is Resume.LESSON:
        turn.make_current(point.lesson.id)
        state.bubble = max(0, min(state.bubble, len(bubbles(point.lesson)) - 1))
        _show_bubble(turn, point.lesson)
    else:
        open_lesson(turn, point.lesson.id)


def open_lesson(turn: Turn, lesson_id: str) -> None:
    """Start a lesson at its first bubble (an unknown id goes back to the menu)."""
    lesson = turn.make_current(lesson_id)
    if lesson is None:
        go(turn, Mode.MENU)
        return
    turn.state.bubble, turn.state.quiz, turn.state.paused_quiz = 0, None, None
    if turn.state.consent:
        turn.events.append(LessonStarted(lesson.id))
    _show_bubble(turn, lesson)


def continue_lesson(turn: Turn) -> None:
    """The next bubble (the last one stays on screen)."""
    lesson = turn.lesson()
    if lesson is None:
        go(turn, Mode.MENU)
        return
    turn.state.bubble = min(turn.state.bubble + 1, len(bubbles(lesson)) - 1)
    _show_bubble(turn, lesson)


def answer_check(turn: Turn, choice: str) -> None:
    """An inline question answered: say the option's feedback, then go on to the next bubble.

    Nothing is scored: the question is there to keep the learner doing, and its feedback
    teaches whichever button was tapped. A tap left on an older message (the learner has
    moved on) shows the current bubble again.
    """
    lesson = turn.lesson()
    if lesson is None or turn.state.mode is not Mode.LESSON:
        go(turn, Mode.MENU if lesson is None else turn.state.mode)
        return
    steps = bubbles(lesson)
    step = steps[min(turn.state.bubble, len(steps) - 1)]
    index = int(choice) if choice.isdigit() else -1
    if step.check is None or not 0 <= index < len(step.check.options):
        _show_bubble(turn, lesson)
        return
    option = step.check.options[index]
    mark = "✅" if option.correct else "💡"
    turn.say(f"{mark} {option.feedback}")
    continue_lesson(turn)


def _show_bubble(turn: Turn, lesson: Lesson) -> None:
    # Reaching the last bubble completes the lesson, once.
    last = turn.state.bubble == len(bubbles(lesson)) - 1
    if last and turn.state.consent and lesson.id not in turn.state.read:
        turn.state.read.append(lesson.id)
        turn.events.append(LessonCompleted(lesson.id))
        step_done(turn)
    go(turn, Mode.LESSON)
