"""Moving between screens: go to a mode, take a detour and come back, or stay after bad input."""

from __future__ import annotations

import unicodedata

from bot.core.model_copy import copy_model
from bot.core.outcome import Outcome
from bot.core.screens import prompt
from bot.core.state import Mode
from bot.core.turn import Turn

# Screens that interrupt another one (language, erase) and return to it when done.
DETOURS = (Mode.LANGUAGE, Mode.CONFIRM_ERASE, Mode.REMINDERS)


def go(turn: Turn, mode: Mode) -> None:
    """Move to `mode` and show its screen in full."""
    turn.state.mode = mode
    prompt(turn, full=True)


def detour(turn: Turn, mode: Mode) -> None:
    """Open a detour screen, remembering where to come back to (not another detour)."""
    if turn.state.mode not in DETOURS:
        turn.state.resume = turn.state.mode
    go(turn, mode)


def back_from_detour(turn: Turn) -> None:
    """Return to the screen the detour interrupted (the menu, or consent, when none)."""
    go(turn, turn.state.resume or (Mode.MENU if turn.state.consent else Mode.CONSENT))
    turn.state.resume = None


def unchanged(turn: Turn, text: str) -> Outcome:
    """Answer bad input: explain, re-show the current prompt, keep the state as it was."""
    turn.state = copy_model(turn.before)
    turn.events.clear()
    turn.say(text)
    prompt(turn, full=False)
    return turn.outcome()


def ask_which(turn: Turn, labels: list[str], *, answers: bool = False) -> str:
    """Asking which of several choices the learner meant, naming each as it reads."""
    named = turn.t.either([f"“{_bare_label(label)}”" for label in labels])
    if answers:
        return turn._(
            "That could be more than one answer: {answers}. Which one do you mean? Tap it or "
            "type its number."
        ).format(answers=named)
    return turn._(
        "That could be more than one choice: {choices}. Which one do you mean? Tap it or "
        "type its number."
    ).format(choices=named)


def _bare_label(label: str) -> str:
    """A label without its marks ("☐ ", " ▶"), to be quoted in a sentence."""
    start, end = 0, len(label)
    while start < end and (label[start].isspace() or _symbol(label[start])):
        start += 1
    while end > start and (label[end - 1].isspace() or _symbol(label[end - 1])):
        end -= 1
    return label[start:end] or label


def _symbol(char: str) -> bool:
    return unicodedata.category(char).startswith("S") or char == "\ufe0f"
