"""What the service loads from storage before the core runs, decided from the input alone.

Like `link_code_typed` and `ambassador_code_typed`, these pure checks tell the service when a
turn needs data that lives outside the learner's state: an ambassador's roster (`/danhsach`
and its screens) and the learner's confirmed real-world skills (`/tiendo`). They may say yes
for a turn that ends up not using the data (a wasted read), never no for one that does.
"""

from __future__ import annotations

from bot.core.commands import COMMANDS, KEYWORDS
from bot.core.contest_screens import CONTEST_MODES
from bot.core.families import is_family_code, normalise_family_code
from bot.core.family_screens import FAMILY_MODES
from bot.core.invite_flow import invite_in_play
from bot.core.messages import InboundMessage, InputKind
from bot.core.roster_screens import ROSTER_MODES
from bot.core.state import LearnerState, Mode
from bot.core.typed_command import typed_command
from bot.text import clean, fold


def _action(message: InboundMessage) -> str | None:
    """The action an input names outright: a button's, a command's or a keyword's."""
    if message.kind is InputKind.CHOICE:
        return (message.choice_id or "").partition(":")[2] or None
    parts = typed_command(message)
    if parts is not None:
        return COMMANDS.get(fold(parts[0]).lstrip("/"))
    if message.kind is InputKind.TEXT and len(message.text) <= 40:
        return KEYWORDS.get(fold(clean(message.text)))
    return None


def roster_wanted(state: LearnerState, message: InboundMessage) -> bool:
    """An ambassador asks for the roster, answers on one of its screens, or is on a detour
    (language, reminders, erasing) that comes back to one."""
    if state.ambassador is None or not state.consent:
        return False
    on_roster = state.mode in ROSTER_MODES or state.resume in ROSTER_MODES
    return on_roster or _action(message) == "roster"


def skills_wanted(state: LearnerState, message: InboundMessage) -> bool:
    """The input may open the progress report (`/tiendo`, its button, or text typed at the
    menu, which may name the button)."""
    if not state.consent:
        return False
    if _action(message) == "progress":
        return True
    typed = message.kind is InputKind.TEXT and typed_command(message) is None
    return typed and state.mode is Mode.MENU


def family_wanted(state: LearnerState, message: InboundMessage) -> tuple[bool, str | None]:
    """Whether the input concerns the learner's family (`/giadinh`, its screens, a detour
    back to one), and the family code to look up: one typed or in a link, or the one waiting
    for the learner's consent or alias."""
    invite = invite_in_play(state, message)
    code = None
    if invite is not None and is_family_code(invite[0]):
        code = normalise_family_code(invite[0])
    parts = typed_command(message)
    if code is None and parts is not None and is_family_code("".join(parts[1].split())):
        code = normalise_family_code(parts[1])
    pending = state.family_pending
    if code is None and pending and is_family_code(pending):
        code = pending
    if not state.consent:
        return False, code
    on_screen = state.mode in FAMILY_MODES or state.resume in FAMILY_MODES
    return on_screen or code is not None or _action(message) == "family", code


def contest_wanted(state: LearnerState, message: InboundMessage) -> bool:
    """The input may start a contest (`/thi`) or answer one (a contest screen, or an attempt
    in progress that `/thi` resumes)."""
    if not state.consent:
        return False
    if state.mode in CONTEST_MODES:
        return True
    return contest_asked(message)


def contest_asked(message: InboundMessage) -> bool:
    """The input is `/thi` (or its button or keyword)."""
    return _action(message) == "contest"


__all__ = [
    "contest_asked",
    "contest_wanted",
    "family_wanted",
    "roster_wanted",
    "skills_wanted",
]
