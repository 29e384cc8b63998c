"""Linked channels: `/lienket` shows a one-time code; typing it on another app links the two.

The core only shows codes and answers attempts: whether a typed code is valid, and the merge of
the two learners, are the service's and storage's work, done before the core runs. The service
asks `link_code_typed()` whether an input is a link attempt, checks the code in the same
transaction and hands the answer over as `Context.link` (on the merged learner's state when it
linked).

Consent: showing a code needs the learner's consent (the code's owner has agreed to the privacy
notice). Typing a code does not: on a new app the learner usually has not agreed there yet, and
after linking both apps are one learner, the one who agreed. The answer says so, and that
/xoadulieu deletes everything on every linked app.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.choices import link_code_shown
from bot.core.context import LinkResult, LinkStatus
from bot.core.events import LinkCodeIssued
from bot.core.messages import InboundMessage, InputKind
from bot.core.milestones import complete
from bot.core.navigation import go, unchanged
from bot.core.outcome import Outcome
from bot.core.state import LearnerState, Mode
from bot.core.turn import Turn
from bot.i18n import translator
from bot.text import clean, fold

# How long a code works: long enough to open the other app, short enough to be useless later.
LINK_CODE_VALID = timedelta(minutes=15)
# The command names of /lienket (folded, without "/"); `bot.core.commands` maps them to "link".
LINK_COMMANDS = ("lienket", "lien_ket", "link")
# Where six digits typed alone are an answer to a question on screen, not a link code: there
# only "/lienket 123456" links. Anywhere else (a new app's first words, the consent screen, the
# menu, the link screen) the code alone does, as the code screen says.
ANSWER_MODES = frozenset({Mode.QUIZ, Mode.REVIEW})
_CODE = re.compile(r"[0-9]{6}")
# Longer text is no link attempt (and is not cleaned here just to find out).
MAX_ATTEMPT_CHARS = 64


def link_code_typed(state: LearnerState, message: InboundMessage) -> str | None:
    """The code, when this input is a link attempt: "/lienket 123456" (spaces in the code are
    fine) anywhere, or the six digits alone where no question waits for an answer."""
    if message.kind is InputKind.COMMAND:
        name, args = message.command or "", " ".join(message.args)
    elif message.kind is InputKind.TEXT and len(message.text) <= MAX_ATTEMPT_CHARS:
        text = clean(message.text)
        if not text.startswith("/"):
            return _code(text) if state.mode not in ANSWER_MODES else None
        name, _, args = text[1:].partition(" ")
    else:
        return None
    return _code(args) if fold(name) in LINK_COMMANDS else None


def _code(text: str) -> str | None:
    digits = re.sub(r"[\s.-]", "", text)
    return digits if _CODE.fullmatch(digits) else None


def show_link(turn: Turn) -> None:
    """/lienket: with consent, a code for the other app; without it, where to type one."""
    state, now = turn.state, turn.ctx.now
    if not state.consent:
        _wait_for_code(turn)
        return
    if not link_code_shown(turn):
        # A code still valid is shown again rather than a new one: one live code per learner.
        state.link_code = turn.ctx.link_code()
        state.link_expires_at = now + LINK_CODE_VALID
        turn.events.append(LinkCodeIssued(state.link_code, state.link_expires_at))
    go(turn, Mode.LINK)


def enter_code(turn: Turn) -> None:
    """ "I have a code from another app": the link screen waits for the code."""
    _wait_for_code(turn)


def _wait_for_code(turn: Turn) -> None:
    turn.state.link_code = None
    turn.state.link_expires_at = None
    go(turn, Mode.LINK)


def answer_link(turn: Turn, result: LinkResult | None) -> Outcome:
    """Answer a typed code from the service's check (`Context.link`; none means unchecked)."""
    status = result.status if result is not None else LinkStatus.UNKNOWN
    if status is LinkStatus.LINKED:
        # The state is already the merged learner's: the code is spent, the menu is next.
        turn.state.link_code = None
        turn.state.link_expires_at = None
        turn.events.extend(complete(turn.ctx.catalog, turn.state.passed))
        turn.say(
            turn._(
                "Linked! Your progress is shared between your apps now: continue on whichever "
                "you like. /xoadulieu on any of them deletes everything, on all of them."
            )
        )
        go(turn, Mode.MENU)
        return turn.outcome()
    if turn.state.mode is Mode.NEW:
        # A new app's first words: answer in its language, then the consent screen.
        hint = turn.message.locale
        turn.state.locale = translator(hint, turn.ctx.default_locale).locale if hint else None
        turn.say(_failure(turn, status))
        go(turn, Mode.CONSENT)
        return turn.outcome()
    return unchanged(turn, _failure(turn, status))


def _failure(turn: Turn, status: LinkStatus) -> str:
    if status is LinkStatus.SAME:
        return turn._(
            "That code is already yours here, so there is nothing to link. Type it on your "
            "other app (Telegram, Zalo or the web chat) instead."
        )
    if status is LinkStatus.EXPIRED:
        return turn._(
            "That code has expired: codes work for 15 minutes. Type /lienket on your other "
            "app to get a new one, then type it here."
        )
    return turn._(
        "I don't know that code. Check the 6 digits on your other app, or type /lienket "
        "there to get a new code. Codes work only once."
    )


def not_a_code(turn: Turn) -> Outcome:
    """Other text on the link screen."""
    return unchanged(
        turn, turn._("A link code has 6 digits, for example 123456. Type it, or tap “Menu”.")
    )
