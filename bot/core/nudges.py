"""An ambassador's nudge to a villager: whether one may go, when, and what it says.

The reminder rules apply: nothing is sent in quiet hours (a nudge asked for then waits in the
outbox until 07:00, `not_before`, and is skipped if still unsent when quiet hours come back),
at most one nudge per villager and local day (the day it goes out; storage's unique
`scheduled_fire` row holds it even against a race), none to a villager who turned reminders
off, none to one who already did a step today, and none to a villager without an app of their
own. Channel windows and limits (Zalo OA's 7 days, a blocked bot, rate limits) are the outbox
drain's usual checks when it sends.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.catalog import Catalog
from bot.core.events import NudgeQueued
from bot.core.place_names import place_name
from bot.core.quiet_hours import next_allowed, quiet_from
from bot.core.resume import resume_point
from bot.core.villagers import Villager, finished
from bot.i18n import translator
from bot.places.index import Places

# Choice ids of a message the bot sends first ("r:" works from any screen): the same buttons
# as a reminder's.
LEARN_NOW = "r:next_lesson"
CHANGE_TIME = "r:reminders"


class NudgeSkip(StrEnum):
    """Why a villager gets no nudge."""

    NO_PHONE = "no_phone"  # learns on the ambassador's phone ("học cùng")
    UNREACHABLE = "unreachable"  # no app the bot may write to (blocked, or the app is gone)
    OFF = "off"  # turned reminders off
    ALREADY = "already"  # nudged for that day already
    DONE_TODAY = "done_today"  # did a step today
    FINISHED = "finished"  # passed the whole course


@dataclass(frozen=True)
class NudgePlan:
    """A nudge that may go (`skip` None): on local `day`, not before `not_before` (UTC);
    `held` when quiet hours hold it till the morning."""

    skip: NudgeSkip | None
    day: date | None = None
    not_before: datetime | None = None
    held: bool = False


def plan_nudge(
    villager: Villager,
    *,
    now: datetime,
    zone: ZoneInfo,
    lessons: Collection[str],
    nudged: Collection[date],
) -> NudgePlan:
    """Whether (and when) villager may be nudged at `now`; `nudged`: the days already taken."""
    if villager.assisted:
        return NudgePlan(NudgeSkip.NO_PHONE)
    if finished(villager, lessons):
        return NudgePlan(NudgeSkip.FINISHED)
    if villager.reminders_off:
        return NudgePlan(NudgeSkip.OFF)
    if villager.reach is None:
        return NudgePlan(NudgeSkip.UNREACHABLE)
    local = now.astimezone(zone)
    send_at = next_allowed(now, zone)
    day = send_at.date()
    if day in nudged:
        return NudgePlan(NudgeSkip.ALREADY, day)
    if day == local.date() and villager.last_step_on is not None and villager.last_step_on >= day:
        return NudgePlan(NudgeSkip.DONE_TODAY, day)
    return NudgePlan(None, day, send_at.astimezone(UTC), held=send_at > local)


def nudge_event(
    villager: Villager,
    plan: NudgePlan,
    *,
    catalog: Catalog,
    places: Places,
    commune: str,
    zone: ZoneInfo,
    default_locale: str,
) -> NudgeQueued:
    """The nudge for a villager whose `plan` lets it go: the next lesson by name, in the
    villager's language, from the ambassador of `commune`, with a reminder's two buttons."""
    assert plan.day is not None and plan.not_before is not None
    t = translator(villager.locale, default_locale)
    point = resume_point(villager.state, catalog)
    lesson = point.lesson.title if point is not None else ""
    place = place_name(places, commune)
    if place:
        text = t.gettext(
            "👋 The digital ambassador of {place} is thinking of you: your next lesson is "
            "“{lesson}”. Shall we learn for a few minutes today?"
        ).format(place=place, lesson=lesson)
    else:
        text = t.gettext(
            "👋 Your digital ambassador is thinking of you: your next lesson is “{lesson}”. "
            "Shall we learn for a few minutes today?"
        ).format(lesson=lesson)
    return NudgeQueued(
        learner_id=villager.learner_id,
        day=plan.day,
        not_before=plan.not_before,
        expires_at=quiet_from(plan.day, zone).astimezone(UTC),
        text=text,
        choices=(
            (LEARN_NOW, t.gettext("Learn now")),
            (CHANGE_TIME, t.gettext("Change reminder time")),
        ),
    )


__all__ = ["CHANGE_TIME", "LEARN_NOW", "NudgePlan", "NudgeSkip", "nudge_event", "plan_nudge"]
