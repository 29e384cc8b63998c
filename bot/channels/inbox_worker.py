"""Drains a channel's durable inbox: one learner's events strictly in order, different learners
concurrently. Used by the Zalo OA and Zalo Bot channels; nothing in it is platform-specific.

Webhooks and pollers only `Inbox.store()` the raw event and call `stored()`; the worker runs
`process(item)` and marks the row processed. Rows left pending by a crash or a stop are picked
up again on the next start. `process` raises `RetryLater` for transient failures (database
down, rate limits, network): the same row is retried after the delay, and the learner's later
events wait behind it so nothing is answered out of order.

With several processes on one PostgreSQL database, only the holder of the channel's
`LeaderLock` drains; the others keep storing events (and wake the holder), ask for the lock at
every poll, and take over when the holder stops or dies. A holder that loses its lock
connection stops draining at once: its unfinished rows stay pending for the next holder.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.errors import StorageError
from storage import Inbox, InboxItem, LeaderLock

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = 300.0


@dataclass(frozen=True)
class Backoff:
    """Waits between retries of a rate-limited or failed platform call: doubling from
    `initial` up to `maximum`; after `attempts` tries in place the event goes back to the
    worker (still pending, retried later), never dropped."""

    initial: float = 1.0
    maximum: float = 60.0
    attempts: int = 6

    def delay(self, attempt: int, hint: float | None = None) -> float:
        """The wait before retry number `attempt` (0-based); a platform hint wins if longer."""
        computed: float = min(self.maximum, self.initial * 2.0 ** max(0, attempt))
        return max(computed, min(hint, self.maximum)) if hint else computed


class RetryLater(Exception):  # noqa: N818 - it is a request, not an error condition
    """A transient failure: keep the row pending and try it again after `delay` seconds."""

    def __init__(self, reason: str, delay: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class InboxWorker:
    """Runs `process` over the pending inbox rows of one channel.

    Args:
        lock: who may drain when several processes share the database; None drains always.
    """

    def __init__(
        self,
        inbox: Inbox,
        channel: str,
        process: Callable[[InboxItem], Awaitable[None]],
        sequence_key: Callable[[InboxItem], str],
        *,
        clock: Callable[[], datetime],
        poll_interval: float = 2.0,
        concurrency: int = 16,
        batch: int = 200,
        lock: LeaderLock | None = None,
    ) -> None:
        self.inbox = inbox
        self.channel = channel
        self.process = process
        self.sequence_key = sequence_key
        self.clock = clock
        self.poll_interval = poll_interval
        self.batch = batch
        self.lock = lock
        self._leading = lock is None or not lock.shared
        self._limit = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._known: set[int] = set()
        # Rows finished while a fetch may still have seen them pending (stale read): id ->
        # the number of fetches started when it finished. Forgotten once a later fetch ran.
        self._done: dict[int, int] = {}
        self._fetches = 0
        self._queues: dict[str, deque[InboxItem]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._loop: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """A new row was stored: look now instead of at the next poll (this process only)."""
        self._wake.set()

    async def stored(self) -> None:
        """A new row was stored: wake whichever process drains the channel."""
        self.wake()
        if self.lock is not None:
            await self.lock.notify()

    @property
    def leading(self) -> bool:
        """Whether this process drains the channel (its outbox too) as of the last poll."""
        return self._leading

    async def start(self) -> None:
        """Begin draining (rows left pending by an earlier run come first)."""
        if self._loop is None:
            self._loop = asyncio.create_task(self._run(), name=f"{self.channel}-inbox")

    async def stop(self) -> None:
        """Stop; rows being processed stay pending and are retried on the next start."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        await self._abandon()
        if self.lock is not None:
            await self.lock.release()
            self._leading = not self.lock.shared

    async def _abandon(self) -> None:
        """Cancel the rows in progress (they stay pending) and forget what was fetched."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._queues.clear()
        self._known.clear()
        self._done.clear()

    @property
    def busy(self) -> bool:
        """Whether some fetched row is not finished yet."""
        return bool(self._known)

    async def wait_idle(self, seconds: float = 10.0) -> None:
        """Wait until every stored row is processed (tests and graceful tooling)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            self.wake()
            if not self._known and not await self.inbox.pending(self.channel, limit=1):
                return
            await asyncio.sleep(0.01)
        raise TimeoutError(f"{self.channel} inbox still busy after {seconds} s")

    async def _lead(self) -> bool:
        if self.lock is None:
            return True
        leading = await self.lock.hold()
        if leading and not self._leading:
            log.info("%s: this process drains the inbox now", self.channel)
        elif self._leading and not leading:
            log.warning(
                "%s: lost the inbox lock; stopping here, another process takes over", self.channel
            )
            await self._abandon()
        self._leading = leading
        return leading

    async def _sleep(self) -> None:
        if self.lock is not None:
            await self.lock.wait(self._wake, self.poll_interval)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def _run(self) -> None:
        failures = 0
        while True:
            if not await self._lead():
                await asyncio.sleep(self.poll_interval)
                continue
            self._wake.clear()
            self._fetches += 1
            fetch = self._fetches
            try:
                items = await self.inbox.pending(self.channel, limit=self.batch)
                failures = 0
            except StorageError as exc:
                failures += 1
                delay = min(MAX_RETRY_DELAY, 0.5 * 2**failures)
                log.warning(
                    "%s inbox unreadable (%s); retrying in %.0f s", self.channel, exc, delay
                )
                await asyncio.sleep(delay)
                continue
            for item in items:
                if item.id in self._known or item.id in self._done:
                    continue
                self._known.add(item.id)
                key = self._key(item)
                self._queues.setdefault(key, deque()).append(item)
                if key not in self._tasks:
                    self._tasks[key] = asyncio.create_task(
                        self._drain(key), name=f"{self.channel}-{key}"
                    )
            self._done = {key: mark for key, mark in self._done.items() if mark >= fetch}
            await self._sleep()

    def _key(self, item: InboxItem) -> str:
        try:
            return self.sequence_key(item)
        except Exception:  # noqa: BLE001 - a broken payload still gets processed (and logged)
            return f"#{item.id}"

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            async with self._limit:
                while queue:
                    item = queue[0]
                    await self._one(item)
                    queue.popleft()
                    self._done[item.id] = self._fetches
                    self._known.discard(item.id)
        finally:
            self._tasks.pop(key, None)
            if not queue:
                self._queues.pop(key, None)

    async def _one(self, item: InboxItem) -> None:
        attempt = 0
        while True:
            try:
                await self.process(item)
            except RetryLater as retry:
                attempt += 1
                log.warning(
                    "%s event %s not done (%s); retry %d in %.1f s",
                    self.channel,
                    item.event_key,
                    retry.reason,
                    attempt,
                    retry.delay,
                )
                await self._record_failure(item, retry.reason, give_up=False)
                await asyncio.sleep(min(retry.delay, MAX_RETRY_DELAY))
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - one bad event must not stop the channel
                log.exception("%s event %s failed; giving up on it", self.channel, item.event_key)
                await self._record_failure(item, f"{exc.__class__.__name__}: {exc}", give_up=True)
                return
            await self._mark_processed(item)
            return

    async def _record_failure(self, item: InboxItem, error: str, *, give_up: bool) -> None:
        with contextlib.suppress(StorageError):
            await self.inbox.mark_failed(item.id, error, self.clock(), give_up=give_up)

    async def _mark_processed(self, item: InboxItem) -> None:
        delay = 0.5
        while True:
            try:
                await self.inbox.mark_processed(item.id, self.clock())
                return
            except StorageError as exc:
                # Its effects are committed (handling is idempotent on the event key); keep
                # trying so it is not processed again after a restart.
                log.warning("%s event %s: cannot mark processed (%s)", self.channel, item.id, exc)
                await asyncio.sleep(delay)
                delay = min(MAX_RETRY_DELAY, delay * 2)


__all__ = ["MAX_RETRY_DELAY", "Backoff", "InboxWorker", "RetryLater"]
