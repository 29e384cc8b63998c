"""Run jobs concurrently across keys and strictly in order within one key.

One key is one learner: their events are handled one after another (so replies keep their order
and a button tap never overtakes the message before it), while other learners' events run at
the same time, up to `max_active` at once. A key's queue and worker exist only while it has work.
Every push channel's inbox pipeline uses it (Telegram, Zalo OA, Zalo Bot).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class KeyedDispatcher(Generic[T]):
    """Ordered per key, concurrent across keys.

    Args:
        work: handles one item; exceptions are logged and the next item goes on.
        max_active: most items being worked on at once (over all keys).
        name: names the tasks (one per key with work).
    """

    def __init__(
        self, work: Callable[[T], Awaitable[None]], max_active: int, *, name: str = "ordered"
    ) -> None:
        self._work = work
        self.name = name
        self._slots = asyncio.Semaphore(max_active)
        self._queues: dict[str, deque[T]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether `close()` was called (no more items are taken)."""
        return self._closed

    @property
    def backlog(self) -> int:
        """Items queued or being worked on."""
        return sum(len(queue) for queue in self._queues.values())

    def submit(self, key: str, item: T) -> bool:
        """Queue `item` behind the key's earlier items. False once the dispatcher is closed."""
        if self._closed:
            return False
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(item)
            return True
        self._queues[key] = deque([item])
        self._idle.clear()
        task = asyncio.create_task(self._drain(key), name=f"{self.name}:{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                async with self._slots:
                    try:
                        await self._work(queue[0])
                    except Exception:
                        log.exception("%s: unexpected error while handling %s", self.name, key)
                queue.popleft()
        finally:
            if self._queues.get(key) is queue:
                del self._queues[key]
            if not self._queues:
                self._idle.set()

    async def join(self) -> None:
        """Wait until every submitted item has been handled."""
        await self._idle.wait()

    async def close(self, grace: float) -> None:
        """Take no more items; give running ones `grace` seconds, then cancel what is left."""
        self._closed = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)
        await self.cancel()

    async def cancel(self) -> None:
        """Cancel the running items and drop the queued ones; later items are taken again."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._queues.clear()
        self._idle.set()
