"""Digital ambassadors (Đại sứ số): `/daisu CODE` makes a learner one; `/moi` shows their invite;
the ambassador commands are refused to everyone else.

Like `/lienket` (`bot.core.link_flow`), the code is checked by the service and storage before the
core runs: the service asks `ambassador_code_typed()` whether the input is `/daisu CODE`,
redeems the code in the turn's transaction and hands the answer over as `Context.ambassador_code`.
The core mirrors the role in `LearnerState.ambassador`, so every later decision (what `/moi`
shows, whether `/danhsach` is allowed) needs no database.

Becoming an ambassador needs the learner's consent (the role is stored with them); without it
the command leads to the consent screen like any other.
"""

from __future__ import annotations

from bot.core.context import AmbassadorCodeResult, AmbassadorStatus
from bot.core.invite_links import invite_links
from bot.core.messages import InboundMessage
from bot.core.navigation import go, unchanged
from bot.core.outcome import Outcome
from bot.core.place_names import place_name
from bot.core.screens import prompt
from bot.core.state import LearnerState, Mode
from bot.core.turn import Turn
from bot.core.typed_command import typed_command
from bot.text import fold

# The command names of /daisu (folded, without "/"); `bot.core.commands` maps them.
AMBASSADOR_COMMANDS = ("daisu", "dai_su", "ambassador")
# Actions only an ambassador may take; everyone else gets `refuse()`. The roster and the
# assisted sessions add theirs here.
AMBASSADOR_ACTIONS = frozenset({"invite", "roster", "assisted"})


def ambassador_code_typed(state: LearnerState, message: InboundMessage) -> str | None:
    """The code, when this input is `/daisu CODE` from a learner who has consented (the service
    redeems it then); None otherwise (`/daisu` alone is answered by `ask_for_code`)."""
    if not state.consent:
        return None
    parts = typed_command(message)
    if parts is None or fold(parts[0]) not in AMBASSADOR_COMMANDS:
        return None
    return parts[1] or None


def invite_image(code: str) -> str:
    """The image name channels resolve to the QR code of an ambassador's invite link."""
    return f"invite/{code}.png"


def ask_for_code(turn: Turn) -> None:
    """`/daisu` without a code."""
    turn.say(
        turn._(
            "To become a digital ambassador, type /daisu followed by the code your commune "
            "gave you, for example /daisu ABCD-EFGH."
        )
    )
    prompt(turn, full=False)


def answer_ambassador_code(turn: Turn, result: AmbassadorCodeResult | None) -> Outcome:
    """Answer `/daisu CODE` from the service's check (None means unchecked: unknown)."""
    status = result.status if result is not None else AmbassadorStatus.UNKNOWN
    role = result.role if result is not None else None
    places = turn.ctx.places
    if status is AmbassadorStatus.APPOINTED and role is not None:
        turn.state.ambassador = role
        where = place_name(places, role.commune) or role.commune
        turn.say(
            turn._(
                "🎉 Welcome, digital ambassador of {place}! Thank you for helping people "
                "in your commune learn.\n"
                "• /moi: your invite (links, a code and a QR code) to share\n"
                "• /danhsach: the people you invited and how far they have got\n"
                "• /hoccung: learn together with someone who has no smartphone"
            ).format(place=where)
        )
        go(turn, Mode.MENU)
        return turn.outcome()
    if status is AmbassadorStatus.ALREADY and role is not None:
        turn.state.ambassador = role
        turn.say(
            turn._(
                "You are already a digital ambassador of {place}, so nothing changed. Type "
                "/moi for your invite."
            ).format(place=place_name(places, role.commune) or role.commune)
        )
        prompt(turn, full=False)
        return turn.outcome()
    return unchanged(turn, _failure(turn, status, result))


def _failure(turn: Turn, status: AmbassadorStatus, result: AmbassadorCodeResult | None) -> str:
    places = turn.ctx.places
    theirs = place_name(places, result.commune if result else None) or turn._("another commune")
    if status is AmbassadorStatus.EXPIRED:
        return turn._(
            "That code has expired, so nothing changed. Please ask the person who gave it to "
            "you for a new one."
        )
    if status is AmbassadorStatus.USED_UP:
        return turn._(
            "That code has already been used as many times as it allows, so nothing changed. "
            "Please ask the person who gave it to you for a new one."
        )
    if status is AmbassadorStatus.WRONG_COMMUNE:
        mine = turn.state.ambassador
        if mine is not None or (result is not None and result.role is not None):
            role = mine or (result.role if result else None)
            return turn._(
                "You are already a digital ambassador of {mine}, and one person serves one "
                "commune. This code is for {theirs}, so nothing changed."
            ).format(mine=place_name(places, role.commune if role else None) or "", theirs=theirs)
        return turn._(
            "This code is for {theirs}, but your profile says you live in {yours}, so nothing "
            "changed. If you have moved, change your commune with /hoso and type the code "
            "again; otherwise ask for a code for your commune."
        ).format(
            theirs=theirs,
            yours=place_name(places, turn.state.profile.commune) or turn._("another commune"),
        )
    return turn._(
        "I don't know that code, so nothing changed. Please check it: it has 8 letters and "
        "digits (there is no 0, O, 1, I or L), for example /daisu ABCD-EFGH."
    )


def refuse(turn: Turn) -> Outcome:
    """An ambassador command from someone who is not one: one friendly sentence, no change."""
    return unchanged(
        turn,
        turn._(
            "This command is for the commune's digital ambassadors (Đại sứ số); if your "
            "commune has given you an ambassador code, type /daisu followed by the code."
        ),
    )


def show_invite(turn: Turn) -> None:
    """/moi: the ambassador's invite: the Telegram, Messenger and web chat links, the code to
    type, and the QR code of the web chat link (the image) to show on screen or print."""
    role = turn.state.ambassador
    assert role is not None  # `refuse` answered everyone else
    code, links = role.invite_code, turn.ctx.links
    lines = [turn._("📣 Your invite. Share it with the people you help:")]
    for platform, link in invite_links(links, code):
        if platform == "web":
            lines.append(turn._("• Web chat: {link}").format(link=link))
        else:
            lines.append(turn._("• {app}: {link}").format(app=platform, link=link))
    lines.append(
        turn._("• Or, on any app (Zalo too), they type: /thamgia {code}").format(code=code)
    )
    lines.append(
        turn._(
            "The QR code opens the web chat with your invite: show it on your screen or "
            "print it. Everyone who joins this way appears in /danhsach."
        )
    )
    turn.say("\n".join(lines), image=invite_image(code))
    prompt(turn, full=False)


def not_ready(turn: Turn) -> None:
    """An ambassador command whose screen is still being built (the roster, learning together)."""
    turn.say(turn._("This part for ambassadors is coming soon. /moi works already."))
    prompt(turn, full=False)
