"""Learning together, the session itself: an ambassador's input run on a villager's state.

The core stays pure: the service asks `session_route()` whether this input is the villager's,
loads that villager (storage checks the villager is this ambassador's) and calls `relay()`;
after an ambassador's own turn that opened a session (`opened_with()`), it loads or creates the
villager and calls `open_session()` to show where they are. Both return a `SessionOutcome`:
the ambassador's outcome (only the session's clock changes when relaying: their progress,
streak and reminders are never touched) and the villager's, saved as an *assisted* turn.

Every villager reply is headed with their alias, so the ambassador never confuses whose lesson
is on screen. A villager's turn counter starts far from any ambassador's (and, almost surely,
from another villager's), so a button of one person's message tapped in another's session is
recognised as an old button and changes nothing.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.assisted_flow import SESSION_IDLE, villager_gone
from bot.core.assisted_inputs import SessionInput, session_input
from bot.core.context import Context
from bot.core.engine import handle
from bot.core.events import AssistedSessionOpened, VillagerAdded
from bot.core.link_flow import link_code_typed
from bot.core.messages import InboundMessage, Reply
from bot.core.model_copy import copy_model
from bot.core.navigation import unchanged
from bot.core.outcome import Outcome
from bot.core.screens import prompt
from bot.core.state import (
    AgeBand,
    LearnerState,
    Mode,
    Profile,
    ReminderSlot,
    TargetGroup,
)
from bot.core.turn import Turn
from bot.i18n import Translator, translator

# A villager's first turn number is a multiple of this (1 to 999 times, from their id).
TURN_BLOCK = 1_000_000


@dataclass(frozen=True)
class SessionOutcome:
    """An ambassador's turn in learning together: their outcome, and the villager's when a
    villager's state was run or shown (saved as an assisted turn)."""

    ambassador: Outcome
    villager: Outcome | None = None

    @property
    def replies(self) -> tuple[Reply, ...]:
        """What the ambassador sees: their part first, then the villager's screen."""
        return self.ambassador.replies + (self.villager.replies if self.villager else ())


def session_route(state: LearnerState, message: InboundMessage, now: datetime) -> str | None:
    """The public id of the villager this input goes to, or None (it is the ambassador's:
    no session, the session has been quiet too long, or /hoccung and its screens)."""
    session = state.assisting
    if session is None or state.ambassador is None or state.mode is not Mode.ASSISTING:
        return None
    if now - session.last_at >= SESSION_IDLE:
        return None  # the ambassador's `handle` ends it
    if session_input(message) is not SessionInput.VILLAGER:
        return None
    return session.villager


def live_session(state: LearnerState, now: datetime) -> bool:
    """Whether a session is on and not yet quiet too long (the service then redeems no code
    for the ambassador: such commands are refused during a session)."""
    session = state.assisting
    return session is not None and now - session.last_at < SESSION_IDLE


def opened_with(outcome: Outcome) -> str | None:
    """The villager a session (re)opened with in this ambassador's turn, if any."""
    return next(
        (e.public_id for e in outcome.events if isinstance(e, AssistedSessionOpened)), None
    )


def added_villager(outcome: Outcome) -> VillagerAdded | None:
    """The villager this ambassador's turn added, if any (storage creates them first)."""
    return next((e for e in outcome.events if isinstance(e, VillagerAdded)), None)


def villager_state(event: VillagerAdded) -> LearnerState:
    """A new villager's first state: agreed (attested), profile answered, at the menu, and no
    reminders (they have no app to receive them)."""
    return LearnerState(
        mode=Mode.MENU,
        consent=True,
        locale=event.locale,
        turn=first_turn(event.public_id),
        profile=Profile(
            province=event.province,
            commune=event.commune,
            admin_version=event.admin_version,
            group=TargetGroup(event.group) if event.group in set(TargetGroup) else None,
            age_band=AgeBand(event.age_band) if event.age_band in set(AgeBand) else None,
            reminder=ReminderSlot.OFF,
            asked=True,
        ),
    )


def first_turn(public_id: str) -> int:
    """A villager's first turn number: far from an ambassador's and from other villagers'."""
    return (zlib.crc32(public_id.encode()) % 999 + 1) * TURN_BLOCK


def _header(t: Translator, alias: str) -> str:
    return t.gettext("👥 Learning together: {alias}").format(alias=alias)


def _headed(outcome: Outcome, t: Translator, alias: str) -> Outcome:
    header = _header(t, alias)
    replies = tuple(replace(reply, text=f"{header}\n{reply.text}") for reply in outcome.replies)
    return replace(outcome, replies=replies)


def _without_villager(
    ambassador: LearnerState, message: InboundMessage, ctx: Context, earlier: Outcome | None
) -> SessionOutcome:
    """The session's villager is no longer stored: the session ends, the ambassador is told."""
    turn = Turn(ambassador, message, ctx)
    villager_gone(turn)
    replies = (earlier.replies if earlier else ()) + tuple(turn.replies)
    events = (earlier.events if earlier else ()) + tuple(turn.events)
    return SessionOutcome(Outcome(turn.state, replies, events))


def relay(
    ambassador: LearnerState,
    villager: LearnerState | None,
    message: InboundMessage,
    ctx: Context,
) -> SessionOutcome:
    """Run an input of the ambassador's on the session's villager (`session_route` said so);
    `villager` None: they are no longer stored."""
    session = ambassador.assisting
    assert session is not None  # `session_route` found it
    if villager is None:
        return _without_villager(ambassador, message, ctx, None)
    t = translator(ambassador.locale, ctx.default_locale)
    own = copy_model(ambassador)
    assert own.assisting is not None
    own.assisting.last_at = ctx.now
    if link_code_typed(villager, message) is not None:
        # A code from another app would merge someone into the villager: never by chance.
        turn = Turn(villager, message, ctx)
        said = unchanged(
            turn,
            turn._(
                "Codes from another app are not typed while learning together. When "
                "{alias} has a phone of their own, type /lienket here and type the code "
                "shown on their phone: their progress goes with them."
            ).format(alias=session.alias),
        )
    else:
        said = handle(villager, message, ctx)
    return SessionOutcome(Outcome(own, (), ()), _headed(said, t, session.alias))


def open_session(
    ambassador: Outcome,
    villager: LearnerState | None,
    message: InboundMessage,
    ctx: Context,
) -> SessionOutcome:
    """After the ambassador's turn that opened a session (`opened_with`): explain the
    session and show the villager where they are (mid-lesson, mid-quiz, or the menu)."""
    session = ambassador.state.assisting
    if session is None:
        return SessionOutcome(ambassador)
    if villager is None:
        return _without_villager(ambassador.state, message, ctx, ambassador)
    t = translator(ambassador.state.locale, ctx.default_locale)
    intro = t.gettext(
        "👥 Now learning together with {alias}. What you type or tap is for {alias}: their "
        "lessons, not yours, until you type /hoccung (to switch or end) or 30 minutes pass "
        "without a message."
    ).format(alias=session.alias)
    # Their screen as they left it: the lesson's bubble, the quiz's question, or the menu.
    turn = Turn(villager, message, ctx)
    prompt(turn, full=True)
    opened = replace(ambassador, replies=ambassador.replies + (Reply(intro),))
    return SessionOutcome(opened, _headed(turn.outcome(), t, session.alias))
