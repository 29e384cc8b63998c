"""One writer that commits whatever queued up while the previous transaction was being written.

A burst of N submissions costs a few transactions, not N, and a lone submission waits for no
timer: the first one is written at once, the ones that arrive meanwhile go together into the
next. Used by `ConversationService` (turns) and the Telegram inbox (stores and marks).

Errors, per batch:
- `write` answers one result or one exception per item (a failure of one item only);
- a `StorageError` that is transient (the database is unreachable) fails every item of the batch;
- any other `StorageError` (a statement the database refused) replays the batch one item at a
  time, so one bad item cannot hold the others hostage;
- any other exception (a bug) fails every item of the batch, and the writer goes on with the next.

Cancelling the writer's task (the event loop shutting down) cancels every waiting submission,
the batch being written and those queued behind it, and nothing is written afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from bot.errors import StorageError

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class BatchWriter(Generic[Item, Result]):
    """Writes submitted items in batches of at most `max_batch`, one `write` call per batch.

    Args:
        write: writes one batch (one transaction) and answers, in order, one result or one
            exception per item.
        max_batch: most items per `write` call.
        name: names the writer's task and its log lines.
    """

    def __init__(
        self,
        write: Callable[[list[Item]], Awaitable[Sequence[Result | Exception]]],
        *,
        max_batch: int,
        name: str,
    ) -> None:
        self._write = write
        self.max_batch = max_batch
        self.name = name
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Write `item` (with whatever else is queued) and return its result.

        Raises:
            StorageError: the item was not written (the database refused it or is down).
            Exception: what `write` answered for this item.
        """
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name=f"{self.name}-writer")
        return await future

    async def drain(self) -> None:
        """Wait until the items submitted so far are written (before closing the database)."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)

    async def _flush(self) -> None:
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            items = [item for item, _future in batch]
            try:
                results = await self._results(items)
            except asyncio.CancelledError:
                for _item, future in batch + self._pending:
                    future.cancel()
                self._pending.clear()
                raise
            for (_item, future), result in zip(batch, results, strict=True):
                if future.done():  # its caller stopped waiting
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    async def _results(self, items: list[Item]) -> Sequence[Result | Exception]:
        try:
            return await self._write(items)
        except StorageError as exc:
            if exc.transient or len(items) == 1:
                return [exc] * len(items)
            log.warning(
                "%s: batch of %d refused (%s); writing one by one", self.name, len(items), exc
            )
            return [await self._alone(item) for item in items]
        except Exception as exc:  # noqa: BLE001 - its callers get it; the next batch goes on
            log.exception("%s: writing a batch of %d failed", self.name, len(items))
            return [exc] * len(items)

    async def _alone(self, item: Item) -> Result | Exception:
        try:
            [result] = await self._write([item])
        except StorageError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - as in `_results`
            log.exception("%s: writing one item failed", self.name)
            return exc
        return result


__all__ = ["BatchWriter"]
