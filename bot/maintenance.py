"""The nightly prune, scheduled by `bot/scheduler.py` and run once by `hocvuso db prune`.

Every night at 03:30 in HOCVUSO_TIMEZONE, delete what the bot no longer needs
(`Storage.retention.prune`: processed inbox rows and processed-message keys older than
HOCVUSO_RETENTION_DAYS, sent outbox rows older than HOCVUSO_OUTBOX_RETENTION_DAYS). With
several processes on PostgreSQL each schedules it; the first takes a lock and the others skip
that night's run.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

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
    return await _prune(storage, retention(settings), now or datetime.now(UTC))


async def _prune(storage: Storage, kept: Retention, now: datetime) -> Pruned | None:
    pruned = await storage.retention.prune(now, kept)
    if pruned is None:
        log.info("maintenance: another process is pruning; skipped")
    else:
        log.info(
            "maintenance: deleted %d processed inbox events, %d processed-message keys "
            "(older than %d days), %d sent outbox messages and %d reminder records (older "
            "than %d days) and %d used or expired link codes",
            pruned.inbox_events,
            pruned.processed_messages,
            kept.keys.days,
            pruned.outbox_messages,
            pruned.reminder_fires,
            kept.sent.days,
            pruned.link_codes,
        )
    return pruned


async def prune_logged(storage: Storage, kept: Retention) -> None:
    """The scheduled job: prune, and log (never raise) a database failure."""
    try:
        await _prune(storage, kept, datetime.now(UTC))
    except StorageError as exc:
        log.error("maintenance: pruning failed (%s); trying again next night", exc)


__all__ = ["PRUNE_HOUR", "PRUNE_JOB", "PRUNE_MINUTE", "prune_logged", "prune_once", "retention"]
