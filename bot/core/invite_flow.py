"""Joining through an ambassador's invite: a deep link (`/start <code>`, Telegram or the web
chat's `/?start=<code>`) or `/thamgia CODE` typed on any app.

The service looks the invite code up before the core runs (`invite_in_play()` says which code)
and hands the answer over as `Context.invite`. The enrollment is personal data, so it is
recorded only once the learner has agreed: a code that arrives before consent waits in
`LearnerState.invite` and is taken up by `accept_pending_invite()` when they agree. The first
invite wins (storage keeps the first `Enrolled`); an ambassador's own code is ignored.

The learner's commune defaults to the ambassador's: set in the profile when they have none, so
the profile's commune question offers it (`bot.core.profile_menus`).
"""

from __future__ import annotations

from bot.core.context import InviteStatus
from bot.core.events import Enrolled
from bot.core.families import FAMILY_COMMANDS, is_family_code, normalise_family_code
from bot.core.messages import InboundMessage
from bot.core.navigation import go, unchanged
from bot.core.outcome import Outcome
from bot.core.place_names import place_name
from bot.core.screens import prompt
from bot.core.state import LearnerState, Mode
from bot.core.turn import Turn
from bot.core.typed_command import typed_command
from bot.text import fold

# The command names of /thamgia (folded, without "/"); `bot.core.commands` maps them to "join".
JOIN_COMMANDS = ("thamgia", "tham_gia", "join")
START_COMMANDS = ("start", "batdau")
# The longest invite code (deep-link payload) kept.
MAX_INVITE_CHARS = 64
LINK, CODE = "link", "code"


def invite_typed(message: InboundMessage) -> tuple[str, str] | None:
    """(code, via) of an invite in this input: `/start CODE` (via "link") or `/thamgia CODE`
    (via "code"); None for anything else, or either command alone."""
    parts = typed_command(message)
    if parts is None:
        return None
    name, args = fold(parts[0]), "".join(parts[1].split())[:MAX_INVITE_CHARS]
    if not args:
        return None
    if name in START_COMMANDS:
        return args, LINK
    if name in JOIN_COMMANDS or (name in FAMILY_COMMANDS and is_family_code(args)):
        return args, CODE
    return None


def invite_in_play(state: LearnerState, message: InboundMessage) -> tuple[str, str] | None:
    """The invite the service should look up for this turn: the input's, else the one waiting
    for the learner's consent (which this turn may give)."""
    typed = invite_typed(message)
    if typed is not None:
        return typed
    waiting = state.invite and not state.consent
    return (state.invite, state.invite_via or LINK) if waiting and state.invite else None


def keep_invite(turn: Turn, code: str, via: str) -> None:
    """Before consent: keep the invite until the learner agrees (the latest one typed)."""
    turn.state.invite, turn.state.invite_via = code[:MAX_INVITE_CHARS], via


def accept_pending_invite(turn: Turn) -> str | None:
    """At consent: record the invite that waited for it. The text to say, if any (a typed
    code that is unknown is answered; an unknown deep-link payload is not)."""
    state = turn.state
    code, via = state.invite, state.invite_via or LINK
    state.invite, state.invite_via = None, None
    if not code:
        return None
    if is_family_code(code):
        # The family's notice comes next: joining shares progress, so it is asked on its own.
        found = turn.ctx.family
        invite = found.invite if found is not None else None
        if invite is not None and invite.status.value == "found":
            state.family_pending = normalise_family_code(code)
        return None
    return _enroll(turn, via, explicit=via == CODE)


def join(turn: Turn, args: tuple[str, ...]) -> Outcome:
    """`/thamgia CODE`: join through an ambassador's invite, now or once the learner agrees."""
    code = "".join(args)[:MAX_INVITE_CHARS]
    if not code:
        return unchanged(
            turn,
            turn._(
                "To join through a digital ambassador's invite, type /thamgia followed by "
                "the code they gave you, for example /thamgia ABC234."
            ),
        )
    if not turn.state.consent:
        keep_invite(turn, code, CODE)
        turn.say(
            turn._(
                "Thank you! I will note your invite as soon as you agree to let me save "
                "your progress."
            )
        )
        go(turn, Mode.CONSENT)
        return turn.outcome()
    said = _enroll(turn, CODE, explicit=True)
    assert said is not None  # an explicit join is always answered
    result = turn.ctx.invite
    if result is None or result.status is not InviteStatus.FOUND or result.enrolled:
        return unchanged(turn, said)
    turn.say(said)
    prompt(turn, full=False)
    return turn.outcome()


def start_with_invite(turn: Turn, code: str) -> None:
    """`/start CODE` from a known learner (a deep link opened later): kept till consent, or
    recorded now (an unknown payload is ignored: it may be no invite at all)."""
    if not turn.state.consent:
        keep_invite(turn, code, LINK)
        return
    said = _enroll(turn, LINK, explicit=False)
    if said is not None:
        turn.say(said)


def _enroll(turn: Turn, via: str, *, explicit: bool) -> str | None:
    """Record `Context.invite` for a learner who has consented; what to say about it (None:
    nothing, for a payload that is no invite, or a second invite that came by link)."""
    result, state = turn.ctx.invite, turn.state
    status = result.status if result is not None else InviteStatus.UNKNOWN
    if status is InviteStatus.OWN:
        return (
            turn._("That is your own invite code: share it with others (/moi).")
            if explicit
            else None
        )
    if result is None or status is not InviteStatus.FOUND or result.ambassador_id is None:
        return (
            turn._(
                "I don't know the invite code {code}. Please check it with the person who "
                "gave it to you: it has 6 letters and digits."
            ).format(code=result.code if result is not None else "")
            if explicit
            else None
        )
    if result.enrolled:
        return (
            turn._("You have already joined through a digital ambassador's invite.")
            if explicit
            else None
        )
    turn.events.append(Enrolled(result.ambassador_id, via))
    places, profile = turn.ctx.places, state.profile
    where = place_name(places, result.commune)
    joined = (
        turn._(
            "🤝 Welcome! You joined through a digital ambassador of {place}. They can see how "
            "far you have got in the lessons, to help you along; /xoadulieu deletes this too."
        ).format(place=where)
        if where
        else turn._(
            "🤝 Welcome! You joined through a digital ambassador's invite. They can see how "
            "far you have got in the lessons, to help you along; /xoadulieu deletes this too."
        )
    )
    commune = places.commune(result.commune)
    if profile.commune is None and commune is not None:
        profile.commune, profile.province = commune.code, commune.province_code
        profile.admin_version = places.version
    return joined
