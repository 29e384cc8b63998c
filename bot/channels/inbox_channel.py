"""What the Zalo OA and Zalo Bot runtimes share: a channel whose events go through the durable
inbox; what it sends first goes through the outbox (`bot/outbox/`, drained by the scheduler
through the channel contract of `bot/channels/base.py`).

    webhook / poller -> store() -> inbox -> InboxWorker -> process(item, event)
        -> handle(inbound) -> deliver(replies) -> render -> send_payload, one at a time
    scheduler's outbox job -> proactive_block() -> render() -> send() (SendFailure on failure)

A subclass gives the platform's parts: `user_of` (whose events must stay in order), `process`
(one decoded event), `render` (replies -> platform payloads), `send_payload` (one payload,
with its own error handling), `proactive_block` (may a proactive message go out now?) and
`close`. Here: the job lifecycle, the retry and pause helpers, delivery that resumes after the
last payload the platform accepted when an event is retried in this process, and `send`, the
contract's one-payload send with failures in the shared shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Generic, TypeVar

from bot.channels.base import OUT_OF_WINDOW, SendErrorKind, SendFailure
from bot.channels.inbox_worker import InboxWorker, RetryLater
from bot.core import ChannelCapabilities, InboundMessage, Reply
from bot.errors import StorageError
from bot.retry import Backoff
from bot.service import ConversationService
from storage import InboxItem

log = logging.getLogger(__name__)

Payload = TypeVar("Payload")


class Delivery(Enum):
    """What became of one send."""

    SENT = "sent"
    UNREACHABLE = "unreachable"  # out of window, blocked, unfollowed: stop sending to them
    REFUSED = "refused"  # the platform refused this one message (logged); the rest still go


class SendAgain(Exception):  # noqa: N818 - a request, like RetryLater
    """Raised by one send attempt: try the same payload again in place, after the next backoff
    step (`pause`: the platform limits the whole channel, so every send waits), or at once."""

    def __init__(self, reason: str, *, pause: bool = False, at_once: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.pause, self.at_once = reason, pause, at_once


class InboxChannel(ABC, Generic[Payload]):
    """A running channel fed by the inbox and sending one `Payload` at a time.

    Args:
        service: the conversation service (its storage holds inbox and outbox).
        clock: the current time (UTC).
        backoff: waits between retries of a failed send.
        poll_interval: seconds between looks at the inbox when nothing wakes the worker.
        public_url: the server's public address (links to certificates are sent with it).
    """

    name: str  # the channel, as stored with every row (a class attribute of the subclass)
    capabilities: ChannelCapabilities
    push = True  # the bot may write first (through the outbox)
    # A proactive send does not start this close to the end of the platform's window.
    window_safety = timedelta(hours=1)

    def __init__(
        self,
        service: ConversationService,
        *,
        clock: Callable[[], datetime],
        backoff: Backoff | None,
        poll_interval: float,
        public_url: str = "",
    ) -> None:
        self.service = service
        self.public_url = public_url
        self.storage = service.storage
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.inbox = self.storage.inbox
        self.worker = InboxWorker(
            self.inbox,
            self.name,
            self._process,
            self._sequence_key,
            clock=clock,
            poll_interval=poll_interval,
            lock=self.storage.locks.leader(self.name),
        )
        self._progress: dict[str, int] = {}
        self._paused_until = 0.0
        self._jobs: list[asyncio.Task[None]] = []

    # -- lifecycle -----------------------------------------------------------------------------

    async def _start(self, **jobs: Coroutine[Any, Any, None]) -> None:
        """Start the worker and the channel's own long-running `jobs` (by name)."""
        await self.worker.start()
        self._jobs = [
            asyncio.create_task(job, name=f"{self.name}-{name}") for name, job in jobs.items()
        ]

    async def stop(self) -> None:
        """Stop the jobs and the worker (unfinished events stay in the inbox); close."""
        for job in self._jobs:
            job.cancel()
        for job in self._jobs:
            with contextlib.suppress(asyncio.CancelledError):
                await job
        self._jobs = []
        await self.worker.stop()
        await self.close()

    @abstractmethod
    async def close(self) -> None:
        """Release the platform client."""

    # -- receiving -----------------------------------------------------------------------------

    async def _store(self, key: str, payload: str, what: str) -> bool:
        """Keep a raw event in the inbox and wake the worker. False if it was seen before.

        Raises:
            StorageError: nothing was stored (the platform should deliver it again).
        """
        stored = await self.inbox.store(self.name, key, payload, self.clock())
        if stored is None:
            log.info("%s: %s seen before; acknowledged", self.name, what)
            return False
        await self.worker.stored()
        return True

    # -- processing ----------------------------------------------------------------------------

    @abstractmethod
    def user_of(self, event: dict[str, Any]) -> str | None:
        """Whose event this is: one user's events are processed strictly in order."""

    @abstractmethod
    async def process(self, item: InboxItem, event: dict[str, Any]) -> None:
        """Handle one stored event (a JSON object). Raise `RetryLater` to try it again."""

    def _sequence_key(self, item: InboxItem) -> str:
        event = json.loads(item.payload)
        return (self.user_of(event) if isinstance(event, dict) else None) or "-"

    async def _process(self, item: InboxItem) -> None:
        try:
            event = json.loads(item.payload)
        except ValueError:
            log.error("%s: stored event %s is not JSON; skipped", self.name, item.event_key)
            return
        if isinstance(event, dict):
            await self.process(item, event)

    async def _handle(self, inbound: InboundMessage) -> tuple[Reply, ...]:
        """The replies to one learner input (the service's transaction, retried if it fails)."""
        try:
            handled = await self.service.handle(inbound)
        except StorageError as exc:
            raise RetryLater(f"database unavailable: {exc}", self.backoff.delay(2)) from exc
        return handled.replies

    # -- sending -------------------------------------------------------------------------------

    @abstractmethod
    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[Payload]:
        """The payloads that show `replies` to `recipient`, in sending order."""

    @abstractmethod
    async def send_payload(self, recipient: str, payload: Payload) -> Delivery:
        """Send one payload. Raise `RetryLater` when it cannot go out now."""

    async def send(self, recipient: str, payload: Payload) -> None:
        """Send one payload (the channel contract): failures in the shared shape.

        Raises:
            SendFailure: transient (its tries in place used up; `retry_after` is the back-off's
                next delay), unreachable, or permanent (the platform refused the message).
        """
        try:
            result = await self.send_payload(recipient, payload)
        except RetryLater as retry:
            raise SendFailure(SendErrorKind.TRANSIENT, retry.reason, retry.delay) from retry
        if result is Delivery.UNREACHABLE:
            raise SendFailure(SendErrorKind.UNREACHABLE, "the platform says the learner is gone")
        if result is Delivery.REFUSED:
            raise SendFailure(SendErrorKind.PERMANENT, "the platform refused the message")

    async def _send_retrying(self, attempt: Callable[[int], Awaitable[Delivery]]) -> Delivery:
        """Call `attempt(number)` until it answers; it raises `SendAgain` for a rate limit or
        a network error. After `backoff.attempts` tries, RetryLater hands the event back to
        the inbox (or the outbox row to a later drain)."""
        number = 0
        while True:
            await self._respect_pause()
            try:
                return await attempt(number)
            except SendAgain as again:
                if not again.at_once:
                    number = await self._wait_retry(number, again.reason, pause=again.pause)

    async def _deliver(
        self, progress_key: str, recipient: str, replies: tuple[Reply, ...]
    ) -> Delivery:
        """Send every reply in order. Raises RetryLater on a transient failure; the sends that
        went out are remembered under `progress_key`, so a retry continues after them."""
        payloads = await self.render(recipient, replies)
        for index in range(self._progress.get(progress_key, 0), len(payloads)):
            result = await self.send_payload(recipient, payloads[index])
            if result is Delivery.UNREACHABLE:
                self._progress.pop(progress_key, None)
                return result
            self._progress[progress_key] = index + 1
        self._progress.pop(progress_key, None)
        return Delivery.SENT

    async def _wait_retry(self, attempt: int, reason: str, *, pause: bool) -> int:
        """Wait before retry `attempt` + 1 of a send, or raise RetryLater when the tries in
        place are used up. `pause` holds every send of the channel (a platform-wide limit)."""
        delay = self.backoff.delay(attempt)
        if self.backoff.exhausted(attempt + 1):
            raise RetryLater(reason, delay)
        log.warning("%s: %s; retrying in %.2f s", self.name, reason, delay)
        if pause:
            loop = asyncio.get_running_loop()
            self._paused_until = max(self._paused_until, loop.time() + delay)
        await asyncio.sleep(delay)
        return attempt + 1

    async def _respect_pause(self) -> None:
        """Wait while the channel is paused by a rate limit."""
        wait = self._paused_until - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    # -- proactive messages (outbox) -------------------------------------------------------------

    @abstractmethod
    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """Why a proactive message to `recipient` may not be sent now, or None if it may."""

    async def window_block(self, recipient: str, now: datetime) -> str | None:
        """`proactive_block` for a platform that takes messages only within
        `capabilities.proactive_window` of the learner's last message: unknown and unreachable
        learners, and those whose window is closed (or closes within `window_safety`), are
        skipped; the last are counted apart (`OUT_OF_WINDOW` opens the reason).

        Raises:
            StorageError: the database could not be read.
        """
        reach = await self.storage.identities.reach(self.name, recipient)
        if reach is None:
            return f"not a known learner on {self.name}"
        if not reach.reachable:
            return f"unreachable ({reach.unreachable_reason})"
        window = self.capabilities.proactive_window
        if window is None:
            return None
        last = reach.last_inbound_at
        if last is None:
            return "no message from the learner yet"
        if now - last > window - self.window_safety:
            span = f"{window.days}-day" if window.days else f"{window.seconds // 3600}-hour"
            return f"{OUT_OF_WINDOW} (the {span} window; last message {last.isoformat()})"
        return None

    async def mark_unreachable(self, user: str, reason: str) -> None:
        """The platform says `user` cannot get messages until they write again: the outbox
        skips them meanwhile. A database failure is logged (the next send finds out again)."""
        log.info("%s: a learner is not reachable (%s) until they write again", self.name, reason)
        try:
            await self.storage.identities.mark_unreachable(self.name, user, reason, self.clock())
        except StorageError:
            log.exception("%s: could not record that a learner is unreachable", self.name)


__all__ = ["Delivery", "InboxChannel", "SendAgain"]
