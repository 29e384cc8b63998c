"""The self-check at the start: offered once when a learner begins (after the profile
questions, or at the first "Học bài"), reachable any time with /tukiemtra.

Five situation questions, one per message, suggest where to begin: the first lesson of the
first module missed. Skipping starts at lesson 1 and the offer is not made again. Nothing is
scored, recorded or reported, with or without consent: the answers stay in the conversation
state, where the result screen reads them.
"""

from __future__ import annotations

from bot.core.lesson_flow import next_lesson
from bot.core.navigation import go
from bot.core.selfcheck import current_question
from bot.core.state import Mode, SelfCheckProgress
from bot.core.turn import Turn


def open_selfcheck(turn: Turn) -> None:
    """/tukiemtra: the first question (a learner who has content without one is told so)."""
    if turn.ctx.catalog.selfcheck is None:
        turn.say(turn._("There is no self-check at the moment."))
        go(turn, Mode.MENU)
        return
    start_selfcheck(turn)


def start_selfcheck(turn: Turn) -> None:
    """The offer taken (or the command): the answers start afresh at the first question."""
    turn.state.selfcheck_asked = True
    turn.state.selfcheck = SelfCheckProgress()
    go(turn, Mode.SELFCHECK)


def skip_selfcheck(turn: Turn) -> None:
    """The offer declined: lesson 1 (or where the learner is), and no offer again."""
    turn.state.selfcheck_asked = True
    turn.say(
        turn._(
            "No problem: let's start with the first lesson. You can check yourself later "
            "with /tukiemtra."
        )
    )
    next_lesson(turn)


def answer_selfcheck(turn: Turn, option_id: str) -> None:
    """An answer: the next question, or the result after the last one."""
    state = turn.state
    question = current_question(state, turn.ctx.catalog)
    if state.mode is not Mode.SELFCHECK or question is None or state.selfcheck is None:
        go(turn, state.mode)
        return
    if all(option.id != option_id for option in question.options):
        go(turn, Mode.SELFCHECK)
        return
    state.selfcheck.answers.append(option_id)
    done = current_question(state, turn.ctx.catalog) is None
    go(turn, Mode.SELFCHECK_RESULT if done else Mode.SELFCHECK)
