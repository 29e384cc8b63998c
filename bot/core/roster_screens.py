"""The roster's screens (`/danhsach`): a page of villagers, one villager's details, the
real-world skills to confirm, and the "did you see it?" question; their texts and buttons.

Everything here reads the roster the service loaded (`Context.roster`) and the turn's own
events (a nudge queued or a skill confirmed a moment ago shows at once). Villagers are named
as `villager_label` says, never by a real name.
"""

from __future__ import annotations

from datetime import date

from bot.core.events import NudgeQueued, SkillConfirmed
from bot.core.nudges import NudgePlan, plan_nudge
from bot.core.progress_screens import bar, short
from bot.core.resume import resume_point
from bot.core.skills import SKILLS, ConfirmedSkill, known
from bot.core.state import Mode
from bot.core.streak import local_day
from bot.core.turn import Turn
from bot.core.villagers import Roster, Villager, finished, idle_days, stalled
from bot.i18n import N_

ROSTER_MODES = frozenset({Mode.ROSTER, Mode.VILLAGER, Mode.VILLAGER_SKILLS, Mode.SKILL_CONFIRM})
PAGE_SIZE = 8  # villagers a page: with their buttons and the page's own, 12 at most
# The app a villager joined on, as people call it.
CHANNEL_NAMES = {
    "webchat": N_("web chat"),
    "telegram": "Telegram",
    "zalo_oa": "Zalo",
    "zalo_bot": "Zalo",
}
STALLED, DONE = "⚠️", "🎓"
# A villager's bar is shorter than /tiendo's, so the bar, the count ("12/26") and "12 days ago"
# fit one line of a 360-pixel phone.
BAR_WIDTH = 6


# -- what the turn knows -------------------------------------------------------------------------


def today(turn: Turn) -> date:
    return local_day(turn.ctx.now, turn.ctx.zone)


def lesson_ids(turn: Turn) -> list[str]:
    """The course's lessons: a villager who passed them all has finished (electives aside)."""
    return [lesson.id for lesson in turn.ctx.catalog.required_lessons]


def is_stalled(turn: Turn, villager: Villager) -> bool:
    return stalled(villager, lesson_ids(turn), today(turn), turn.ctx.zone)


def stalled_villagers(turn: Turn, roster: Roster) -> list[Villager]:
    return [v for v in roster.villagers if is_stalled(turn, v)]


def pages(roster: Roster) -> int:
    """How many pages the roster takes (one, when empty)."""
    return max(1, -(-len(roster.villagers) // PAGE_SIZE))


def page_of(turn: Turn, roster: Roster) -> tuple[int, list[Villager]]:
    """The page on screen (kept within the roster, which may have shrunk) and its villagers."""
    page = min(max(turn.state.roster_page, 0), pages(roster) - 1)
    return page, list(roster.villagers[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])


def shown_villager(turn: Turn) -> Villager | None:
    """The villager whose details are on screen (None: gone from the roster)."""
    roster = turn.ctx.roster
    return roster.villager(turn.state.villager) if roster is not None else None


def nudged_days(turn: Turn, villager: Villager) -> frozenset[date]:
    """The days a nudge to the villager is queued for, this turn's included."""
    mine = villager.learner_id
    new = {e.day for e in turn.events if isinstance(e, NudgeQueued) and e.learner_id == mine}
    return villager.nudged_on | new


def nudge_plan(turn: Turn, villager: Villager) -> NudgePlan:
    return plan_nudge(
        villager,
        now=turn.ctx.now,
        zone=turn.ctx.zone,
        lessons=lesson_ids(turn),
        nudged=nudged_days(turn, villager),
    )


def confirmed_skills(turn: Turn, villager: Villager) -> list[ConfirmedSkill]:
    """The villager's confirmed skills, this turn's included, in the list's order."""
    new = tuple(
        ConfirmedSkill(e.skill, turn.ctx.now)
        for e in turn.events
        if isinstance(e, SkillConfirmed) and e.learner_id == villager.learner_id
    )
    return known(villager.skills + new)


# -- words ---------------------------------------------------------------------------------------


def villager_label(turn: Turn, villager: Villager) -> str:
    """The villager's alias (learning together) or "Người học <number>"."""
    if villager.alias:
        return villager.alias
    return turn._("Learner {number}").format(number=turn.t.number(villager.number))


def channel_name(turn: Turn, villager: Villager) -> str:
    if villager.assisted or villager.channel is None:
        return turn._("learns with you")
    name = CHANNEL_NAMES.get(villager.channel, villager.channel)
    return turn._(name)


def days_ago(turn: Turn, day: date) -> str:
    """ "today", "yesterday", "5 days ago"."""
    days = (today(turn) - day).days
    if days <= 0:
        return turn._("today")
    if days == 1:
        return turn._("yesterday")
    return turn.t.ngettext("{days} day ago", "{days} days ago", days).format(
        days=turn.t.number(days)
    )


def progress_bar(turn: Turn, villager: Villager) -> str:
    ids = lesson_ids(turn)
    done = sum(1 for lesson in ids if lesson in villager.passed)
    return f"{bar(done, len(ids), BAR_WIDTH)} {turn.t.number(done)}/{turn.t.number(len(ids))}"


def mark(turn: Turn, villager: Villager) -> str:
    """⚠️ for a villager who needs a hand, 🎓 for one who finished, else nothing."""
    if finished(villager, lesson_ids(turn)):
        return DONE + " "
    return STALLED + " " if is_stalled(turn, villager) else ""


def skill_name(turn: Turn, skill: str) -> str:
    return turn._(SKILLS[skill])


# -- the list ------------------------------------------------------------------------------------


def roster_texts(turn: Turn, full: bool) -> list[str]:
    roster, t = turn.ctx.roster, turn.t
    if roster is None:
        return [turn._("What would you like to do?")]
    if not roster.villagers:
        return [
            turn._(
                "👥 No one has joined through your invite yet. Type /moi for your invite: "
                "a link, a code and a QR code to share."
            )
        ]
    page, shown = page_of(turn, roster)
    where = turn._("Page {page}/{pages}").format(
        page=t.number(page + 1), pages=t.number(pages(roster))
    )
    if not full:
        return [turn._("👥 Your villagers · {page}. Tap a name for details.").format(page=where)]
    waiting = stalled_villagers(turn, roster)
    done = [v for v in roster.villagers if finished(v, lesson_ids(turn))]
    everyone = len(roster.villagers)
    lines = [
        t.ngettext(
            "👥 Your villagers: {count} person", "👥 Your villagers: {count} people", everyone
        ).format(count=t.number(everyone))
    ]
    if waiting:
        lines.append(
            t.ngettext(
                "⚠️ {count} needs a hand (no lesson for 3 days or more)",
                "⚠️ {count} need a hand (no lesson for 3 days or more)",
                len(waiting),
            ).format(count=t.number(len(waiting)))
        )
    if done:
        lines.append(
            t.ngettext(
                "🎓 {count} finished the course", "🎓 {count} finished the course", len(done)
            ).format(count=t.number(len(done)))
        )
    lines.append(where)
    for villager in shown:
        seen = days_ago(turn, villager.last_seen_at.astimezone(turn.ctx.zone).date())
        name = mark(turn, villager) + villager_label(turn, villager)
        lines += [
            "",
            f"{name} · {channel_name(turn, villager)}",
            f"{progress_bar(turn, villager)} · {seen}",
        ]
    return ["\n".join(lines)]


def roster_choices(turn: Turn) -> list[tuple[str, str]]:
    roster = turn.ctx.roster
    if roster is None:
        return [("menu", turn._("Menu"))]
    if not roster.villagers:
        return [("invite", turn._("📣 My invite")), ("menu", turn._("Menu"))]
    page, shown = page_of(turn, roster)
    found = [(f"vill.{v.learner_id}", mark(turn, v) + villager_label(turn, v)) for v in shown]
    if page > 0:
        found.append(("roster_prev", turn._("◀ Previous page")))
    if page < pages(roster) - 1:
        found.append(("roster_next", turn._("Next page ▶")))
    waiting = len(stalled_villagers(turn, roster))
    if waiting:
        label = turn.t.ngettext(
            "📨 Nudge the {count} who needs a hand",
            "📨 Nudge the {count} who need a hand",
            waiting,
        )
        found.append(("nudge_stalled", label.format(count=turn.t.number(waiting))))
    return found + [("menu", turn._("Menu"))]


# -- one villager --------------------------------------------------------------------------------


def gone_text(turn: Turn) -> str:
    return turn._("That person is no longer on your list (they may have deleted their data).")


def villager_texts(turn: Turn, full: bool) -> list[str]:
    villager, t = shown_villager(turn), turn.t
    if villager is None:
        return [gone_text(turn)]
    name = villager_label(turn, villager)
    if not full:
        return [turn._("👤 {name}: what would you like to do?").format(name=name)]
    ids = lesson_ids(turn)
    joined = t.day(villager.joined_at, turn.ctx.zone)
    lines = [
        f"👤 {name} · {channel_name(turn, villager)}",
        turn._("Joined: {day}").format(day=joined),
        turn._("Lessons: {bar}").format(bar=progress_bar(turn, villager)),
    ]
    point = resume_point(villager.state, turn.ctx.catalog)
    upcoming = point.lesson if point is not None else None
    if finished(villager, ids):
        lines.append(turn._("🎓 Finished the whole course!"))
    elif upcoming is not None:
        lines.append(turn._("Next lesson: {title}").format(title=short(upcoming.title, 40)))
    seen = villager.last_seen_at.astimezone(turn.ctx.zone).date()
    lines.append(turn._("Last active: {when}").format(when=days_ago(turn, seen)))
    if is_stalled(turn, villager):
        idle = idle_days(villager, today(turn), turn.ctx.zone)
        lines.append(
            t.ngettext(
                "⚠️ No lesson completed for {days} day: a word from you may help.",
                "⚠️ No lesson completed for {days} days: a word from you may help.",
                idle,
            ).format(days=t.number(idle))
        )
    lines += _nudge_status(turn, villager)
    skills = confirmed_skills(turn, villager)
    if skills:
        lines.append(turn._("🏅 Done for real:"))
        lines += [f"• {skill_name(turn, item.skill)}" for item in skills]
    return ["\n".join(lines)]


def _nudge_status(turn: Turn, villager: Villager) -> list[str]:
    if villager.assisted:
        return []
    if villager.reminders_off:
        return [turn._("🔕 They turned reminders off, so no nudges.")]
    days = nudged_days(turn, villager)
    if today(turn) in days:
        return [turn._("📨 Nudged today.")]
    if any(day > today(turn) for day in days):
        return [turn._("📨 A nudge goes out tomorrow at 07:00.")]
    return []


def villager_choices(turn: Turn) -> list[tuple[str, str]]:
    villager = shown_villager(turn)
    found = []
    if villager is not None:
        if nudge_plan(turn, villager).skip is None:
            found.append(("nudge", turn._("📨 Nudge to learn")))
        found.append(("skills", turn._("🏅 Confirm a real-world skill")))
    return found + [("roster_back", turn._("◀ Back to the list")), ("menu", turn._("Menu"))]


# -- real-world skills ---------------------------------------------------------------------------


def skills_texts(turn: Turn, full: bool) -> list[str]:
    villager = shown_villager(turn)
    if villager is None:
        return [gone_text(turn)]
    name = villager_label(turn, villager)
    if not full:
        return [turn._("Which real-world skill did {name} do?").format(name=name)]
    return [
        turn._(
            "🏅 Real-world skills of {name}\n"
            "Confirm only what you saw them do themselves, on their own phone. Each one is "
            "saved as confirmed by you, with the date, counted apart from quizzes, and they "
            "see it in /tiendo."
        ).format(name=name)
    ]


def skills_choices(turn: Turn) -> list[tuple[str, str]]:
    villager = shown_villager(turn)
    if villager is None:
        return [("roster_back", turn._("◀ Back to the list")), ("menu", turn._("Menu"))]
    done = {item.skill for item in confirmed_skills(turn, villager)}
    found = [
        (f"skill.{skill}", ("✅ " if skill in done else "▫️ ") + skill_name(turn, skill))
        for skill in SKILLS
    ]
    return found + [("villager", turn._("◀ Back"))]


def confirm_texts(turn: Turn, full: bool) -> list[str]:
    villager, skill = shown_villager(turn), turn.state.villager_skill
    if villager is None or skill not in SKILLS:
        return [gone_text(turn)]
    return [
        turn._("Did you see {name} do this themselves: “{skill}”?").format(
            name=villager_label(turn, villager), skill=skill_name(turn, skill)
        )
    ]


def confirm_choices(turn: Turn) -> list[tuple[str, str]]:
    if shown_villager(turn) is None:
        return [("roster_back", turn._("◀ Back to the list")), ("menu", turn._("Menu"))]
    return [("skill_yes", turn._("✅ Yes, I saw it")), ("skill_no", turn._("No, go back"))]


def roster_mode_texts(turn: Turn, full: bool) -> list[str]:
    """The text of whichever roster screen is on."""
    mode = turn.state.mode
    if mode is Mode.VILLAGER:
        return villager_texts(turn, full)
    if mode is Mode.VILLAGER_SKILLS:
        return skills_texts(turn, full)
    if mode is Mode.SKILL_CONFIRM:
        return confirm_texts(turn, full)
    return roster_texts(turn, full)


def roster_mode_choices(turn: Turn) -> list[tuple[str, str]]:
    """The buttons of whichever roster screen is on."""
    mode = turn.state.mode
    if mode is Mode.VILLAGER:
        return villager_choices(turn)
    if mode is Mode.VILLAGER_SKILLS:
        return skills_choices(turn)
    if mode is Mode.SKILL_CONFIRM:
        return confirm_choices(turn)
    return roster_choices(turn)


__all__ = [
    "PAGE_SIZE",
    "ROSTER_MODES",
    "confirmed_skills",
    "days_ago",
    "nudge_plan",
    "page_of",
    "pages",
    "roster_mode_choices",
    "roster_mode_texts",
    "shown_villager",
    "stalled_villagers",
    "villager_label",
]
