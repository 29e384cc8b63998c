"""The learning streak: days in a row with at least one completed step, in local days.

Only ever counted up or started afresh; nothing here tells a learner what they "lost".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.state import Streak


class StreakNews(StrEnum):
    """What a completed step did to the streak."""

    SAME_DAY = "same_day"  # today already counted
    FIRST = "first"  # the learner's first day ever
    CONTINUED = "continued"  # the day after the last one: one more day in a row
    FRESH_START = "fresh_start"  # back after a break: a new run starts at one


def local_day(now: datetime, zone: ZoneInfo) -> date:
    """The learner's calendar day at `now` (a naive time is taken as UTC)."""
    return (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(zone).date()


def count_step(streak: Streak, day: date) -> StreakNews:
    """Count a completed step on `day` (changes `streak` in place)."""
    last = streak.last_day
    if last is not None and day <= last:
        # Today is counted already (or the clock went back): the run stays as it is.
        return StreakNews.SAME_DAY
    if last is not None and day == last + timedelta(days=1):
        streak.current += 1
        news = StreakNews.CONTINUED
    else:
        streak.current = 1
        news = StreakNews.FIRST if last is None else StreakNews.FRESH_START
    streak.best = max(streak.best, streak.current)
    streak.last_day = day
    return news


def running(streak: Streak, today: date) -> int:
    """The days in a row that still count today: today's or yesterday's run, else 0."""
    if streak.last_day is None or today - streak.last_day > timedelta(days=1):
        return 0
    return streak.current
