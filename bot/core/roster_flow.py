"""The ambassador's roster (`/danhsach`): their villagers page by page, one villager's details,
nudges, and real-world skills confirmed.

The service loads the roster before the core runs whenever the input concerns it
(`bot.core.needs.roster_wanted`) and hands it over as `Context.roster`; what the ambassador
does here comes back out as events: `NudgeQueued` (storage records one per villager and day
and queues the message) and `SkillConfirmed` (storage keeps who confirmed what, and when).
Only an ambassador gets here (`bot.core.actions` refuses everyone else), and only their own
villagers are on their roster.
"""

from __future__ import annotations

from collections import defaultdict

from bot.core.events import SkillConfirmed
from bot.core.navigation import go
from bot.core.nudges import NudgeSkip, nudge_event
from bot.core.roster_screens import (
    confirmed_skills,
    gone_text,
    nudge_plan,
    pages,
    shown_villager,
    stalled_villagers,
    villager_label,
)
from bot.core.screens import prompt
from bot.core.skills import SKILLS
from bot.core.state import Mode
from bot.core.turn import Turn
from bot.core.villagers import Roster, Villager

# Actions of the roster's screens (the engine only accepts those the screen on view offers).
ROSTER_ACTIONS = frozenset(
    {
        "roster",
        "roster_back",
        "roster_next",
        "roster_prev",
        "nudge",
        "nudge_stalled",
        "skills",
        "skill_yes",
        "skill_no",
        "villager",
    }
)
# Prefixed actions: a villager on the page ("vill.<learner id>"), a skill ("skill.<id>").
VILLAGER_PREFIX, SKILL_PREFIX = "vill.", "skill."


def _roster(turn: Turn) -> Roster | None:
    """The roster, or None after saying it cannot be shown (the menu is shown then)."""
    roster = turn.ctx.roster
    if roster is None:
        turn.say(turn._("Sorry, I cannot open your list right now. Please try again shortly."))
        go(turn, Mode.MENU)
    return roster


def open_roster(turn: Turn) -> None:
    """`/danhsach`: the first page."""
    if _roster(turn) is not None:
        turn.state.roster_page, turn.state.villager = 0, None
        go(turn, Mode.ROSTER)


def back_to_roster(turn: Turn) -> None:
    """Back to the page the ambassador was on."""
    if _roster(turn) is not None:
        turn.state.villager, turn.state.villager_skill = None, None
        go(turn, Mode.ROSTER)


def turn_page(turn: Turn, step: int) -> None:
    """The next (+1) or previous (-1) page."""
    roster = _roster(turn)
    if roster is not None:
        last = pages(roster) - 1
        turn.state.roster_page = min(max(turn.state.roster_page + step, 0), last)
        go(turn, Mode.ROSTER)


def open_villager(turn: Turn, raw_id: str) -> None:
    """One villager's details, with what can be done for them."""
    roster = _roster(turn)
    if roster is None:
        return
    villager = roster.villager(int(raw_id)) if raw_id.isdigit() else None
    if villager is None:
        _gone(turn)
        return
    turn.state.villager, turn.state.villager_skill = villager.learner_id, None
    go(turn, Mode.VILLAGER)


def _gone(turn: Turn) -> None:
    turn.say(gone_text(turn))
    back_to_roster(turn)


def _present(turn: Turn) -> Villager | None:
    """The villager on screen, or None after going back to the list (they left it)."""
    if _roster(turn) is None:
        return None
    villager = shown_villager(turn)
    if villager is None:
        _gone(turn)
    return villager


def back_to_villager(turn: Turn) -> None:
    if _present(turn) is not None:
        turn.state.villager_skill = None
        go(turn, Mode.VILLAGER)


# -- nudges --------------------------------------------------------------------------------------


def _nudge(turn: Turn, villager: Villager) -> NudgeSkip | bool:
    """Queue a nudge for the villager if the rules let it go: True (held till 07:00 by quiet
    hours) or False (now), else why not."""
    plan = nudge_plan(turn, villager)
    if plan.skip is not None:
        return plan.skip
    role = turn.state.ambassador
    turn.events.append(
        nudge_event(
            villager,
            plan,
            catalog=turn.ctx.catalog,
            places=turn.ctx.places,
            commune=role.commune if role is not None else "",
            zone=turn.ctx.zone,
            default_locale=turn.ctx.default_locale,
        )
    )
    return plan.held


def _why_not(turn: Turn, skip: NudgeSkip) -> str:
    """Why a villager gets no nudge, after their name and a colon."""
    reasons = {
        NudgeSkip.NO_PHONE: turn._("learning with you on your phone, no app of their own"),
        NudgeSkip.UNREACHABLE: turn._("cannot be reached (the app is blocked or gone)"),
        NudgeSkip.OFF: turn._("reminders turned off"),
        NudgeSkip.ALREADY: turn._("already nudged for that day"),
        NudgeSkip.DONE_TODAY: turn._("already learned today"),
        NudgeSkip.FINISHED: turn._("finished the course"),
    }
    return reasons[skip]


def _when(turn: Turn, held: bool) -> str:
    """When the nudges go out: now, or at 07:00 (this morning or tomorrow) in quiet hours."""
    if not held:
        return ""
    local = turn.ctx.now.astimezone(turn.ctx.zone)
    if local.hour < 12:
        return " " + turn._("Quiet hours now: they get it at 07:00 this morning.")
    return " " + turn._("Quiet hours now: they get it at 07:00 tomorrow morning.")


def nudge_one(turn: Turn) -> None:
    """Nudge the villager on screen."""
    villager = _present(turn)
    if villager is None:
        return
    name = villager_label(turn, villager)
    result = _nudge(turn, villager)
    if isinstance(result, NudgeSkip):
        turn.say(
            turn._("No nudge for {name}: {reason}.").format(
                name=name, reason=_why_not(turn, result)
            )
        )
    else:
        turn.say(turn._("📨 Nudge queued for {name}.").format(name=name) + _when(turn, result))
        if villager.reach == "webchat":
            turn.say(turn._("They use the web chat: they see it the next time they open it."))
    prompt(turn, full=True)


def nudge_stalled(turn: Turn) -> None:
    """Nudge every villager who needs a hand; say how many were queued and why not the rest."""
    roster = _roster(turn)
    if roster is None:
        return
    waiting = stalled_villagers(turn, roster)
    if not waiting:
        turn.say(turn._("No one needs a hand right now. 👍"))
        prompt(turn, full=False)
        return
    queued: list[Villager] = []
    held = False
    skipped: dict[NudgeSkip, list[Villager]] = defaultdict(list)
    for villager in waiting:
        result = _nudge(turn, villager)
        if isinstance(result, NudgeSkip):
            skipped[result].append(villager)
        else:
            queued.append(villager)
            held = held or result
    t = turn.t
    lines = []
    if queued:
        names = ", ".join(villager_label(turn, v) for v in queued)
        lines.append(
            t.ngettext(
                "📨 Nudge queued for {count} person: {names}.",
                "📨 Nudges queued for {count} people: {names}.",
                len(queued),
            ).format(count=t.number(len(queued)), names=names)
            + _when(turn, held)
        )
    else:
        lines.append(turn._("No nudge was queued."))
    if skipped:
        lines.append(turn._("Not nudged:"))
        for reason, villagers in skipped.items():
            names = ", ".join(villager_label(turn, v) for v in villagers)
            lines.append(f"• {names}: {_why_not(turn, reason)}")
    if any(v.reach == "webchat" for v in queued):
        lines.append(turn._("Those on the web chat see it the next time they open it."))
    turn.say("\n".join(lines))
    turn.state.villager = None
    go(turn, Mode.ROSTER)


# -- real-world skills ---------------------------------------------------------------------------


def open_skills(turn: Turn) -> None:
    if _present(turn) is not None:
        turn.state.villager_skill = None
        go(turn, Mode.VILLAGER_SKILLS)


def pick_skill(turn: Turn, skill: str) -> None:
    """A skill tapped: asked to make sure, unless it is confirmed already."""
    villager = _present(turn)
    if villager is None or skill not in SKILLS:
        return
    done = {item.skill: item for item in confirmed_skills(turn, villager)}
    if skill in done:
        turn.say(
            turn._("Already confirmed on {day}.").format(
                day=turn.t.day(done[skill].confirmed_at, turn.ctx.zone)
            )
        )
        prompt(turn, full=False)
        return
    turn.state.villager_skill = skill
    go(turn, Mode.SKILL_CONFIRM)


def confirm_skill(turn: Turn) -> None:
    """ "Yes, I saw it": the confirmation is recorded (storage keeps the first of each)."""
    villager, skill, roster = _present(turn), turn.state.villager_skill, turn.ctx.roster
    if villager is None or roster is None:
        return
    if skill in SKILLS and skill not in {s.skill for s in confirmed_skills(turn, villager)}:
        turn.events.append(SkillConfirmed(villager.learner_id, skill, roster.ambassador_id))
        turn.say(
            turn._("✅ Saved: {name} did “{skill}” for real. Thank you!").format(
                name=villager_label(turn, villager), skill=turn._(SKILLS[skill])
            )
        )
    turn.state.villager_skill = None
    go(turn, Mode.VILLAGER_SKILLS)


__all__ = [
    "ROSTER_ACTIONS",
    "SKILL_PREFIX",
    "VILLAGER_PREFIX",
    "back_to_roster",
    "back_to_villager",
    "confirm_skill",
    "nudge_one",
    "nudge_stalled",
    "open_roster",
    "open_skills",
    "open_villager",
    "pick_skill",
    "turn_page",
]
