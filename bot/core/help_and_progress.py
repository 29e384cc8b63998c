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
            "Commands: /menu lessons, /tiendo your progress, /ontap review, /tukiemtra "
            "self-check: where to start, /hoso your profile, /nhacnho reminders, /chungnhan "
            "certificate, /thi contest, /giadinh your family, /lienket use me on another app, "
            "/ngonngu language, /xoadulieu delete your data, /trogiup this help."
        )
    )
    turn.say(turn._("👨‍👩‍👧 Learning with your family? /giadinh: create or join a “Gia đình số”."))
    if len(turn.ctx.catalog.handbook):
        turn.say(turn._("Have a question? Type /sotay to search the handbook."))
    # People who help, as the lessons teach them (F2, F6, F8, D1): nothing the lessons don't.
    turn.say(
        turn._(
            "Need a person to help you? The community digital technology team (Tổ công "
            "nghệ số cộng đồng) of your commune can help you in person, and so can your "
            "children and grandchildren.\n"
            "Free hotlines: to report a scam call or message, text “LD [the scammer's number]” "
            "to 156. "
            "A child threatened online: call 111 (free, 24 hours a day).\n"
            "In an emergency, call 113."
        )
    )
    prompt(turn, full=False)


def show_progress(turn: Turn) -> None:
    """The progress report (`progress_screens`), with what to do next."""
    go(turn, Mode.PROGRESS)
