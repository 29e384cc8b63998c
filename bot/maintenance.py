"""Periodic maintenance inside `hocvuso run`, on APScheduler 3 (the project's scheduler).

One job for now: every night at 03:30 in HOCVUSO_TIMEZONE, delete what the bot no longer needs
(`Storage.retention.prune`: processed inbox rows and processed-message keys older than
HOCVUSO_RETENTION_DAYS, sent outbox rows older than HOCVUSO_OUTBOX_RETENTION_DAYS).
`hocvuso db prune` runs the same once. With several processes on PostgreSQL each schedules it;
the first to start takes a lock and the others skip that night's run.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.errors import StorageError
from bot.settings import Settings
from storage import Pruned, Retention, Storage

log = logging.getLogger(__name__)

PRUNE_JOB = "prune"
PRUNE_HOUR, PRUNE_MINUTE = 3, 30  # a quiet hour for learners


def retention(settings: Settings) -> Retention:
    """The retention periods the settings ask for."""
    return Retention(
        keys=timedelta(days=settings.retention_days),
        sent=timedelta(days=settings.outbox_retention_days),
    )


async def prune_once(
    storage: Storage, settings: Settings, now: datetime | None = None
) -> Pruned | None:
    """One pruning run, logged. None when another process is pruning.

    Raises:
        StorageError: the database failed (the scheduled job logs it and tries next night).
    """
    pruned = await storage.retention.prune(now or datetime.now(UTC), retention(settings))
    if pruned is None:
        log.info("maintenance: another process is pruning; skipped")
    else:
        log.info(
            "maintenance: deleted %d processed inbox events, %d processed-message keys "
            "(older than %d days) and %d sent outbox messages (older than %d days)",
            pruned.inbox_events,
            pruned.processed_messages,
            settings.retention_days,
            pruned.outbox_messages,
            settings.outbox_retention_days,
        )
    return pruned


async def _scheduled_prune(storage: Storage, settings: Settings) -> None:
    try:
        await prune_once(storage, settings)
    except StorageError as exc:
        log.error("maintenance: pruning failed (%s); trying again next night", exc)


def start_maintenance(settings: Settings, storage: Storage) -> AsyncIOScheduler:
    """Start the scheduler with the maintenance jobs (call inside the running event loop);
    `shutdown(wait=False)` it before closing the storage."""
    scheduler = AsyncIOScheduler(timezone=settings.zone)
    scheduler.add_job(
        _scheduled_prune,
        CronTrigger(hour=PRUNE_HOUR, minute=PRUNE_MINUTE, timezone=settings.zone),
        args=(storage, settings),
        id=PRUNE_JOB,
        name="delete expired inbox, de-duplication and outbox rows",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
    )
    scheduler.start()
    log.info(
        "maintenance: expired rows are deleted every night at %02d:%02d (%s); next run %s",
        PRUNE_HOUR,
        PRUNE_MINUTE,
        settings.timezone,
        scheduler.get_job(PRUNE_JOB).next_run_time,
    )
    return scheduler


__all__ = ["PRUNE_JOB", "prune_once", "retention", "start_maintenance"]
