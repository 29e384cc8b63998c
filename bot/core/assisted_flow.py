"""Learning together ("học cùng"), the ambassador's side: /hoccung lists the villagers without a
smartphone the ambassador helps, adds one (a name they choose, age band, group, and their
attestation that the villager agreed to the notice read aloud), starts, switches and ends
sessions, and deletes a villager's data.

While a session is on (`LearnerState.assisting`, the ambassador in Mode.ASSISTING) the service
runs the ambassador's inputs on the villager's state instead (`bot.core.assisted_session`);
only /hoccung and the buttons of these screens reach the ambassador, and commands about the
ambassador themselves (/xoadulieu, /moi, /danhsach, /daisu, /thamgia, /lienket CODE) are
refused, so nothing of theirs changes by mistake. A session ends when the ambassador says so,
when they go elsewhere (/menu), or after `SESSION_IDLE` without a message.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.aliases import AliasFault, alias_fault, tidy_alias
from bot.core.assisted_menus import ASSISTED_MODES, MAX_ALIAS, villager
from bot.core.events import AssistedSessionOpened, VillagerAdded, VillagerErased
from bot.core.messages import Reply
from bot.core.model_copy import copy_model
from bot.core.navigation import go, unchanged
from bot.core.outcome import Outcome
from bot.core.state import (
    AgeBand,
    AssistedSession,
    AssistedVillager,
    Mode,
    TargetGroup,
    VillagerDraft,
)
from bot.core.turn import Turn
from bot.text import fold

# A session with no message for this long has ended: the ambassador's next one is theirs.
SESSION_IDLE = timedelta(minutes=30)
# Screens the ambassador comes back to when learning together ends: the others (consent,
# detours) are no place to return to.
_NO_RETURN = frozenset({Mode.NEW, Mode.CONSENT, Mode.CONFIRM_ERASE, Mode.LANGUAGE})


def open_desk(turn: Turn) -> None:
    """/hoccung: the villagers (from `Context.villagers`, else the list shown last time),
    "add someone new", and while a session is on, "continue" and "end"."""
    state = turn.state
    if turn.ctx.villagers is not None:
        state.villagers = [
            AssistedVillager(id=v.public_id, alias=v.alias) for v in turn.ctx.villagers
        ]
    if state.mode not in ASSISTED_MODES:
        state.assisted_return = state.mode if state.mode not in _NO_RETURN else None
    state.villager_draft, state.villager_to_erase = None, None
    go(turn, Mode.ASSISTED)


def assisted_action(turn: Turn, action: str) -> None:
    """A button of the learning-together screens (`hc.<what>[.<value>]`)."""
    state = turn.state
    name, _, value = action.removeprefix("hc.").partition(".")
    if name == "pick":
        _open(turn, value)
    elif name == "resume" and state.assisting is not None:
        _open(turn, state.assisting.villager)
    elif name == "add":
        state.villager_draft = None
        go(turn, Mode.ASSISTED_ALIAS)
    elif name in ("age", "group", "skip"):
        _describe(turn, name, value)
    elif name == "agreed":
        _add(turn)
    elif name == "declined":
        state.villager_draft = None
        turn.say(
            turn._(
                "No problem: nothing about them was saved. You can ask them again another time."
            )
        )
        go(turn, Mode.ASSISTED)
    elif name == "end":
        end_session(turn)
    elif name == "close":
        _back_to_own(turn)
    elif name == "erase":
        go(turn, Mode.ASSISTED_ERASE)
    elif name == "del":
        state.villager_to_erase = value
        go(turn, Mode.ASSISTED_ERASE_CONFIRM)
    elif name == "del_yes":
        _erase(turn)
    else:  # "back"
        state.villager_draft, state.villager_to_erase = None, None
        go(turn, Mode.ASSISTED)


def _open(turn: Turn, public_id: str) -> None:
    """Start (or switch to, or go back to) a session with one villager of the list. The
    service then shows where that villager is (`AssistedSessionOpened`)."""
    chosen = villager(turn, public_id)
    if chosen is None:  # gone from the list since (deleted): the list again
        go(turn, Mode.ASSISTED)
        return
    state = turn.state
    state.assisting = AssistedSession(villager=chosen.id, alias=chosen.alias, last_at=turn.ctx.now)
    state.mode = Mode.ASSISTING
    turn.events.append(AssistedSessionOpened(chosen.id))


def type_alias(turn: Turn, text: str) -> Outcome:
    """The name of a new villager, typed: short, theirs only, and no phone or ID number."""
    alias = tidy_alias(text)
    fault = alias_fault(alias, MAX_ALIAS)
    if fault is AliasFault.TOO_LONG:
        return unchanged(
            turn,
            turn._("That is a bit long: please keep the name under {count} characters.").format(
                count=MAX_ALIAS
            ),
        )
    if fault is AliasFault.NUMBER:
        return unchanged(
            turn,
            turn._(
                "That looks like a number. Please type a name instead, for example “Bà Tư”: "
                "no ID card or phone number is kept, for their safety."
            ),
        )
    same = next((v for v in turn.state.villagers if fold(v.alias) == fold(alias)), None)
    if same is not None:
        return unchanged(
            turn,
            turn._(
                "You already have someone called {alias}. Add something to tell them apart, "
                "for example “{alias} xóm 2”."
            ).format(alias=same.alias),
        )
    turn.state.villager_draft = VillagerDraft(alias=alias)
    go(turn, Mode.ASSISTED_AGE)
    return turn.outcome()


def _describe(turn: Turn, name: str, value: str) -> None:
    """The age band, then the group (either may be skipped), then the notice to read."""
    state, draft = turn.state, turn.state.villager_draft
    if draft is None:  # the draft is gone (an old button): start again
        go(turn, Mode.ASSISTED)
        return
    if name == "age" and value in set(AgeBand):
        draft.age_band = AgeBand(value)
    elif name == "group" and value in set(TargetGroup):
        draft.group = TargetGroup(value)
    go(turn, Mode.ASSISTED_GROUP if state.mode is Mode.ASSISTED_AGE else Mode.ASSISTED_ATTEST)


def _add(turn: Turn) -> None:
    """They agreed: the villager exists from now on (storage applies `VillagerAdded`), and
    learning together with them starts."""
    state, ctx = turn.state, turn.ctx
    draft, role = state.villager_draft, state.ambassador
    if draft is None or role is None:
        go(turn, Mode.ASSISTED)
        return
    public_id = ctx.villager_id()
    known = ctx.places.commune(role.commune) is not None
    turn.events.append(
        VillagerAdded(
            public_id=public_id,
            alias=draft.alias,
            consent_version=ctx.consent_version,
            province=role.province,
            commune=role.commune,
            admin_version=ctx.places.version if known else None,
            age_band=draft.age_band.value if draft.age_band else None,
            group=draft.group.value if draft.group else None,
            locale=state.locale,
        )
    )
    state.villagers.append(AssistedVillager(id=public_id, alias=draft.alias))
    state.villager_draft = None
    turn.say(
        turn._("✅ {alias} is saved. Thank you for helping them learn!").format(alias=draft.alias)
    )
    _open(turn, public_id)


def _erase(turn: Turn) -> None:
    state = turn.state
    target = villager(turn, state.villager_to_erase)
    state.villager_to_erase = None
    if target is None:
        go(turn, Mode.ASSISTED)
        return
    turn.events.append(VillagerErased(target.id))
    state.villagers = [v for v in state.villagers if v.id != target.id]
    if state.assisting is not None and state.assisting.villager == target.id:
        state.assisting = None
    turn.say(turn._("Done: {alias}'s data has been deleted.").format(alias=target.alias))
    go(turn, Mode.ASSISTED)


def end_session(turn: Turn) -> None:
    """ "End learning together": the ambassador's own learning again, where they left it."""
    session = turn.state.assisting
    turn.state.assisting = None
    if session is not None:
        turn.say(
            turn._(
                "⏹ Learning together with {alias} has ended. What you type now is for your own "
                "learning again."
            ).format(alias=session.alias)
        )
    _back_to_own(turn)


def villager_gone(turn: Turn) -> None:
    """The villager of the session is no longer stored (deleted): the session ends."""
    session = turn.state.assisting
    turn.state.assisting = None
    if session is None:
        return
    turn.state.villagers = [v for v in turn.state.villagers if v.id != session.villager]
    turn.say(
        turn._(
            "I can no longer find {alias}'s data (it may have been deleted), so learning "
            "together has ended."
        ).format(alias=session.alias)
    )
    go(turn, Mode.ASSISTED)


def _back_to_own(turn: Turn) -> None:
    state = turn.state
    back = state.assisted_return or Mode.MENU
    state.assisted_return = None
    go(turn, back)


def end_idle_session(turn: Turn) -> bool:
    """End a session that has been quiet for `SESSION_IDLE`, saying so; whether it did.

    The input that finds it ended is the ambassador's (the caller decides what to do with it);
    the end sticks even if that input is then refused as bad input.
    """
    state, session = turn.state, turn.state.assisting
    if session is None or turn.ctx.now - session.last_at < SESSION_IDLE:
        return False
    state.assisting = None
    if state.mode is Mode.ASSISTING:
        state.mode = state.assisted_return or Mode.MENU
        state.assisted_return = None
    turn.say(
        turn._(
            "⏱ Learning together with {alias} ended after 30 minutes without messages, so "
            "this message is yours again: nothing was done with it for {alias}. To continue "
            "with them: /hoccung."
        ).format(alias=session.alias)
    )
    turn.before = copy_model(state)
    return True


def leave_when_elsewhere(turn: Turn) -> None:
    """The ambassador went to a screen of their own (/menu, /tiendo) during a session: it
    has ended, and they are told so."""
    session = turn.state.assisting
    if session is None or turn.state.mode in ASSISTED_MODES:
        return
    turn.state.assisting = None
    turn.state.assisted_return = None
    note = turn._("⏹ Learning together with {alias} has ended: this is your own learning.")
    turn.replies.insert(0, Reply(note.format(alias=session.alias)))


def refuse_in_session(turn: Turn, *, erase: bool) -> Outcome:
    """A command about the ambassador themselves during a session: not now, and how."""
    session = turn.state.assisting
    alias = session.alias if session is not None else ""
    if erase:
        text = turn._(
            "While you are learning together with {alias}, /xoadulieu is not available, so "
            "nobody's data is deleted by mistake. To delete {alias}'s data: /hoccung, then "
            "“🗑 Delete someone's data”. To delete your own: end learning together first "
            "(/hoccung), then /xoadulieu."
        ).format(alias=alias)
    else:
        text = turn._(
            "While you are learning together with {alias}, this command is not available. "
            "End learning together first: /hoccung, then “⏹ End learning together”."
        ).format(alias=alias)
    return unchanged(turn, text)
