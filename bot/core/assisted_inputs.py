"""Whose an input is while an ambassador learns together with a villager: the one rule.

During a session everything the ambassador types or taps is the villager's (their lessons,
quizzes, /tiendo, /hoso, /lienket to show a code for their own phone later), except:
- /hoccung and the buttons of its screens (`hc.…`): the ambassador's, to switch or end;
- /xoadulieu: refused (it must not erase the ambassador, nor the villager, by surprise:
  /hoccung deletes a villager's data, and the ambassador's own after the session);
- commands about the ambassador or that would attach the villager elsewhere (/daisu, /moi,
  /danhsach, /thamgia, /lienket CODE, and the officials' /canbo and /madaisu): refused, with
  how to end the session first.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.assisted_menus import ASSISTED_PREFIX
from bot.core.commands import COMMANDS
from bot.core.messages import InboundMessage, InputKind
from bot.core.typed_command import typed_command
from bot.text import fold

# Command actions refused during a session (besides "erase", which has its own answer).
REFUSED_ACTIONS = frozenset(
    {
        "ambassador_code",
        "invite",
        "roster",
        "join",
        "official_code",
        "issue_ambassador_code",
        "official_report",
    }
)


class SessionInput(StrEnum):
    """Where an input goes while a session is on."""

    VILLAGER = "villager"
    AMBASSADOR = "ambassador"  # /hoccung and its screens
    ERASE = "erase"  # /xoadulieu: refused
    REFUSED = "refused"


def _command_action(message: InboundMessage) -> tuple[str | None, str] | None:
    parts = typed_command(message)
    if parts is None:
        return None
    name, args = parts
    return COMMANDS.get(fold(name).lstrip("/")), args


def session_input(message: InboundMessage) -> SessionInput:
    """Whose this input is during a session (see the module's rule)."""
    if message.kind is InputKind.CHOICE:
        _, _, tapped = (message.choice_id or "").partition(":")
        ours = tapped.startswith(ASSISTED_PREFIX)
        return SessionInput.AMBASSADOR if ours else SessionInput.VILLAGER
    found = _command_action(message)
    if found is None:
        return SessionInput.VILLAGER
    action, args = found
    if action == "assisted":
        return SessionInput.AMBASSADOR
    if action == "erase":
        return SessionInput.ERASE
    if action in REFUSED_ACTIONS or (action == "link" and args.strip()):
        return SessionInput.REFUSED
    return SessionInput.VILLAGER


def desk_requested(message: InboundMessage) -> bool:
    """Whether this input is /hoccung (the service then reads the ambassador's villagers)."""
    found = _command_action(message)
    return found is not None and found[0] == "assisted"
