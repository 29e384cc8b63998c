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
            "Commands: /menu lessons, /tiendo your progress, /ontap review, /hoso your "
            "profile, /nhacnho reminders, /chungnhan certificate, /lienket use me on another "
            "app, /ngonngu language, /xoadulieu delete your data, /trogiup this help."
        )
    )
    if len(turn.ctx.catalog.handbook):
        turn.say(turn._("Have a question? Type /sotay to search the handbook."))
    prompt(turn, full=False)


def show_progress(turn: Turn) -> None:
    """The progress report (`progress_screens`), with what to do next."""
    go(turn, Mode.PROGRESS)
