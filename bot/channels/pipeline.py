"""The inbox pipeline of a push channel (webhook or polling), one for every channel.

    webhook / poller -> store the raw event (committed) -> acknowledge
        -> KeyedDispatcher: one learner's events in order, different learners concurrently
        -> work(job) -> the channel marks the row processed (or failed for good)

Rows left pending by a crash or a stop are picked up again, so an event is handled at least once;
the processed-message keys make a second handling send the stored replies instead of deciding
again. With several processes on one PostgreSQL database, the channel's `LeaderLock` decides
who does what, in one of two ways (`Drain`):

- `Drain.LEADER` (docs/decisions.md, 9; Zalo OA and Zalo Bot): only the lock holder handles
  events. It reads the pending rows at every poll, or at once when a process that stored one
  wakes it (`stored()`: an in-process event, or NOTIFY from another process). A holder that
  loses its lock connection stops its in-flight work at once; those rows stay pending.
- `Drain.LOCAL` (decisions, 11; Telegram): each process handles what it stored itself
  (`submit()`, no extra hop). The holder resumes leftovers: every pending row at once when it
  takes the lock, then every `sweep_interval` the rows that were pending, and not its own, at
  two looks in a row (a process died while the others live; one look is not enough, since
  another live process may be handling a fresh row). A holder that loses the lock lets its
  in-flight work finish (it is not the holder's alone). `on_lead` tells the channel when this
  process gains or loses the lock (Telegram polls only while it holds it).

Both: one loop per channel asks for the lock every `interval` seconds; on SQLite (one process)
the lock is always granted. `stop()` releases the lock only once this process's work is finished
or parked and its writes are flushed, so the next holder resumes nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Generic, TypeVar

from bot.channels.ordered import KeyedDispatcher
from bot.errors import StorageError
from bot.retry import Backoff
from storage import Inbox, InboxItem, LeaderLock

log = logging.getLogger(__name__)

Job = TypeVar("Job")

MAX_RETRY_DELAY = 300.0
# The inbox cannot be read: 1, 2, 4 ... s, at most 5 minutes.
READ_BACKOFF = Backoff(initial=1.0, maximum=MAX_RETRY_DELAY)
_RECENT = 10_000  # rows remembered as finished, so a stale read does not hand one out again


class Drain(Enum):
    """Who handles a channel's events when several processes share the database."""

    LEADER = "leader"  # only the lock holder; it reads the inbox (decision 9)
    LOCAL = "local"  # each process its own; the holder resumes leftovers (decision 11)


class InboxPipeline(Generic[Job]):
    """Hands a channel's stored events to `work`, in order per learner.

    Args:
        inbox: the durable inbox.
        channel: the channel name the rows belong to.
        work: handles one event and marks its row; exceptions are logged.
        decode: a stored row -> (whose events it must stay in order with, the job); never
            raises (an unreadable row gets a job that records it as such).
        drain: `Drain.LEADER` or `Drain.LOCAL` (above).
        lock: who leads with several processes; None leads always.
        max_active: most events being handled at once (over all learners).
        interval: seconds between asks for the lock (and, with `Drain.LEADER`, between looks
            at the inbox when nothing wakes the pipeline).
        sweep_interval: `Drain.LOCAL`: seconds between the holder's looks for leftovers.
        batch: rows read at a time.
        read_backoff: waits between reads of the inbox while the database is down.
        stop_grace: seconds `stop()` lets running events finish before parking them.
        on_lead: called with True when this process takes the lock, False when it loses it
            and when the pipeline stops.
        flush: awaited by `stop()` before the lock is released (the channel's pending marks).
    """

    def __init__(
        self,
        inbox: Inbox,
        channel: str,
        work: Callable[[Job], Awaitable[object]],
        decode: Callable[[InboxItem], tuple[str, Job]],
        *,
        drain: Drain,
        lock: LeaderLock | None = None,
        max_active: int = 16,
        interval: float = 2.0,
        sweep_interval: float = 60.0,
        batch: int = 200,
        read_backoff: Backoff = READ_BACKOFF,
        stop_grace: float = 0.0,
        on_lead: Callable[[bool], Awaitable[None]] | None = None,
        flush: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.inbox, self.channel, self.drain, self.lock = inbox, channel, drain, lock
        self._work, self._decode = work, decode
        self.max_active = max_active
        self.interval, self.sweep_interval = interval, sweep_interval
        self.batch, self.stop_grace = batch, stop_grace
        self.read_backoff = read_backoff
        self._on_lead, self._flush = on_lead, flush
        self._leading = lock is None or not lock.shared
        self._accepting = False
        self._dispatcher = self._new_dispatcher()
        self._inflight: set[int] = set()
        self._recent: OrderedDict[int, None] = OrderedDict()
        self._suspects: set[int] = set()  # pending, not ours, at the last sweep
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._resumer: asyncio.Task[None] | None = None

    def _new_dispatcher(self) -> KeyedDispatcher[tuple[int, Job]]:
        return KeyedDispatcher(self._run_one, self.max_active, name=self.channel)

    # -- state -----------------------------------------------------------------------------------

    @property
    def leading(self) -> bool:
        """Whether this process holds the channel's lock, as of the last ask."""
        return self._leading

    @property
    def running(self) -> bool:
        """Between `start()` and `stop()`."""
        return self._accepting

    @property
    def busy(self) -> bool:
        """Whether some handed-out event is not finished yet."""
        return bool(self._inflight)

    def known(self, inbox_id: int) -> bool:
        """Whether the row is on its way or was finished lately (never hand it out again)."""
        return inbox_id in self._inflight or inbox_id in self._recent

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Ask for the lock (leftovers are resumed when it is granted) and keep asking."""
        if self._loop is not None:
            return
        if self._dispatcher.closed:
            self._dispatcher = self._new_dispatcher()
        self._accepting = True
        self._stopping.clear()
        self._leading = False  # so that taking the lock now counts as taking it
        await self._ask()
        self._loop = asyncio.create_task(self._run(), name=f"{self.channel}-pipeline")

    async def stop(self) -> None:
        """Take no more events; give running ones `stop_grace` seconds, park the rest (they
        stay pending); flush; release the lock."""
        self._accepting = False
        self._stopping.set()
        self._wake.set()
        if self._loop is not None:
            # It returns by itself (cancelling it mid-query would leave a connection behind).
            await asyncio.gather(self._loop, return_exceptions=True)
            self._loop = None
        if self._on_lead is not None:
            await self._on_lead(False)
        await self._dispatcher.close(self.stop_grace)
        self._inflight.clear()
        if self._resumer is not None:
            await asyncio.gather(self._resumer, return_exceptions=True)
            self._resumer = None
        if self._flush is not None:
            await self._flush()
        if self.lock is not None:
            await self.lock.release()
            self._leading = self.lock.held
        self._suspects.clear()

    async def join(self) -> None:
        """Wait until every event handed out so far is handled (tests, benchmarks)."""
        await self._dispatcher.join()

    async def wait_idle(self, seconds: float = 10.0) -> None:
        """Wait until every stored row is processed (tests and graceful tooling)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            self.wake()
            if not self._inflight and not await self.inbox.pending(self.channel, limit=1):
                return
            await asyncio.sleep(0.01)
        raise TimeoutError(f"{self.channel} inbox still busy after {seconds} s")

    # -- events in -------------------------------------------------------------------------------

    def submit(self, inbox_id: int, key: str, job: Job) -> bool:
        """Hand a stored event to the workers behind the same learner's earlier ones. False
        when it is already on its way (or finished), or the pipeline is not running."""
        if not self._accepting or self.known(inbox_id):
            return False
        self._inflight.add(inbox_id)
        self._dispatcher.submit(key, (inbox_id, job))
        return True

    def wake(self) -> None:
        """A new row was stored: look now instead of at the next poll (this process only)."""
        self._wake.set()

    async def stored(self) -> None:
        """A new row was stored for the holder to handle (`Drain.LEADER`): wake whichever
        process holds the lock."""
        self.wake()
        if self.lock is not None:
            await self.lock.notify()

    async def _run_one(self, entry: tuple[int, Job]) -> None:
        inbox_id, job = entry
        try:
            await self._work(job)
        except asyncio.CancelledError:
            self._inflight.discard(inbox_id)  # parked: still pending, handed out again later
            raise
        except Exception:
            log.exception(
                "%s: unexpected error while handling inbox row %s", self.channel, inbox_id
            )
        self._inflight.discard(inbox_id)
        self._recent[inbox_id] = None
        while len(self._recent) > _RECENT:
            self._recent.popitem(last=False)

    def _take(self, items: list[InboxItem]) -> None:
        for item in items:
            if self._accepting and not self.known(item.id):
                key, job = self._decode(item)
                self.submit(item.id, key, job)

    # -- the lock loop ---------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time() + self.sweep_interval
        failures = 0
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                leading = await self._ask()
                if leading and self.drain is Drain.LEADER:
                    self._take(await self.inbox.pending(self.channel, limit=self.batch))
                    failures = 0
                elif leading and loop.time() >= next_sweep:
                    next_sweep = loop.time() + self.sweep_interval
                    self._start_resume(sweep=True)
            except StorageError as exc:
                delay = self.read_backoff.delay(failures)
                failures += 1
                log.warning(
                    "%s inbox unreadable (%s); retrying in %.0f s", self.channel, exc, delay
                )
                await self._pause(delay)
                continue
            except Exception:  # noqa: BLE001 - the loop must keep asking
                log.exception("%s: asking for the channel's lock failed", self.channel)
            if self._stopping.is_set():
                return
            await self._pause(self.interval)

    async def _pause(self, seconds: float) -> None:
        if self.drain is Drain.LEADER and self._leading and self.lock is not None:
            await self.lock.wait(self._wake, seconds)  # NOTIFY from another process wakes it
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _ask(self) -> bool:
        """Take the lock, keep it, or notice it is lost, and act on a change."""
        leading = True if self.lock is None else await self.lock.hold()
        if leading and not self._leading:
            self._leading = True
            if self.lock is not None and self.lock.shared:
                log.info(
                    "%s: this process %s now",
                    self.channel,
                    "drains the inbox" if self.drain is Drain.LEADER else "leads",
                )
            self._suspects.clear()
            if self.drain is Drain.LOCAL:
                self._start_resume(sweep=False)
            if self._on_lead is not None:
                await self._on_lead(True)
        elif self._leading and not leading:
            self._leading = False
            if self.drain is Drain.LEADER:
                log.warning(
                    "%s: lost the inbox lock; stopping here, another process takes over",
                    self.channel,
                )
                await self._dispatcher.cancel()
                self._inflight.clear()
            else:
                # Events on their way here still finish (at worst a learner sees a reply
                # twice, when the next holder resumes one of them: effects are kept once).
                log.warning(
                    "%s: lost the inbox lock; events in flight here finish, another process "
                    "takes over",
                    self.channel,
                )
            if self._on_lead is not None:
                await self._on_lead(False)
        return leading

    # -- resuming (Drain.LOCAL) ------------------------------------------------------------------

    def _start_resume(self, *, sweep: bool) -> None:
        """Resume stored events in the background, unless a resume is still running."""
        if not self._accepting or (self._resumer is not None and not self._resumer.done()):
            return
        self._resumer = asyncio.create_task(
            self._resume(sweep=sweep), name=f"{self.channel}-resume"
        )

    async def _resume(self, *, sweep: bool) -> None:
        """Hand stored-but-unprocessed events to the workers, oldest first.

        `sweep`: only the oldest page, and of it only the rows that were pending and not ours at
        the previous sweep too.

        While the database is down it keeps trying (`read_backoff`), so stored events go out as
        soon as it is back rather than at the next sweep."""
        failures = 0
        while self._accepting:
            try:
                page = await self.inbox.pending(self.channel, limit=self.batch)
            except StorageError as exc:
                delay = self.read_backoff.delay(failures)
                failures += 1
                log.warning(
                    "%s: could not read the inbox (%s); stored events resume in %.1f s",
                    self.channel,
                    exc,
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                continue
            failures = 0
            fresh = [item for item in page if not self.known(item.id)]
            if sweep:
                suspects, self._suspects = self._suspects, {item.id for item in fresh}
                fresh = [item for item in fresh if item.id in suspects]
            if not fresh:
                return
            log.info("%s: resuming %d stored event(s)", self.channel, len(fresh))
            self._take(fresh)
            if sweep or len(page) < self.batch:
                return
            await self._dispatcher.join()


__all__ = ["MAX_RETRY_DELAY", "READ_BACKOFF", "Drain", "InboxPipeline"]
