"""The inbox, written in batches: every store and mark asked for while one transaction is being
written goes into the next one.

Each update costs two inbox writes (stored before it is acknowledged, marked once handled). One
transaction each made the channel's own bookkeeping, not the conversation, the bottleneck: on
SQLite concurrent writers also wait on each other's locks. Like `ConversationService`, this writes
through a `bot.batching.BatchWriter`, which commits whatever has queued up meanwhile, so a burst
costs a few commits and a lone update waits for no timer. The statements are `Storage.inbox`'s
`*_many` ones, all of one batch in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.batching import BatchWriter
from storage import MAX_ERROR, MAX_EVENT_KEY, Storage

MAX_BATCH = 500


@dataclass(eq=False)
class _Op:
    kind: str  # "store" | "done" | "failed"
    key: str = ""
    payload: str = ""
    inbox_id: int = 0
    error: str = ""


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
        # Through a lambda, so `_write` is looked up per batch (tests replace it).
        self._batches: BatchWriter[_Op, int | None] = BatchWriter(
            lambda batch: self._write(batch), max_batch=MAX_BATCH, name=f"{channel}-inbox"
        )

    async def store(self, key: str, payload: str) -> int | None:
        """Keep one raw update durably (committed on return). None if the key was seen before.

        Raises:
            StorageError: nothing was stored.
        """
        return await self._batches.submit(_Op("store", key=key[:MAX_EVENT_KEY], payload=payload))

    async def processed(self, inbox_id: int) -> None:
        """The update's effects are committed and its replies sent."""
        await self._batches.submit(_Op("done", inbox_id=inbox_id))

    async def failed(self, inbox_id: int, error: str) -> None:
        """The update was given up on; the row keeps the error for the operator."""
        await self._batches.submit(_Op("failed", inbox_id=inbox_id, error=error[:MAX_ERROR]))

    async def drain(self) -> None:
        """Wait for the writes already asked for (before closing the database)."""
        await self._batches.drain()

    async def _write(self, batch: list[_Op]) -> list[int | None | Exception]:
        """One transaction for the batch; the stored row id (or None) of each store, None for
        each mark. A second copy of an update in the same batch is a duplicate (None), as
        across batches."""
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
        stored = {id(op): inbox_id for op, inbox_id in zip(stores, ids, strict=True)}
        return [stored.get(id(op)) for op in batch]
