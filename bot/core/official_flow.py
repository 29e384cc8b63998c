"""Officials (cán bộ) in the chat: `/canbo CODE` makes a learner a commune or province official
or an administrator; `/madaisu [COMMUNE] [USES]` issues an ambassador code for a commune in
their area; both refused to everyone else with one sentence.

Like `/daisu` (`bot.core.ambassador_flow`), the service does the database part before the core
runs: `official_code_typed()` and `madaisu_typed()` tell it when, it redeems or issues in the
turn's transaction (checking the official's scope against their `official` row, never only
this state) and hands the answer over as `Context.official_code` / `Context.ambassador_issue`.
The role is mirrored in `LearnerState.official`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import (
    AmbassadorIssue,
    IssueStatus,
    OfficialCodeResult,
    OfficialStatus,
)
from bot.core.messages import InboundMessage
from bot.core.navigation import unchanged
from bot.core.outcome import Outcome
from bot.core.place_names import place_name
from bot.core.screens import prompt
from bot.core.state import LearnerState, OfficialKind, OfficialRole
from bot.core.turn import Turn
from bot.core.typed_command import typed_command
from bot.text import fold

# Command names (folded, without "/"); `bot.core.commands` maps them.
OFFICIAL_COMMANDS = ("canbo", "can_bo", "official")
ISSUE_COMMANDS = ("madaisu", "ma_daisu", "ambassador_code")
# How many people one code from the chat may appoint, and for how long it works.
MAX_CHAT_USES = 100
CHAT_CODE_DAYS = 14


@dataclass(frozen=True)
class IssueRequest:
    """`/madaisu` as typed: the commune named (5 digits) or None, and the uses asked for.
    `valid` is False when the arguments make no sense (the core explains, nothing is issued)."""

    commune: str | None
    uses: int
    valid: bool = True


def official_code_typed(state: LearnerState, message: InboundMessage) -> str | None:
    """The code, when this input is `/canbo CODE` from a learner who has consented."""
    if not state.consent:
        return None
    parts = typed_command(message)
    if parts is None or fold(parts[0]) not in OFFICIAL_COMMANDS:
        return None
    return parts[1] or None


def madaisu_typed(state: LearnerState, message: InboundMessage) -> IssueRequest | None:
    """The request, when this input is `/madaisu [COMMUNE] [USES]` from a learner who has
    consented (whether they may is the service's check, then `answer_issue`'s)."""
    if not state.consent:
        return None
    parts = typed_command(message)
    if parts is None or fold(parts[0]) not in ISSUE_COMMANDS:
        return None
    commune: str | None = None
    uses: int | None = None
    for word in parts[1].replace(",", " ").split():
        if len(word) == 5 and word.isdigit() and commune is None:
            commune = word
        elif word.isdigit() and uses is None and 1 <= int(word) <= MAX_CHAT_USES:
            uses = int(word)
        else:
            return IssueRequest(None, 1, valid=False)
    return IssueRequest(commune, uses or 1)


def format_code(code: str) -> str:
    """An 8-character code as printed for people: "ABCD-EFGH"."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def _area(turn: Turn, role: OfficialRole) -> str:
    places = turn.ctx.places
    if role.kind is OfficialKind.COMMUNE:
        return place_name(places, role.commune) or role.commune or ""
    if role.kind is OfficialKind.PROVINCE:
        province = places.province(role.province)
        return province.name if province else role.province or ""
    return turn._("the whole deployment")


def _title(turn: Turn, role: OfficialRole) -> str:
    if role.kind is OfficialKind.COMMUNE:
        return turn._("commune official")
    if role.kind is OfficialKind.PROVINCE:
        return turn._("province official")
    return turn._("administrator")


def ask_for_code(turn: Turn) -> None:
    """`/canbo` without a code."""
    turn.say(
        turn._(
            "To sign in as an official, type /canbo followed by the code you were given, for "
            "example /canbo ABCD-EFGH."
        )
    )
    prompt(turn, full=False)


def answer_official_code(turn: Turn, result: OfficialCodeResult | None) -> Outcome:
    """Answer `/canbo CODE` from the service's check (None means unchecked: unknown)."""
    status = result.status if result is not None else OfficialStatus.UNKNOWN
    role = result.role if result is not None else None
    if status is OfficialStatus.APPOINTED and role is not None:
        turn.state.official = role
        turn.say(
            turn._(
                "✅ Welcome! You are now registered as {title} for {area}.\n"
                "• /madaisu: a code that makes someone a digital ambassador of a commune in "
                "your area"
            ).format(title=_title(turn, role), area=_area(turn, role))
        )
        prompt(turn, full=False)
        return turn.outcome()
    if status is OfficialStatus.ALREADY and role is not None:
        turn.state.official = role
        turn.say(
            turn._("You are already registered as {title} for {area}, so nothing changed.").format(
                title=_title(turn, role), area=_area(turn, role)
            )
        )
        prompt(turn, full=False)
        return turn.outcome()
    if status is OfficialStatus.EXPIRED:
        why = turn._("That code has expired, so nothing changed. Please ask for a new one.")
    elif status is OfficialStatus.USED_UP:
        why = turn._(
            "That code has already been used as many times as it allows, so nothing changed. "
            "Please ask for a new one."
        )
    else:
        why = turn._(
            "I don't know that code, so nothing changed. Please check it: it has 8 letters "
            "and digits (there is no 0, O, 1, I or L), for example /canbo ABCD-EFGH."
        )
    return unchanged(turn, why)


def _refusal(turn: Turn) -> str:
    return turn._(
        "This command is for commune and province officials; if you were given an "
        "official code, type /canbo followed by the code."
    )


def refuse(turn: Turn) -> Outcome:
    """An official command from someone who is not one: one sentence, no change."""
    return unchanged(turn, _refusal(turn))


def answer_issue(turn: Turn, request: IssueRequest, result: AmbassadorIssue | None) -> Outcome:
    """Answer `/madaisu` from the service's check (None: unchecked, so only bad arguments or
    someone with no role in the state get here without one)."""
    if result is None or result.status is IssueStatus.NOT_OFFICIAL:
        return _unchanged_but_role(turn, _refusal(turn), None)  # a revoked role leaves too
    if result.status is IssueStatus.ISSUED and result.code is not None:
        turn.state.official = result.role
        where = place_name(turn.ctx.places, result.commune) or result.commune or ""
        expires = result.expires_at.astimezone(turn.ctx.zone) if result.expires_at else None
        turn.say(
            turn.t.ngettext(
                "🎟️ Ambassador code for {place}: {code}\n"
                "It can be used by {uses} person until {date}. Give it to the person you "
                "chose; they type /daisu {code} in the chat.",
                "🎟️ Ambassador code for {place}: {code}\n"
                "It can be used by {uses} people until {date}. Give it to the people you "
                "chose; each of them types /daisu {code} in the chat.",
                result.max_uses,
            ).format(
                place=where,
                code=format_code(result.code),
                uses=result.max_uses,
                date=f"{expires:%d/%m/%Y}" if expires else "",
            )
        )
        prompt(turn, full=False)
        return turn.outcome()
    if result.status is IssueStatus.NEED_COMMUNE:
        why = turn._(
            "Please name the commune with its 5-digit code, for example /madaisu 00004, or "
            "/madaisu 00004 5 for a code five people can use."
        )
    elif result.status is IssueStatus.UNKNOWN_COMMUNE:
        why = turn._(
            "I can't find a commune with code {code}, so no code was made. Please check the "
            "5-digit code."
        ).format(code=request.commune or "")
    else:
        why = turn._("That commune is outside your area ({area}), so no code was made.").format(
            area=_area(turn, result.role) if result.role else ""
        )
    return _unchanged_but_role(turn, why, result.role)


def _unchanged_but_role(turn: Turn, text: str, role: OfficialRole | None) -> Outcome:
    """Like `unchanged`, with the role mirrored as storage has it now."""
    unchanged(turn, text)
    turn.state.official = role
    return turn.outcome()


def bad_request(turn: Turn) -> Outcome:
    """`/madaisu` with arguments that are neither a commune code nor a number of uses."""
    return unchanged(
        turn,
        turn._(
            "Type /madaisu for a code for one person, or /madaisu 5 for a code five people "
            "can use (at most {most}). A province official adds the commune's 5-digit code: "
            "/madaisu 00004 5."
        ).format(most=MAX_CHAT_USES),
    )


__all__ = [
    "CHAT_CODE_DAYS",
    "ISSUE_COMMANDS",
    "OFFICIAL_COMMANDS",
    "IssueRequest",
    "answer_issue",
    "answer_official_code",
    "ask_for_code",
    "bad_request",
    "madaisu_typed",
    "official_code_typed",
    "refuse",
]
