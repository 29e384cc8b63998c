"""One channel's outbox drain: claim due rows, check, render, send, mark.

Run by the scheduler's drain job for the channel (`bot/scheduler.py`), in the one process that
leads that job. Rows are claimed in chunks (the claim is committed before anything is sent, so
no other drainer sends them); different recipients are sent to concurrently, one recipient's
rows in order. What became of each row:

    sent       the platform accepted every payload
    skipped    the learner cannot be reached now (blocked, unfollowed, outside the platform's
               window): not tried, counted, and the identity is marked until they write again;
               or the message's time ran out (a reminder still queued when quiet hours begin)
    pending    rate limited (due again after the platform's `retry_after`, no try counted) or a
               transient failure (due again after the back-off's next delay)
    dead       the platform refused it for good, or the last try failed: `hocvuso outbox
               retry-dead` queues it again

A row with several payloads (a long text split in two) that fails half-way resumes after the
last payload the platform accepted, within this process.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.channels.base import Channel, SendErrorKind, SendFailure
from bot.outbox.payload import replies_of
from bot.retry import Backoff
from storage import OutboxItem, Storage, StorageError

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # far longer than a chunk takes to send, even rate limited
MAX_ATTEMPTS = 6
BLOCKED = "not sent: "  # opens the reason of a row the channel's `proactive_block` held back
# The retry schedule of a failed row: 30 s, 1 min, 2 min ... capped at an hour.
RETRY_BACKOFF = Backoff(initial=30.0, maximum=3600.0, attempts=MAX_ATTEMPTS)


@dataclass
class DrainReport:
    """What one drain did, by outcome ("sent", "skipped", "retry", "dead")."""

    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def handled(self) -> int:
        """Rows claimed and dealt with."""
        return sum(self.outcomes.values())


class OutboxDrainer:
    """Sends one channel's due outbox rows.

    Args:
        storage: the database.
        channel: the running channel (its `proactive_block`, `render` and `send`).
        clock: the current time (UTC).
        chunk: rows claimed at a time.
        concurrency: recipients sent to at once (the channel's own limiter paces the sends).
        backoff: delays between a row's tries; after `backoff.attempts` tries it is dead.
    """

    def __init__(
        self,
        storage: Storage,
        channel: Channel,
        *,
        clock: Callable[[], datetime],
        chunk: int = 200,
        concurrency: int = 32,
        backoff: Backoff = RETRY_BACKOFF,
        lease: timedelta = LEASE,
    ) -> None:
        self.storage, self.channel, self.clock = storage, channel, clock
        self.chunk, self.backoff, self.lease = chunk, backoff, lease
        self._slots = asyncio.Semaphore(concurrency)
        self._progress: dict[int, int] = {}  # row id -> payloads the platform accepted
        self._running = asyncio.Lock()

    async def drain(self) -> DrainReport:
        """Send every due row (chunk after chunk) until none is left; returns what happened.
        A drain already running in this process makes this one return at once.

        Raises:
            StorageError: the outbox could not be read (the next run tries again).
        """
        report = DrainReport()
        if self._running.locked():
            return report
        async with self._running:
            while True:
                items = await self.storage.outbox.claim(
                    self.channel.name, self.clock(), limit=self.chunk, lease=self.lease
                )
                if not items:
                    break
                await self._send_chunk(items, report)
                if len(items) < self.chunk:
                    break
        if report.handled:
            log.info("%s outbox: %s", self.channel.name, dict(report.outcomes))
        return report

    async def _send_chunk(self, items: list[OutboxItem], report: DrainReport) -> None:
        by_recipient: dict[str, list[OutboxItem]] = {}
        for item in items:
            by_recipient.setdefault(item.recipient, []).append(item)
        await asyncio.gather(
            *(self._send_in_order(rows, report) for rows in by_recipient.values())
        )

    async def _send_in_order(self, rows: list[OutboxItem], report: DrainReport) -> None:
        async with self._slots:
            for item in rows:
                try:
                    outcome = await self._one(item)
                except StorageError as exc:
                    # The row stays claimed; after its lease the next drain sends it (at most
                    # once more, if this send had gone out).
                    log.warning(
                        "%s outbox row %d: not marked (%s)", self.channel.name, item.id, exc
                    )
                    outcome = "unmarked"
                report.outcomes[outcome] += 1

    async def _one(self, item: OutboxItem) -> str:
        name, outbox = self.channel.name, self.storage.outbox
        replies = replies_of(item.payload)
        if not replies:
            await outbox.mark_dead(item.id, self.clock(), "the payload holds no message")
            return "dead"
        if item.expired(self.clock()):
            log.info("%s outbox row %d skipped: expired at %s", name, item.id, item.expires_at)
            await outbox.mark_skipped(item.id, self.clock(), f"expired at {item.expires_at}")
            return "skipped"
        blocked = await self.channel.proactive_block(item.recipient, self.clock())
        if blocked:
            log.info("%s outbox row %d skipped: %s", name, item.id, blocked)
            await outbox.mark_skipped(item.id, self.clock(), f"{BLOCKED}{blocked}")
            return "skipped"
        try:
            payloads = await self.channel.render(item.recipient, replies)
            for index in range(self._progress.get(item.id, 0), len(payloads)):
                await self.channel.send(item.recipient, payloads[index])
                self._progress[item.id] = index + 1
        except SendFailure as failure:
            return await self._failed(item, failure)
        except Exception as exc:  # noqa: BLE001 - a bug for one row must not stop the drain
            log.exception("%s outbox row %d: unexpected error", name, item.id)
            unexpected = SendFailure(SendErrorKind.TRANSIENT, f"{exc.__class__.__name__}: {exc}")
            return await self._failed(item, unexpected)
        self._progress.pop(item.id, None)
        await outbox.mark_sent(item.id, self.clock())
        return "sent"

    async def _failed(self, item: OutboxItem, failure: SendFailure) -> str:
        name, outbox, now = self.channel.name, self.storage.outbox, self.clock()
        if failure.kind is SendErrorKind.UNREACHABLE:
            self._progress.pop(item.id, None)
            log.info("%s outbox row %d: learner unreachable (%s)", name, item.id, failure.reason)
            await self.storage.identities.mark_unreachable(
                name, item.recipient, failure.reason, now
            )
            await outbox.mark_skipped(item.id, now, f"unreachable: {failure.reason}")
            return "skipped"
        if failure.kind is SendErrorKind.PERMANENT:
            self._progress.pop(item.id, None)
            log.error("%s outbox row %d refused: %s", name, item.id, failure.reason)
            await outbox.mark_dead(item.id, now, f"refused: {failure.reason}")
            return "dead"
        if failure.kind is SendErrorKind.RATE_LIMITED:
            asked = failure.retry_after if failure.retry_after is not None else 1.0
            wait = min(self.backoff.maximum, max(asked, 0.0))
            await outbox.postpone(item.id, now, timedelta(seconds=wait), failure.reason)
            return "retry"
        if item.attempts + 1 >= self.backoff.attempts:
            self._progress.pop(item.id, None)
            log.error(
                "%s outbox row %d: try %d failed (%s); dead-lettered",
                name,
                item.id,
                item.attempts + 1,
                failure.reason,
            )
            await outbox.mark_dead(item.id, now, f"gave up: {failure.reason}")
            return "dead"
        wait = self.backoff.delay(item.attempts, failure.retry_after)
        log.warning(
            "%s outbox row %d: try %d failed (%s); again in %.0f s",
            name,
            item.id,
            item.attempts + 1,
            failure.reason,
            wait,
        )
        await outbox.retry_later(item.id, now, timedelta(seconds=wait), failure.reason)
        return "retry"


__all__ = ["LEASE", "MAX_ATTEMPTS", "RETRY_BACKOFF", "DrainReport", "OutboxDrainer"]
