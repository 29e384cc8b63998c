"""Reading a lesson: open it, move bubble by bubble, record that it was read to the end."""

from __future__ import annotations

from bot.core.catalog import bubbles
from bot.core.cheer import step_done
from bot.core.events import LessonCompleted, LessonStarted
from bot.core.navigation import go
from bot.core.state import Mode
from bot.core.turn import Turn
from lessons.models import Lesson


def next_lesson(turn: Turn) -> None:
    """Open the next lesson not passed yet, or congratulate when none is left."""
    state = turn.state
    lesson = turn.ctx.catalog.next_lesson(state.lesson_id, frozenset(state.passed))
    if lesson is None:
        turn.say(turn._("You have passed every lesson. Congratulations!"))
        go(turn, Mode.MENU)
        return
    open_lesson(turn, lesson.id)


def open_lesson(turn: Turn, lesson_id: str) -> None:
    """Start a lesson at its first bubble (an unknown id goes back to the menu)."""
    lesson = turn.make_current(lesson_id)
    if lesson is None:
        go(turn, Mode.MENU)
        return
    turn.state.bubble, turn.state.quiz = 0, None
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


def _show_bubble(turn: Turn, lesson: Lesson) -> None:
    # Reaching the last bubble completes the lesson, once.
    if turn.state.bubble == len(bubbles(lesson)) - 1 and lesson.id not in turn.state.read:
        turn.state.read.append(lesson.id)
        turn.events.append(LessonCompleted(lesson.id))
        step_done(turn)
    go(turn, Mode.LESSON)
