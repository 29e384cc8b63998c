"""The inbox pipeline as the Zalo OA and Zalo Bot channels use it: only the holder of the
channel's `LeaderLock` handles events (`Drain.LEADER`, docs/decisions.md 9), and a failed event
is retried in place, never dropped; nothing in it is platform-specific.

Webhooks and pollers only `Inbox.store()` the raw event and call `stored()`; the worker runs
`process(item)` and marks the row processed. `process` raises `RetryLater` for transient
failures (database down, rate limits, network): the same row is retried after the delay, and
the learner's later events wait behind it so nothing is answered out of order. Any other
exception gives up on the event (the row keeps the error).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.channels.pipeline import MAX_RETRY_DELAY, Drain, InboxPipeline
from bot.errors import StorageError
from bot.retry import Backoff
from storage import Inbox, InboxItem, LeaderLock

log = logging.getLogger(__name__)

# A row that cannot be marked processed: 0.5, 1, 2 ... s, at most 5 minutes.
MARK_BACKOFF = Backoff(initial=0.5, maximum=MAX_RETRY_DELAY)


class RetryLater(Exception):  # noqa: N818 - it is a request, not an error condition
    """A transient failure: keep the row pending and try it again after `delay` seconds."""

    def __init__(self, reason: str, delay: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class InboxWorker(InboxPipeline[InboxItem]):
    """Runs `process` over the pending inbox rows of one channel.

    Args:
        sequence_key: whose events a row's must stay in order with.
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
        super().__init__(
            inbox,
            channel,
            self._one,
            self._decode,
            drain=Drain.LEADER,
            lock=lock,
            max_active=concurrency,
            interval=poll_interval,
            batch=batch,
        )
        self.process = process
        self.sequence_key = sequence_key
        self.clock = clock

    def _decode(self, item: InboxItem) -> tuple[str, InboxItem]:
        try:
            return self.sequence_key(item), item
        except Exception:  # noqa: BLE001 - a broken payload still gets processed (and logged)
            return f"#{item.id}", item

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
        attempt = 0
        while True:
            try:
                await self.inbox.mark_processed(item.id, self.clock())
                return
            except StorageError as exc:
                # Its effects are committed (handling is idempotent on the event key); keep
                # trying so it is not processed again after a restart.
                log.warning("%s event %s: cannot mark processed (%s)", self.channel, item.id, exc)
                await asyncio.sleep(MARK_BACKOFF.delay(attempt))
                attempt += 1


__all__ = ["MAX_RETRY_DELAY", "InboxWorker", "RetryLater"]
