"""Quiet hours: the bot never writes first between 21:00 and 07:00 local time.

One definition for everything the bot sends first: reminders (`bot/reminders/policy.py`), an
ambassador's nudges (`bot/core/nudges.py`) and the weekly summary.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)


def in_quiet_hours(moment: time) -> bool:
    """Whether a local time is in the quiet hours (21:00 to 07:00)."""
    return moment >= QUIET_FROM or moment < QUIET_UNTIL


def next_allowed(now: datetime, zone: ZoneInfo) -> datetime:
    """`now` outside quiet hours; else the end of them (07:00 local, today or tomorrow), as an
    aware time in `zone`."""
    local = now.astimezone(zone)
    if not in_quiet_hours(local.time()):
        return local
    day: date = local.date()
    if local.time() >= QUIET_FROM:
        day += timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone)


def quiet_from(day: date, zone: ZoneInfo) -> datetime:
    """When quiet hours begin on a local day (a message queued that day expires then)."""
    return datetime.combine(day, QUIET_FROM, tzinfo=zone)


__all__ = ["QUIET_FROM", "QUIET_UNTIL", "in_quiet_hours", "next_allowed", "quiet_from"]
