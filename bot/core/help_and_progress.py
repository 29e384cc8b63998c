"""The help text and the learner's progress report."""

from __future__ import annotations

from bot.core.navigation import go
from bot.core.screens import prompt
from bot.core.state import Mode
from bot.core.turn import Turn


def show_help(turn: Turn) -> None:
    """How to answer and which commands exist, then the current step again."""
    turn.say(
        turn._(
            "Tap the buttons under my messages, or type the number of a choice (1, 2, 3) or "
            "its letter (a, b, c). Answers typed without accents are fine.\n"
            "Commands: /menu lessons, /tiendo your progress, /ngonngu language, "
            "/xoadulieu delete your data, /trogiup this help."
        )
    )
    if len(turn.ctx.catalog.handbook):
        turn.say(turn._("Have a question? Type /sotay to search the handbook."))
    prompt(turn, full=False)


def show_progress(turn: Turn) -> None:
    """Lessons passed out of all, and when the last one was passed; then the menu."""
    t, catalog, state = turn.t, turn.ctx.catalog, turn.state
    total = len(catalog.lessons)
    passed = [lesson for lesson in catalog.lessons if lesson.id in state.passed]
    turn.say(
        turn._("You have passed {passed} of {total} lessons ({percent}).").format(
            passed=t.number(len(passed)),
            total=t.number(total),
            percent=t.percent(len(passed) / total if total else 0),
        )
    )
    if state.last_passed_at is not None:
        turn.say(
            turn._("You last passed a lesson on {date}.").format(
                date=t.day(state.last_passed_at, turn.ctx.zone)
            )
        )
    go(turn, Mode.MENU)
