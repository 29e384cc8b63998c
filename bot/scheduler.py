"""Every periodic job of `hocvuso run`, on one APScheduler 3 `AsyncIOScheduler`.

    outbox:<channel>   every `outbox_interval` s: send the channel's due outbox rows
                       (announcements, reminders, nudges, summaries), `bot/outbox/drainer.py`
    reminders          every minute: queue the reminders due now (`bot/reminders/job.py`)
    weekly_summary     every 5 minutes: from Monday 08:00 local, each ambassador's summary of
                       their villagers' week, once per ISO week (`bot/reminders/weekly.py`)
    <channel>:<job>    what a channel asks for (Zalo OA: refresh its access token)
    outbox:report      every `REPORT_INTERVAL` s: POST the due snapshots of the officials'
                       summary to HOCVUSO_REPORT_URL (`bot/reports/delivery.py`)
    report_push        daily at HOCVUSO_REPORT_SCHEDULE local, and once at start-up: queue
                       the day's snapshot (`bot/reports/push.py`); only with the URL set
    prune              every night at 03:30 local time: delete expired rows (`bot/maintenance.py`)

A handful of periodic jobs, not one job per learner: what is due lives in the database. With
several processes on one PostgreSQL database every process schedules every job, but a job
runs only in the process holding its lock (`Storage.locks`, one per job), so each job has one
leader at a time and a new one takes over within a run when the leader stops or dies. On SQLite
(one process) the lock is always granted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.channels.base import Channel, PeriodicJob
from bot.maintenance import PRUNE_HOUR, PRUNE_JOB, PRUNE_MINUTE, prune_logged
from bot.outbox import OutboxDrainer
from bot.reports.delivery import SnapshotDelivery
from bot.reports.push import PUSH_JOB, REPORT_CHANNEL, DailySnapshot
from storage import LeaderLock, Retention, Storage, StorageError

log = logging.getLogger(__name__)

OUTBOX_INTERVAL = 2.0  # seconds between drains: an announcement starts going out within it
REPORT_INTERVAL = 5.0  # seconds between snapshot deliveries: the first retry waits 10 s


class Scheduler:
    """The process's scheduler. `start()` inside the running event loop, `shutdown()` before
    the storage closes.

    Args:
        storage: the database (the jobs' locks, the outbox).
        zone: local time zone of the nightly jobs.
        retention: what the nightly prune deletes.
        clock: the current time (UTC).
        outbox_interval: seconds between outbox drains of each channel.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        zone: ZoneInfo,
        retention: Retention | None,
        clock: Callable[[], datetime],
        outbox_interval: float = OUTBOX_INTERVAL,
    ) -> None:
        self.storage, self.zone, self.clock = storage, zone, clock
        self.retention = retention
        self.outbox_interval = outbox_interval
        self.drainers: dict[str, OutboxDrainer] = {}
        self._scheduler = AsyncIOScheduler(timezone=zone)
        self._locks: dict[str, LeaderLock] = {}
        self._running: set[asyncio.Task[object]] = set()
        self._closing = False

    def add_channels(self, channels: Iterable[Channel]) -> None:
        """Drain each push channel's outbox; run the channels' own periodic jobs."""
        for channel in channels:
            jobs: Sequence[PeriodicJob] = getattr(channel, "periodic_jobs", lambda: ())()
            for job in jobs:
                self._every(f"{channel.name}:{job.name}", job.seconds, job.run, first=False)
            if not channel.push:
                continue  # its learners see their outbox rows when they next open the page
            drainer = OutboxDrainer(self.storage, channel, clock=self.clock)
            self.drainers[channel.name] = drainer
            self._every(f"outbox:{channel.name}", self.outbox_interval, drainer.drain, first=True)

    def add_jobs(self, jobs: Iterable[PeriodicJob]) -> None:
        """Run each job every `job.seconds` (first run after one period), led by one process."""
        for job in jobs:
            self._every(job.name, job.seconds, job.run, first=False)

    def add_report_push(self, daily: DailySnapshot, delivery: SnapshotDelivery) -> None:
        """Queue a snapshot every day at `daily.at` local time (and once now, for a day whose
        time passed while no process ran); deliver the queued ones every few seconds."""
        self._every(f"outbox:{REPORT_CHANNEL}", REPORT_INTERVAL, delivery.deliver_due, first=True)
        # Both share the job's lock; an hour's grace lets a run delayed by a busy loop (or the
        # start-up run, due before `start()`) still happen.
        options = {
            "args": (PUSH_JOB, daily.run),
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": 3600,
        }
        self._scheduler.add_job(
            self._led,
            CronTrigger(hour=daily.at.hour, minute=daily.at.minute, timezone=self.zone),
            id=PUSH_JOB,
            name="queue the day's snapshot of the officials' summary",
            **options,
        )
        self._scheduler.add_job(
            self._led,
            DateTrigger(run_date=self.clock(), timezone=self.zone),
            id=f"{PUSH_JOB}:start",
            name="queue the day's snapshot if its time passed while no process ran",
            **options,
        )

    def _every(
        self, name: str, seconds: float, run: Callable[[], Awaitable[object]], *, first: bool
    ) -> None:
        self._scheduler.add_job(
            self._led,
            IntervalTrigger(seconds=seconds, timezone=self.zone),
            args=(name, run),
            id=name,
            name=name,
            coalesce=True,
            # A drain may outlast its interval: the next run then finds it busy and returns
            # at once instead of APScheduler warning that it skipped a run.
            max_instances=2,
            next_run_time=self.clock() if first else self.clock() + timedelta(seconds=seconds),
        )

    async def _led(self, name: str, run: Callable[[], Awaitable[object]]) -> None:
        if self._closing:
            # Submitted just before shutdown() but started after it: shutdown() cannot wait
            # for it, and the storage may be closed already.
            return
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = self.storage.locks.leader(f"job:{name}")
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            if await lock.hold():
                await run()
        except asyncio.CancelledError:
            # The event loop is closing under a run that outlived shutdown()'s wait: the run is
            # lost, not failed (its rows stay due). Ending quietly keeps APScheduler from
            # logging a traceback for it.
            log.info("job %s: stopped with the process", name)
        except StorageError as exc:
            log.warning("job %s: the database failed (%s); trying again next run", name, exc)
        except Exception:  # noqa: BLE001 - the job runs again next time; the scheduler goes on
            log.exception("job %s failed", name)
        finally:
            if task is not None:
                self._running.discard(task)

    def start(self) -> None:
        """Start the jobs (inside the running event loop)."""
        if self.retention is not None:
            self._scheduler.add_job(
                prune_logged,
                CronTrigger(hour=PRUNE_HOUR, minute=PRUNE_MINUTE, timezone=self.zone),
                args=(self.storage, self.retention),
                id=PRUNE_JOB,
                name="delete expired inbox, de-duplication and outbox rows",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=3600,
            )
        self._scheduler.start()
        log.info("scheduler: jobs %s", ", ".join(job.id for job in self._scheduler.get_jobs()))
        if self.retention is not None:
            log.info(
                "maintenance: expired rows are deleted every night at %02d:%02d (%s); next run %s",
                PRUNE_HOUR,
                PRUNE_MINUTE,
                self.zone.key,
                self.next_run(PRUNE_JOB),
            )

    def next_run(self, job: str) -> datetime | None:
        """When `job` runs next (None when it is not scheduled)."""
        scheduled = self._scheduler.get_job(job)
        return None if scheduled is None else scheduled.next_run_time

    async def shutdown(self) -> None:
        """Stop the jobs, let running ones end, and give up the jobs' locks."""
        self._closing = True
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if self._running:
            await asyncio.wait(list(self._running), timeout=10)
        for lock in self._locks.values():
            await lock.release()
        self._locks.clear()


__all__ = ["OUTBOX_INTERVAL", "Scheduler"]
