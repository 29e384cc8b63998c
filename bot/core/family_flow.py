"""Families (`/giadinh`, Gia đình số): creating one, joining with its code or link, the alias
and age band, choosing the helper, nudging, leaving.

The service loads the learner's family and the family a code in play names (`Context.family`)
before the core runs (`bot.core.needs.family_wanted`); everything done here comes back out as
events (`FamilyCreated`, `FamilyJoined`, `FamilyHelperChosen`, `FamilyLeft`, `NudgeQueued`)
that storage applies, re-checking the rule (`bot.core.families`) in the same transaction.
Joining shares progress with the other members, so it is said plainly and agreed to first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.aliases import AliasFault, alias_fault, tidy_alias
from bot.core.events import (
    FamilyCreated,
    FamilyHelperChosen,
    FamilyJoined,
    FamilyLeft,
    NudgeQueued,
)
from bot.core.families import (
    FAMILY_COMMANDS,
    MAX_FAMILY_ALIAS,
    FamilyInviteStatus,
    FamilyMember,
    normalise_family_code,
)
from bot.core.family_screens import (
    FAMILY_AGE_PREFIX,
    HELPER_PREFIX,
    NEW,
    NUDGE_PREFIX,
    family_links,
    me,
    my_family,
    rule_sentence,
)
from bot.core.invite_flow import CODE, keep_invite
from bot.core.navigation import go, unchanged
from bot.core.nudges import CHANGE_TIME, LEARN_NOW, NudgeSkip, plan_nudge
from bot.core.outcome import Outcome
from bot.core.quiet_hours import quiet_from
from bot.core.resume import resume_point
from bot.core.screens import prompt
from bot.core.state import AgeBand, Mode
from bot.core.turn import Turn
from bot.i18n import translator
from bot.text import fold

FAMILY_PREFIXES = (NUDGE_PREFIX, HELPER_PREFIX, FAMILY_AGE_PREFIX)


def open_family(turn: Turn) -> None:
    """`/giadinh`: the family with everyone's progress, or how to create or join one."""
    turn.state.family_pending = turn.state.family_alias = None
    go(turn, Mode.FAMILY)


def new_family(turn: Turn) -> None:
    if my_family(turn) is not None:
        turn.say(turn._("You are already in a family: here it is."))
        go(turn, Mode.FAMILY)
        return
    turn.state.family_pending = NEW
    go(turn, Mode.FAMILY_ALIAS)


def join_family(turn: Turn, raw: str) -> Outcome:
    """A family's code, typed (`/giadinh CODE`) or from a link (`/start CODE`)."""
    code = normalise_family_code(raw)
    if not turn.state.consent:
        keep_invite(turn, code, CODE)
        turn.say(
            turn._(
                "Thank you! First, please agree to let me save your progress: then I will "
                "show you the family."
            )
        )
        go(turn, Mode.CONSENT)
        return turn.outcome()
    found = turn.ctx.family
    invite = found.invite if found is not None else None
    if found is not None and found.family is not None:
        if invite is not None and invite.status is FamilyInviteStatus.SAME:
            turn.say(turn._("You are already in this family."))
        else:
            turn.say(
                turn._(
                    "You are already in a family. To join another one, first leave yours "
                    "(/giadinh, then “Leave the family”)."
                )
            )
        go(turn, Mode.FAMILY)
        return turn.outcome()
    if invite is None or invite.status is FamilyInviteStatus.UNKNOWN:
        return unchanged(
            turn,
            turn._(
                "I don't know the family code {code}. Please check it with the relative who "
                "gave it to you: it starts with GD."
            ).format(code=code),
        )
    if invite.status is FamilyInviteStatus.FULL:
        return unchanged(turn, turn._("Sorry, that family is full already."))
    turn.state.family_pending = code
    go(turn, Mode.FAMILY_JOIN)
    return turn.outcome()


def agree_to_join(turn: Turn) -> None:
    go(turn, Mode.FAMILY_ALIAS)


def cancel(turn: Turn) -> None:
    turn.state.family_pending = turn.state.family_alias = None
    turn.say(turn._("All right. You can come back with /giadinh whenever you like."))
    go(turn, Mode.MENU)


def type_family_alias(turn: Turn, text: str) -> Outcome:
    """The short name the learner's family will know them by."""
    alias = tidy_alias(text)
    fault = alias_fault(alias, MAX_FAMILY_ALIAS)
    if fault is AliasFault.TOO_LONG:
        return unchanged(
            turn,
            turn._("That is a bit long: please keep the name under {count} characters.").format(
                count=MAX_FAMILY_ALIAS
            ),
        )
    if fault is AliasFault.NUMBER:
        return unchanged(
            turn,
            turn._(
                "That looks like a number. Please type a short name instead, for example "
                "“Bà Tư”: no phone number is needed."
            ),
        )
    turn.state.family_alias = alias
    if turn.state.profile.age_band is None:
        go(turn, Mode.FAMILY_AGE)
        return turn.outcome()
    return _finish(turn)


def choose_age(turn: Turn, value: str) -> Outcome:
    try:
        turn.state.profile.age_band = AgeBand(value)
    except ValueError:
        return unchanged(turn, turn._("Please choose one of the age bands."))
    return _finish(turn)


def _finish(turn: Turn) -> Outcome:
    """The alias (and age band) known: create the family, or join the one agreed to."""
    state = turn.state
    pending, alias = state.family_pending, state.family_alias or ""
    state.family_pending = state.family_alias = None
    if pending == NEW:
        code = turn.ctx.family_code()
        turn.events.append(FamilyCreated(code, alias))
        links = ", ".join(family_links(turn.ctx.links, code))
        turn.say(
            turn._(
                "🎉 Your family is created, and you are its helper. Invite your relatives: "
                "they open {links} or type /giadinh {code} on any app (Zalo too)."
            ).format(links=links, code=code)
        )
        go(turn, Mode.MENU)
        return turn.outcome()
    found = turn.ctx.family
    invite = found.invite if found is not None else None
    if invite is None or invite.status is not FamilyInviteStatus.FOUND or not invite.family_id:
        turn.say(turn._("Sorry, that family cannot be joined any more."))
        go(turn, Mode.MENU)
        return turn.outcome()
    turn.events.append(FamilyJoined(invite.family_id, alias))
    turn.say(
        turn._(
            "🤝 Welcome to the family, {alias}! /giadinh shows everyone's progress. {rule}"
        ).format(alias=alias, rule=rule_sentence(turn))
    )
    go(turn, Mode.MENU)
    return turn.outcome()


def ask_helper(turn: Turn) -> None:
    if my_family(turn) is None:
        go(turn, Mode.FAMILY)
        return
    go(turn, Mode.FAMILY_HELPER)


def choose_helper(turn: Turn, raw: str) -> None:
    family = my_family(turn)
    member = family.member(int(raw)) if family is not None and raw.isdigit() else None
    if family is None or member is None:
        go(turn, Mode.FAMILY)
        return
    turn.events.append(FamilyHelperChosen(family.id, member.learner_id))
    turn.say(turn._("✅ {alias} is now the family's helper.").format(alias=member.alias))
    go(turn, Mode.MENU)


def ask_leave(turn: Turn) -> None:
    go(turn, Mode.FAMILY_LEAVE if my_family(turn) is not None else Mode.FAMILY)


def leave(turn: Turn) -> None:
    family, mine = my_family(turn), me(turn)
    if family is None:
        go(turn, Mode.FAMILY)
        return
    turn.events.append(FamilyLeft(family.id))
    note = (
        turn._(" The others will choose a new helper.")
        if mine is not None and mine.helper and len(family.members) > 1
        else ""
    )
    turn.say(turn._("You have left the family.") + note)
    go(turn, Mode.MENU)


def nudge(turn: Turn, raw: str) -> None:
    """The helper nudges one member, under the ambassadors' rules (`bot.core.nudges`): one
    nudge a day per learner whoever sends it, never in quiet hours, never to one who is done
    for today or turned reminders off."""
    family, mine = my_family(turn), me(turn)
    member = family.member(int(raw)) if family is not None and raw.isdigit() else None
    if member is None or mine is None or not mine.helper or member is mine:
        prompt(turn, full=False)
        return
    lessons = [lesson.id for lesson in turn.ctx.catalog.required_lessons]
    villager = member.villager
    plan = plan_nudge(
        villager,
        now=turn.ctx.now,
        zone=turn.ctx.zone,
        lessons=lessons,
        nudged=villager.nudged_on,
    )
    if plan.skip is not None or plan.day is None or plan.not_before is None:
        reason = _why_not(turn, plan.skip or NudgeSkip.UNREACHABLE)
        turn.say(
            turn._("No nudge for {alias}: {reason}.").format(alias=member.alias, reason=reason)
        )
        prompt(turn, full=False)
        return
    turn.events.append(_nudge_event(turn, member, mine.alias, plan.day, plan.not_before))
    when = turn._(" It will go at 7:00, after the quiet hours.") if plan.held else ""
    turn.say(turn._("📨 Nudge queued for {alias}.").format(alias=member.alias) + when)
    prompt(turn, full=False)


def _nudge_event(
    turn: Turn, member: FamilyMember, helper: str, day: date, not_before: datetime
) -> NudgeQueued:
    villager = member.villager
    t = translator(villager.locale, turn.ctx.default_locale, turn.ctx.address_form)
    point = resume_point(villager.state, turn.ctx.catalog)
    lesson = point.lesson.title if point is not None else ""
    return NudgeQueued(
        learner_id=villager.learner_id,
        day=day,
        not_before=not_before,
        expires_at=quiet_from(day, turn.ctx.zone).astimezone(UTC),
        text=t.gettext(
            "👋 {helper}, from your family, is thinking of you: your next lesson is "
            "“{lesson}”. Shall we learn for a few minutes today?"
        ).format(helper=helper, lesson=lesson),
        choices=(
            (LEARN_NOW, t.gettext("Learn now")),
            (CHANGE_TIME, t.gettext("Change reminder time")),
        ),
    )


def _why_not(turn: Turn, skip: NudgeSkip) -> str:
    return {
        NudgeSkip.NO_PHONE: turn._("learning with you on your phone, no app of their own"),
        NudgeSkip.UNREACHABLE: turn._("cannot be reached (the app is blocked or gone)"),
        NudgeSkip.OFF: turn._("reminders turned off"),
        NudgeSkip.ALREADY: turn._("already nudged for that day"),
        NudgeSkip.DONE_TODAY: turn._("already learned today"),
        NudgeSkip.FINISHED: turn._("finished the course"),
    }[skip]


def family_action(turn: Turn, action: str) -> None:
    """The family actions with a value: a nudge, the helper chosen, the age band."""
    if action.startswith(NUDGE_PREFIX):
        nudge(turn, action.removeprefix(NUDGE_PREFIX))
    elif action.startswith(HELPER_PREFIX):
        choose_helper(turn, action.removeprefix(HELPER_PREFIX))
    elif action.startswith(FAMILY_AGE_PREFIX):
        choose_age(turn, action.removeprefix(FAMILY_AGE_PREFIX))


def is_family_command(name: str) -> bool:
    return fold(name).lstrip("/") in FAMILY_COMMANDS


__all__ = [
    "FAMILY_COMMANDS",
    "FAMILY_PREFIXES",
    "agree_to_join",
    "ask_helper",
    "ask_leave",
    "cancel",
    "family_action",
    "join_family",
    "leave",
    "new_family",
    "open_family",
    "type_family_alias",
]
