"""The reminder job: every minute, queue the reminders that are due, straight from the database.

One periodic job for every learner (no job per learner): it asks `storage.reminders` for
learners who may be due, page by page, lets the pure policy (`bot/reminders/policy.py`) decide,
and records each fire with its outbox message in one transaction per page. The scheduler runs
it in the one process leading `job:reminders`; even two workers racing, a re-run or a restart
send nobody a second reminder the same day (the fire row is unique per learner and local day).

Channels' windows and limits are the drain's business (`bot/outbox/drainer.py`): it asks the
channel's `proactive_block` before sending (Zalo OA's 7-day window, blocked learners), paces
sends with the channel's limiter, and skips a reminder still queued when quiet hours begin
(its payload expires at 21:00 local time).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.address_form import AddressForm
from bot.channels.base import PeriodicJob
from bot.core import Catalog
from bot.i18n import translator
from bot.outbox import payload_of
from bot.reminders.messages import reminder_reply
from bot.reminders.policy import (
    DEFAULT_SLOT,
    QUIET_AFTER_MESSAGE,
    QUIET_FROM,
    decide,
    due_slots,
    remind_dates,
    slot_of,
)
from storage import ReminderCandidate, ReminderFilter, ReminderFire, Storage

log = logging.getLogger(__name__)

JOB = "reminders"  # the scheduler's job id; its lock is "job:reminders"
INTERVAL = 60.0  # seconds: a reminder goes out within a minute of its slot time
PAGE = 500  # learners read and recorded per transaction


@dataclass
class ReminderRun:
    """What one run did: reminders queued, and learners passed over by reason."""

    queued: int = 0
    passed_over: Counter[str] = field(default_factory=Counter)


def _local_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


class ReminderJob:
    """Queues the day's due reminders.

    Args:
        storage: the database.
        catalog: the content (the next lesson's title).
        zone: the learners' local time zone (slots, quiet hours, days).
        clock: the current time (UTC).
        default_locale: the language of learners whose locale is unknown.
        address_form: how the learner is addressed in Vietnamese (bot.address_form).
        channels: the channels a reminder may go to (the running ones); None for any.
        page: learners per page (and per transaction).
    """

    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        *,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        default_locale: str = "vi",
        address_form: AddressForm = AddressForm.BAC,
        channels: Collection[str] | None = None,
        page: int = PAGE,
    ) -> None:
        self.storage, self.catalog, self.zone, self.clock = storage, catalog, zone, clock
        self.default_locale, self.page = default_locale, page
        self.address_form = address_form
        self.channels = None if channels is None else frozenset(channels)
        self._running = asyncio.Lock()

    def periodic(self, seconds: float = INTERVAL) -> PeriodicJob:
        """The job for `Scheduler.add_jobs`, run every `seconds`."""
        return PeriodicJob(JOB, seconds, self.run)

    def due_filter(self, now: datetime) -> ReminderFilter | None:
        """What the database keeps at `now` (UTC), or None when no slot is due (before the
        first slot, or in quiet hours)."""
        local = now.astimezone(self.zone)
        slots = due_slots(local.time())
        if not slots:
            return None
        days = remind_dates(local.date())
        return ReminderFilter(
            day=local.date(),
            slots=frozenset(slot.value for slot in slots),
            unset_due=DEFAULT_SLOT in slots,
            seen_ranges=tuple(
                (_local_start(day, self.zone), _local_start(day + timedelta(days=1), self.zone))
                for day in days
            ),
            step_days=days,
            seen_before=now - QUIET_AFTER_MESSAGE,
            channels=self.channels,
        )

    async def run(self) -> ReminderRun:
        """Queue every reminder due now. A run already going in this process makes this one
        return at once.

        Raises:
            StorageError: the database failed (the next run tries again; nothing is lost or
                sent twice).
        """
        report = ReminderRun()
        if self._running.locked():
            return report
        async with self._running:
            now = self.clock()
            due = self.due_filter(now)
            if due is None:
                return report
            after = 0
            while True:
                page = await self.storage.reminders.candidates(due, after=after, limit=self.page)
                fires = [fire for c in page if (fire := self._fire(c, now, report)) is not None]
                if fires:
                    async with self.storage.unit_of_work(now) as uow:
                        queued = await self.storage.reminders.fire(uow, fires)
                    report.queued += len(queued)
                    if len(queued) < len(fires):  # another worker got there first
                        report.passed_over["fired_elsewhere"] += len(fires) - len(queued)
                if len(page) < self.page:
                    break
                after = page[-1].learner_id
        if report.queued:
            log.info("reminders: %d queued for %s", report.queued, due.day.isoformat())
        return report

    def _fire(
        self, candidate: ReminderCandidate, now: datetime, report: ReminderRun
    ) -> ReminderFire | None:
        local = now.astimezone(self.zone)
        decision = decide(
            slot_of(candidate.reminder_slot),
            candidate.last_step_on,
            candidate.last_seen_at.astimezone(self.zone),
            local,
        )
        if decision.skip is not None:
            report.passed_over[decision.skip.value] += 1
            return None
        if candidate.channel is None or candidate.recipient is None:
            report.passed_over["unreachable"] += 1
            return None
        t = translator(candidate.locale, self.default_locale, self.address_form)
        reply = reminder_reply(candidate.state, self.catalog, t, candidate.fired_before)
        expires = datetime.combine(local.date(), QUIET_FROM, tzinfo=self.zone).astimezone(UTC)
        return ReminderFire(
            learner_id=candidate.learner_id,
            day=local.date(),
            channel=candidate.channel,
            recipient=candidate.recipient,
            payload=payload_of([reply], expires_at=expires),
        )


__all__ = ["INTERVAL", "JOB", "PAGE", "ReminderJob", "ReminderRun"]
