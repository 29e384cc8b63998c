"""When a learner gets a reminder: pure rules on local times and dates, no I/O.

slot        the learner's preferred time: morning 08:00, noon 12:00, evening 19:00 (also
            when not chosen yet), or off (never). Local time (settings.zone).
window      a reminder is due from its slot time until quiet hours begin; never in quiet
            hours (21:00-07:00). A job that was down at the slot time catches up later the
            same day, before 21:00.
done today  a learner with a completed step today (`last_step_on` == today) gets none.
back-off    days = today - the later of the last completed step and the last message
            (local dates). Reminded on days 1, 2, 4 and 7, then never again until the
            learner writes (writing makes days 0 and the count starts over).
day 0       the learner wrote today but completed nothing: one reminder still, since the
            day's step is not done, but only once they have been quiet for an hour, so it
            never lands in the middle of a conversation.
once a day  at most one reminder per learner and local day: the job records each fire in
            a unique row (`storage.reminders`), which this module does not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.core.quiet_hours import QUIET_FROM, QUIET_UNTIL, in_quiet_hours
from bot.core.state import ReminderSlot

SLOT_TIMES = {
    ReminderSlot.MORNING: time(8, 0),
    ReminderSlot.NOON: time(12, 0),
    ReminderSlot.EVENING: time(19, 0),
}
DEFAULT_SLOT = ReminderSlot.EVENING  # a learner who has not chosen yet
REMIND_ON_DAYS = frozenset({0, 1, 2, 4, 7})  # days since the last step or message
QUIET_AFTER_MESSAGE = timedelta(hours=1)  # no reminder within an hour of the last message


class Skip(StrEnum):
    """Why no reminder is due."""

    OFF = "off"
    QUIET_HOURS = "quiet_hours"
    BEFORE_SLOT = "before_slot"
    DONE_TODAY = "done_today"
    BACKED_OFF = "backed_off"
    JUST_WROTE = "just_wrote"


@dataclass(frozen=True)
class Decision:
    """A reminder is due (`skip` is None) or why not; `days` since the last activity."""

    skip: Skip | None
    days: int

    @property
    def due(self) -> bool:
        """Whether to send a reminder now."""
        return self.skip is None


def slot_of(value: str | None) -> ReminderSlot:
    """The learner's slot from its stored value: NULL (not chosen) is the default, an unknown
    value counts as off (never remind on a guess)."""
    if value is None:
        return DEFAULT_SLOT
    try:
        return ReminderSlot(value)
    except ValueError:
        return ReminderSlot.OFF


def due_slots(moment: time) -> frozenset[ReminderSlot]:
    """The slots whose reminders may go out at this local time (none in quiet hours)."""
    if in_quiet_hours(moment):
        return frozenset()
    return frozenset(slot for slot, start in SLOT_TIMES.items() if moment >= start)


def days_since(today: date, last_step_on: date | None, last_seen_on: date) -> int:
    """Whole local days since the later of the last completed step and the last message
    (0 for activity today or, after a clock difference, in the future)."""
    latest = max(last_seen_on, last_step_on) if last_step_on else last_seen_on
    return max(0, (today - latest).days)


def decide(
    slot: ReminderSlot, last_step_on: date | None, last_seen: datetime, now: datetime
) -> Decision:
    """Whether a reminder is due now. `last_seen` and `now` are local (aware) times, in the
    same zone; `last_step_on` a local date."""
    today = now.date()
    days = days_since(today, last_step_on, last_seen.date())
    if slot is ReminderSlot.OFF:
        return Decision(Skip.OFF, days)
    if in_quiet_hours(now.time()):
        return Decision(Skip.QUIET_HOURS, days)
    if now.time() < SLOT_TIMES[slot]:
        return Decision(Skip.BEFORE_SLOT, days)
    if last_step_on is not None and last_step_on >= today:
        return Decision(Skip.DONE_TODAY, days)
    if days not in REMIND_ON_DAYS:
        return Decision(Skip.BACKED_OFF, days)
    if now - last_seen < QUIET_AFTER_MESSAGE:
        return Decision(Skip.JUST_WROTE, days)
    return Decision(None, days)


def remind_dates(today: date) -> tuple[date, ...]:
    """The local dates of last activity that make a reminder due today (for the database's
    coarse filter; `decide` has the last word)."""
    return tuple(today - timedelta(days=days) for days in sorted(REMIND_ON_DAYS))


__all__ = [
    "DEFAULT_SLOT",
    "QUIET_AFTER_MESSAGE",
    "QUIET_FROM",
    "QUIET_UNTIL",
    "REMIND_ON_DAYS",
    "SLOT_TIMES",
    "Decision",
    "Skip",
    "days_since",
    "decide",
    "due_slots",
    "in_quiet_hours",
    "remind_dates",
    "slot_of",
]
