"""Snapshots of the officials' summary for the provincial tracking system: their idempotency
key, their queueing in the outbox, the daily job that queues one, and the retry schedule.

A snapshot is the `hocvuso.summary/1` document (province-wide, small counts suppressed) with
an `idempotency_key` added. It is written to the outbox first (pseudo-channel `report`), and
`bot/reports/delivery.py` POSTs it from there, so nothing is lost while the receiver is down.
The key is computed from the document, so a retried or replayed snapshot keeps it and a
receiver that has it already answers 409 (which counts as delivered).

The seam for the summary: a `SnapshotSource`, the document for a time. `bot/reports/source.py`
gives the real one; the tests pass hand-built documents.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import HocvusoError
from storage import Storage

log = logging.getLogger(__name__)

REPORT_CHANNEL = "report"  # the outbox's pseudo-channel of snapshots
RECIPIENT = "province"  # the one receiver; its address is HOCVUSO_REPORT_URL at delivery
SNAPSHOT_KIND = "snapshot"
KEY_FIELD = "idempotency_key"
PUSH_JOB = "report_push"

# The document for a time (UTC): province-wide, small counts suppressed (viewer None).
SnapshotSource = Callable[[datetime], Awaitable[dict[str, Any]]]


class SnapshotUnavailable(HocvusoError):
    """No snapshot could be made; the message says why."""


def idempotency_key(document: dict[str, Any]) -> str:
    """`hocvuso-<generated_at as YYYYMMDDTHHMMSSZ>-<24 hex of SHA-256 of the document>`: the
    same document always gives the same key (any `idempotency_key` in it is ignored)."""
    content = {name: value for name, value in document.items() if name != KEY_FIELD}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]
    return f"hocvuso-{_stamp(document.get('generated_at'))}-{digest}"


def _stamp(generated_at: object) -> str:
    try:
        when = datetime.fromisoformat(str(generated_at).replace("Z", "+00:00"))
    except ValueError:
        return "undated"
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class QueuedSnapshot:
    """A snapshot put in the outbox: its row (None: queued before under the same dedupe key)
    and its idempotency key."""

    id: int | None
    key: str


async def queue_snapshot(
    storage: Storage,
    snapshot_document: dict[str, Any],
    now: datetime,
    *,
    dedupe_key: str | None = None,
) -> QueuedSnapshot:
    """Write a snapshot to the outbox for the running bot to deliver.

    Args:
        storage: the database.
        snapshot_document: the `hocvuso.summary/1` document.
        now: the time (UTC).
        dedupe_key: the outbox's de-duplication key (default: from the idempotency key, so the
            same document is queued once); the daily job passes the day's.

    Raises:
        StorageError: nothing was queued.
    """
    key = idempotency_key(snapshot_document)
    body = {**snapshot_document, KEY_FIELD: key}
    row = await storage.outbox.add(
        now,
        channel=REPORT_CHANNEL,
        recipient=RECIPIENT,
        payload={"key": key, "body": body},
        kind=SNAPSHOT_KIND,
        dedupe_key=dedupe_key or f"report:{key}",
    )
    return QueuedSnapshot(row, key)


@dataclass(frozen=True)
class RetrySchedule:
    """The issue's schedule, not `bot.retry.Backoff`'s doubling: the first retries `steps`
    apart, then every `every` seconds; a try that fails `give_up_after` or more after the
    first (by the plan, whatever the clock did meanwhile) is the last."""

    steps: tuple[float, ...] = (10.0, 30.0, 60.0, 300.0)
    every: float = 3600.0
    give_up_after: timedelta = timedelta(days=1)

    def planned(self, tries: int) -> float:
        """Seconds from the first try to try number `tries + 1` by the plan."""
        early = self.steps[:tries]
        return sum(early) + max(0, tries - len(self.steps)) * self.every

    def delay(self, tries: int) -> float | None:
        """The wait after `tries` failed tries (1 = the first), or None: dead-letter it."""
        if self.planned(tries - 1) >= self.give_up_after.total_seconds():
            return None
        return self.steps[tries - 1] if tries <= len(self.steps) else self.every


RETRY_SCHEDULE = RetrySchedule()


class DailySnapshot:
    """Queues one snapshot a day at `at` local time (the scheduler runs it then, and once at
    start-up to catch a day whose time passed while no process ran). The day's outbox key
    makes it once per day however often it runs, in however many processes.

    Args:
        storage: the database.
        source: the document for a time.
        at: the local time of day.
        zone: the local time zone.
        clock: the current time (UTC).
    """

    def __init__(
        self,
        storage: Storage,
        source: SnapshotSource,
        *,
        at: time,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.storage, self.source, self.clock = storage, source, clock
        self.at, self.zone = at, zone

    @staticmethod
    def day_key(day: str) -> str:
        """The outbox de-duplication key of one local day's scheduled snapshot."""
        return f"report:daily:{day}"

    async def run(self) -> QueuedSnapshot | None:
        """Queue today's snapshot if its time has come and it is not queued yet."""
        now = self.clock()
        local = now.astimezone(self.zone)
        if local.time() < self.at:
            return None
        key = self.day_key(local.date().isoformat())
        if await self.storage.outbox.has_key(key):
            return None
        try:
            document = await self.source(now)
        except SnapshotUnavailable as exc:
            log.error("report push: no snapshot today: %s", exc)
            return None
        queued = await queue_snapshot(self.storage, document, now, dedupe_key=key)
        if queued.id is not None:
            log.info("report push: snapshot %d queued (key %s)", queued.id, queued.key)
        return queued


__all__ = [
    "KEY_FIELD",
    "PUSH_JOB",
    "RECIPIENT",
    "REPORT_CHANNEL",
    "RETRY_SCHEDULE",
    "SNAPSHOT_KIND",
    "DailySnapshot",
    "QueuedSnapshot",
    "RetrySchedule",
    "SnapshotSource",
    "SnapshotUnavailable",
    "idempotency_key",
    "queue_snapshot",
]
