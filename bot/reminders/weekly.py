"""The weekly summary: every Monday from 08:00 local time, one message to each ambassador about
their villagers' week, through the outbox.

One periodic job for every ambassador (the scheduler runs it in the one process leading
`job:weekly_summary`): each run asks `storage.roster` for ambassadors who have not had this
week's summary, builds it from their roster (`bot.core.villagers`: who is stalled) and last
week's activity, and records each with its outbox message in one transaction per page. The
`scheduled_fire` row (kind "weekly", day = the week's Monday, unique per ambassador) makes it
exactly once per ISO week, even with two workers racing, a re-run or a restart. A job that was
down on Monday morning catches up later that week, never in quiet hours. An ambassador with no
villagers yet gets no message (their week is recorded as done); one who cannot be reached now
is tried again on the next run.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.channels.base import PeriodicJob
from bot.core import Catalog
from bot.core.quiet_hours import in_quiet_hours
from bot.core.villagers import stalled
from bot.i18n import translator
from bot.outbox import payload_of
from bot.reminders.summary import WeekNumbers, summary_reply
from storage import Storage, WeeklyCandidate, WeeklyFire

log = logging.getLogger(__name__)

JOB = "weekly_summary"  # the scheduler's job id; its lock is "job:weekly_summary"
INTERVAL = 300.0  # seconds: the summary goes out within five minutes of Monday 08:00
SEND_FROM = time(8, 0)  # on the week's Monday, local time
PAGE = 200  # ambassadors read and recorded per transaction


def monday_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


@dataclass
class WeeklyRun:
    """What one run did: summaries queued, and ambassadors passed over by reason."""

    queued: int = 0
    passed_over: Counter[str] = field(default_factory=Counter)


class WeeklySummaryJob:
    """Queues this week's summaries.

    Args:
        storage: the database.
        catalog: the content (a villager who passed every required lesson is not stalled).
        zone: local time zone (Monday 08:00, quiet hours, the days of the week).
        clock: the current time (UTC).
        default_locale: the language of ambassadors whose locale is unknown.
        channels: the channels a summary may go to (the running ones); None for any.
        page: ambassadors per page (and per transaction).
    """

    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        *,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        default_locale: str = "vi",
        channels: Collection[str] | None = None,
        page: int = PAGE,
    ) -> None:
        self.storage, self.catalog, self.zone, self.clock = storage, catalog, zone, clock
        self.default_locale, self.page = default_locale, page
        self.channels = None if channels is None else frozenset(channels)
        self._lessons = [lesson.id for lesson in catalog.required_lessons]
        self._running = asyncio.Lock()

    def periodic(self, seconds: float = INTERVAL) -> PeriodicJob:
        """The job for `Scheduler.add_jobs`, run every `seconds`."""
        return PeriodicJob(JOB, seconds, self.run)

    def due_week(self, now: datetime) -> date | None:
        """The Monday of the week whose summary is due at `now` (UTC), or None: before
        Monday 08:00 local, or in quiet hours."""
        local = now.astimezone(self.zone)
        monday = monday_of(local.date())
        if local < datetime.combine(monday, SEND_FROM, tzinfo=self.zone):
            return None
        return None if in_quiet_hours(local.time()) else monday

    async def run(self) -> WeeklyRun:
        """Queue every summary due now. A run already going in this process makes this one
        return at once.

        Raises:
            StorageError: the database failed (the next run tries again; nothing is lost or
                sent twice).
        """
        report = WeeklyRun()
        if self._running.locked():
            return report
        async with self._running:
            now = self.clock()
            monday = self.due_week(now)
            if monday is None:
                return report
            after = 0
            while True:
                page = await self.storage.roster.weekly_due(
                    monday, after=after, limit=self.page, channels=self.channels
                )
                fires = [f for c in page if (f := await self._fire(c, monday, now, report))]
                if fires:
                    async with self.storage.unit_of_work(now) as uow:
                        queued = await self.storage.roster.fire_weekly(uow, fires)
                    report.queued += len(queued)
                    sent = sum(1 for fire in fires if fire.payload is not None)
                    if len(queued) < sent:  # another worker got there first
                        report.passed_over["fired_elsewhere"] += sent - len(queued)
                if len(page) < self.page:
                    break
                after = page[-1].learner_id
        if report.queued:
            log.info("weekly summary: %d queued for the week of %s", report.queued, monday)
        return report

    async def _fire(
        self, candidate: WeeklyCandidate, monday: date, now: datetime, report: WeeklyRun
    ) -> WeeklyFire | None:
        if candidate.channel is None or candidate.recipient is None:
            report.passed_over["unreachable"] += 1
            return None
        today = now.astimezone(self.zone).date()
        roster = await self.storage.roster.load(candidate.learner_id, today=today)
        if roster is None or not roster.villagers:
            report.passed_over["no_villagers"] += 1
            return WeeklyFire(candidate.learner_id, monday)
        start = datetime.combine(monday - timedelta(days=7), time(0), tzinfo=self.zone)
        end = datetime.combine(monday, time(0), tzinfo=self.zone)
        activity = await self.storage.roster.week_activity(
            candidate.ambassador_id, start.astimezone(UTC), end.astimezone(UTC)
        )
        numbers = WeekNumbers(
            first=start.date(),
            last=(end - timedelta(days=1)).date(),
            villagers=len(roster.villagers),
            joined=sum(1 for v in roster.villagers if start <= v.joined_at < end),
            lessons_passed=activity.lessons_passed,
            courses_completed=activity.courses_completed,
            stalled=sum(
                1 for v in roster.villagers if stalled(v, self._lessons, today, self.zone)
            ),
        )
        reply = summary_reply(numbers, translator(candidate.locale, self.default_locale))
        # Worth reading until the next one is due.
        expires = datetime.combine(monday + timedelta(days=7), SEND_FROM, tzinfo=self.zone)
        return WeeklyFire(
            candidate.learner_id,
            monday,
            candidate.channel,
            candidate.recipient,
            payload_of([reply], expires_at=expires.astimezone(UTC)),
        )


__all__ = ["INTERVAL", "JOB", "SEND_FROM", "WeeklyRun", "WeeklySummaryJob", "monday_of"]
