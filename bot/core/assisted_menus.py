"""The screens of learning together (/hoccung) on the ambassador's side: their choices and texts.

Like every screen they follow from the state alone (`LearnerState.villagers` is the list the
last /hoccung showed). Every action here starts with `ASSISTED_PREFIX`: during a session these
are the only button taps that reach the ambassador (everything else is the villager's).
"""

from __future__ import annotations

from bot.core.profile_menus import AGE_LABELS, GROUP_LABELS
from bot.core.state import AssistedVillager, Mode
from bot.core.turn import Turn

ASSISTED_PREFIX = "hc."
# The ambassador's screens of learning together; ASSISTING is "the villager's turn now".
ASSISTED_MODES = frozenset(
    {
        Mode.ASSISTED,
        Mode.ASSISTED_ALIAS,
        Mode.ASSISTED_AGE,
        Mode.ASSISTED_GROUP,
        Mode.ASSISTED_ATTEST,
        Mode.ASSISTED_ERASE,
        Mode.ASSISTED_ERASE_CONFIRM,
        Mode.ASSISTING,
    }
)
# The longest alias kept (the `assisted_learner.alias` column).
MAX_ALIAS = 40


def villager(turn: Turn, public_id: str | None) -> AssistedVillager | None:
    """The villager of the /hoccung list with this public id."""
    return next((v for v in turn.state.villagers if v.id == public_id), None)


def assisted_choices(turn: Turn) -> list[tuple[str, str]]:
    """The (action, label) pairs of a learning-together screen.

    The villagers come first, so that typing "1" picks the first name as the list shows it.
    """
    _, state = turn._, turn.state
    mode, session = state.mode, state.assisting
    skip = ("hc.skip", _("Skip"))
    if mode is Mode.ASSISTED:
        found = [(f"hc.pick.{v.id}", f"👤 {v.alias}") for v in state.villagers]
        found.append(("hc.add", _("➕ Add someone new")))
        if session is not None:
            found.append(("hc.resume", _("▶ Continue with {alias}").format(alias=session.alias)))
            found.append(("hc.end", _("⏹ End learning together")))
        else:
            found.append(("hc.close", _("Back to my own learning")))
        if state.villagers:
            found.append(("hc.erase", _("🗑 Delete someone's data")))
        return found
    if mode is Mode.ASSISTED_ALIAS:
        return [("hc.back", _("Back"))]
    if mode is Mode.ASSISTED_AGE:
        return [(f"hc.age.{a.value}", _(label)) for a, label in AGE_LABELS.items()] + [skip]
    if mode is Mode.ASSISTED_GROUP:
        return [(f"hc.group.{g.value}", _(label)) for g, label in GROUP_LABELS.items()] + [skip]
    if mode is Mode.ASSISTED_ATTEST:
        return [("hc.agreed", _("They agreed")), ("hc.declined", _("Not yet"))]
    if mode is Mode.ASSISTED_ERASE:
        found = [(f"hc.del.{v.id}", f"🗑 {v.alias}") for v in state.villagers]
        return found + [("hc.back", _("Back"))]
    if mode is Mode.ASSISTED_ERASE_CONFIRM:
        return [("hc.del_yes", _("Yes, delete it")), ("hc.back", _("No, keep it"))]
    # ASSISTING: typed text and taps go to the villager, so no button of the ambassador's
    # here (on channels without buttons a typed number would be the villager's anyway).
    return []


def assisted_texts(turn: Turn, full: bool) -> list[str]:
    """The text of a learning-together screen (`full` after a move)."""
    _, state = turn._, turn.state
    mode, session = state.mode, state.assisting
    draft = state.villager_draft
    alias = draft.alias if draft is not None else ""
    if mode is Mode.ASSISTED:
        if not full:
            return [_("Tap a name, or “➕ Add someone new”.")]
        if session is not None:
            return [
                _(
                    "👥 You are learning together with {alias}. Tap another name to switch "
                    "(each one continues where they stopped), or end learning together."
                ).format(alias=session.alias)
            ]
        if not state.villagers:
            return [
                _(
                    "👥 Learning together: for someone without a smartphone, you run the "
                    "lessons on your phone. Their progress is kept under a name you choose, "
                    "apart from yours. Add the first person:"
                )
            ]
        return [
            _(
                "👥 Learning together. Who is learning with you now? Tap their name (each one "
                "continues where they stopped), or add someone new."
            )
        ]
    if mode is Mode.ASSISTED_ALIAS:
        if not full:
            return [_("Type a short name for them, for example “Bà Tư”.")]
        return [
            _(
                "What shall I call them? Type a short name you will recognise, for example "
                "“Bà Tư” or “Chú Năm xóm 3”. Not their ID card or phone number: only this "
                "name is kept."
            )
        ]
    if mode is Mode.ASSISTED_AGE:
        return [_("How old is {alias}? Only the age band is kept.").format(alias=alias)]
    if mode is Mode.ASSISTED_GROUP:
        return [_("Which group is {alias} in?").format(alias=alias)]
    if mode is Mode.ASSISTED_ATTEST:
        if not full:
            return [_("Did {alias} agree to what you read?").format(alias=alias)]
        return [
            _(
                "📋 Before anything is saved, please read this to {alias} and ask whether "
                "they agree:\n\n"
                "“Học vụ số will keep your lessons and quiz answers under the name "
                "“{alias}”, with your commune, group and age band: no real name, no phone "
                "number, no ID number. It lets you continue next time, and lets the commune "
                "count, without names, how many people have learned. Whenever you wish, the "
                "digital ambassador deletes it for you.”\n\n"
                "Did {alias} agree?"
            ).format(alias=alias)
        ]
    if mode is Mode.ASSISTED_ERASE:
        return [
            _(
                "Whose data should be deleted? Their lessons and answers are deleted; "
                "anonymous totals stay."
            )
        ]
    if mode is Mode.ASSISTED_ERASE_CONFIRM:
        target = villager(turn, state.villager_to_erase)
        return [
            _(
                "Delete everything kept about {alias}? This cannot be undone. Anonymous "
                "totals (for example “one more person finished lesson A1”) are kept."
            ).format(alias=target.alias if target else "")
        ]
    if mode is Mode.ASSISTING and session is not None:
        return [
            _(
                "👥 You are learning together with {alias}: what you type or tap goes to "
                "their lessons. /hoccung: switch to someone else or end."
            ).format(alias=session.alias)
        ]
    return [_("What would you like to do?")]
