"""Asking the handbook ("Sổ tay"): search, show the best answer, offer the next ones."""

from __future__ import annotations

from bot.core.navigation import go, unchanged
from bot.core.outcome import Outcome
from bot.core.state import Mode
from bot.core.turn import Turn
from bot.handbook import Hit

# How many answers one question offers: the best on screen, the others as buttons.
HANDBOOK_HITS = 3


def ask_handbook(turn: Turn, question: str, hits: list[Hit] | None = None) -> Outcome:
    """Search the handbook; show the best answer and offer the next ones as buttons."""
    if hits is None:
        hits = turn.ctx.catalog.handbook.search(question, HANDBOOK_HITS)
    if not hits:
        if turn.state.mode not in (Mode.HANDBOOK, Mode.HANDBOOK_ANSWER):
            turn.say(turn._("Sorry, I found nothing about that in the handbook."))
            go(turn, Mode.HANDBOOK)
            return turn.outcome()
        return unchanged(
            turn,
            turn._(
                "Sorry, I found nothing about that in the handbook. Try other words, for "
                "example “QR”, “OTP” or “VNeID”."
            ),
        )
    turn.state.handbook_hits = [hit.entry.id for hit in hits]
    turn.state.handbook_entry = hits[0].entry.id
    go(turn, Mode.HANDBOOK_ANSWER)
    return turn.outcome()
