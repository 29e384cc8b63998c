"""An ambassador's villagers as the roster shows them, and who counts as stalled.

The service loads the roster from storage before the core runs (`Context.roster`) whenever
the input concerns it (`bot/core/needs.py`), so the core renders and pages it, nudges and
confirms skills without a database. Villagers carry no name: a villager who joined through an
invite is "Người học <number>" (the order they joined this ambassador in), a villager the
ambassador learns with on their own phone ("học cùng") is shown by the alias the ambassador
chose. An ambassador sees only the villagers they enrolled.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.skills import ConfirmedSkill
from bot.core.state import LearnerState

# No completed step for this many local days: the villager needs a hand.
STALLED_DAYS = 3
ASSISTED = "assisted"


@dataclass(frozen=True)
class Villager:
    """One villager of an ambassador's roster.

    Attributes:
        learner_id: the villager's learner id (never shown).
        number: 1-based, in the order they joined this ambassador.
        joined_at: when they enrolled (or the ambassador first learned with them), UTC.
        via: "link", "code" or "assisted".
        channel: the app they joined on (None for an assisted villager).
        alias: the ambassador's name for an assisted villager, else None.
        last_seen_at: their last message (UTC).
        last_step_on: the last local day with a completed step (None: none yet).
        passed: the lessons they passed.
        lesson_id: the lesson they opened last (the next one follows it), if any.
        locale: their interface language (a nudge is written in it).
        reminders_off: they turned reminders off (`/nhacnho`): no nudges either.
        reach: the app a message to them would go to now (None: none can be written to).
        skills: the real-world skills confirmed for them.
        nudged_on: the local days (today or later) a nudge to them is queued or sent for.
        state: their conversation state, for where "continue" leads them (`bot.core.resume`):
            the lesson a nudge names is the one its "Learn now" button opens.
    """

    learner_id: int
    number: int
    joined_at: datetime
    via: str
    channel: str | None
    alias: str | None
    last_seen_at: datetime
    last_step_on: date | None
    passed: frozenset[str]
    lesson_id: str | None = None
    locale: str | None = None
    reminders_off: bool = False
    reach: str | None = None
    skills: tuple[ConfirmedSkill, ...] = ()
    nudged_on: frozenset[date] = frozenset()
    state: LearnerState = field(default_factory=LearnerState)

    @property
    def assisted(self) -> bool:
        """Learns on the ambassador's phone: no app of their own."""
        return self.via == ASSISTED or self.alias is not None


@dataclass(frozen=True)
class Roster:
    """The villagers of one ambassador (`ambassador_id`: the `ambassador` row), by number."""

    ambassador_id: int
    villagers: tuple[Villager, ...] = ()

    def villager(self, learner_id: int | None) -> Villager | None:
        """The villager with this learner id, if they are on this roster."""
        return next((v for v in self.villagers if v.learner_id == learner_id), None)


def finished(villager: Villager, lessons: Collection[str]) -> bool:
    """Every lesson of the course passed (`lessons`: the required ones)."""
    return bool(lessons) and all(lesson in villager.passed for lesson in lessons)


def last_progress_day(villager: Villager, zone: ZoneInfo) -> date:
    """The local day of their last completed step, or of joining when they have none since."""
    joined = villager.joined_at.astimezone(zone).date()
    step = villager.last_step_on
    return max(step, joined) if step is not None else joined


def idle_days(villager: Villager, today: date, zone: ZoneInfo) -> int:
    """Whole local days without a completed step (since joining, for a newcomer)."""
    return max(0, (today - last_progress_day(villager, zone)).days)


def stalled(villager: Villager, lessons: Collection[str], today: date, zone: ZoneInfo) -> bool:
    """Enrolled, not finished the course, and no completed step for `STALLED_DAYS` local days."""
    return not finished(villager, lessons) and idle_days(villager, today, zone) >= STALLED_DAYS


__all__ = [
    "ASSISTED",
    "STALLED_DAYS",
    "Roster",
    "Villager",
    "finished",
    "idle_days",
    "last_progress_day",
    "stalled",
]
