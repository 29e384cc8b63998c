"""The inbox, written in batches: every store and mark asked for while one transaction is being
written goes into the next one.

Each update costs two inbox writes (stored before it is acknowledged, marked once handled). One
transaction each made the channel's own bookkeeping, not the conversation, the bottleneck: on
SQLite concurrent writers also wait on each other's locks. Like `ConversationService`, this keeps
one writer and commits whatever has queued up meanwhile, so a burst costs a few commits and a
lone update waits for no timer. The statements are `Storage.inbox`'s `*_many` ones, all of
one batch in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.errors import StorageError
from storage import MAX_ERROR, MAX_EVENT_KEY, Storage

log = logging.getLogger(__name__)

MAX_BATCH = 500


@dataclass
class _Op:
    kind: str  # "store" | "done" | "failed"
    key: str = ""
    payload: str = ""
    inbox_id: int = 0
    error: str = ""
    future: asyncio.Future[Any] = field(default_factory=lambda: _future())


def _future() -> asyncio.Future[Any]:
    return asyncio.get_running_loop().create_future()


class InboxWriter:
    """Stores raw updates and marks them handled, many per transaction.

    Args:
        storage: the database.
        channel: the channel name the rows belong to.
        clock: the current time (UTC).
    """

    def __init__(self, storage: Storage, channel: str, clock: Callable[[], datetime]) -> None:
        self.storage, self.channel, self.clock = storage, channel, clock
        self.inbox = storage.inbox
        self._pending: list[_Op] = []
        self._flusher: asyncio.Task[None] | None = None

    async def store(self, key: str, payload: str) -> int | None:
        """Keep one raw update durably (committed on return). None if the key was seen before.

        Raises:
            StorageError: nothing was stored.
        """
        result: int | None = await self._submit(
            _Op("store", key=key[:MAX_EVENT_KEY], payload=payload)
        )
        return result

    async def processed(self, inbox_id: int) -> None:
        """The update's effects are committed and its replies sent."""
        await self._submit(_Op("done", inbox_id=inbox_id))

    async def failed(self, inbox_id: int, error: str) -> None:
        """The update was given up on; the row keeps the error for the operator."""
        await self._submit(_Op("failed", inbox_id=inbox_id, error=error[:MAX_ERROR]))

    async def drain(self) -> None:
        """Wait for the writes already asked for (before closing the database)."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)

    async def _submit(self, op: _Op) -> Any:
        self._pending.append(op)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name=f"{self.channel}-inbox")
        return await op.future

    async def _flush(self) -> None:
        while self._pending:
            batch = self._pending[:MAX_BATCH]
            del self._pending[:MAX_BATCH]
            try:
                results = await self._write(batch)
            except StorageError as exc:
                if exc.transient or len(batch) == 1:
                    for op in batch:
                        if not op.future.done():
                            op.future.set_exception(exc)
                    continue
                # The database refused something: write one by one, so one bad row cannot
                # hold the others hostage.
                log.warning("inbox batch of %d refused (%s); writing one by one", len(batch), exc)
                await self._one_by_one([op for op in batch if not op.future.done()])
                continue
            except BaseException:
                for op in batch + self._pending:
                    op.future.cancel()
                self._pending.clear()
                raise
            for op in batch:
                if not op.future.done():
                    op.future.set_result(results.get(id(op)))

    async def _one_by_one(self, ops: list[_Op]) -> None:
        for op in ops:
            try:
                result = (await self._write([op])).get(id(op))
            except StorageError as exc:
                if not op.future.done():
                    op.future.set_exception(exc)
            else:
                if not op.future.done():
                    op.future.set_result(result)

    async def _write(self, batch: list[_Op]) -> dict[int, int | None]:
        """One transaction for the batch; the stored row id (or None) of each store by id(op).
        A second copy of an update in the same batch is a duplicate (None), as across batches."""
        now = self.clock()
        stores = [op for op in batch if op.kind == "store"]
        done = [op.inbox_id for op in batch if op.kind == "done"]
        failed = [(op.inbox_id, op.error) for op in batch if op.kind == "failed"]
        async with self.storage.unit_of_work(now) as uow:
            ids = await self.inbox.store_many(
                self.channel, [(op.key, op.payload) for op in stores], now, uow=uow
            )
            await self.inbox.mark_processed_many(done, now, uow=uow)
            await self.inbox.mark_failed_many(failed, now, give_up=True, uow=uow)
        return {id(op): inbox_id for op, inbox_id in zip(stores, ids, strict=True)}
