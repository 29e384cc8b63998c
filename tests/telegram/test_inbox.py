"""InboxWriter: many stores and marks per transaction, duplicates recognised, one bad row
does not hold the others hostage. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.channels.telegram.inbox import InboxWriter
from bot.errors import StorageError
from storage import Storage

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def writer(storage: Storage) -> InboxWriter:
    return InboxWriter(storage, "telegram", lambda: NOW)


async def test_a_burst_is_stored_in_few_transactions(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = writer(storage)
    transactions = 0
    real = storage.unit_of_work

    def counting(now: datetime):  # type: ignore[no-untyped-def]
        nonlocal transactions
        transactions += 1
        return real(now)

    monkeypatch.setattr(storage, "unit_of_work", counting)
    ids = await asyncio.gather(
        *(inbox.store(f"1:{n}", f'{{"update_id": {n}}}') for n in range(50))
    )
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 50
    assert transactions <= 2  # the first alone, then everything that queued meanwhile
    pending = await storage.inbox.pending("telegram", limit=100)
    assert [item.event_key for item in pending] == [f"1:{n}" for n in range(50)]


async def test_duplicates_are_recognised_in_and_across_batches(storage: Storage) -> None:
    inbox = writer(storage)
    first, again = await asyncio.gather(inbox.store("1:7", "{}"), inbox.store("1:7", "{}"))
    assert isinstance(first, int) and again is None
    assert await inbox.store("1:7", "{}") is None


async def test_marks_finish_rows(storage: Storage) -> None:
    inbox = writer(storage)
    done, failed, waiting = [await inbox.store(f"1:{n}", "{}") for n in range(3)]
    assert done and failed and waiting
    await asyncio.gather(inbox.processed(done), inbox.failed(failed, "boom"))
    [left] = await storage.inbox.pending("telegram")
    assert left.id == waiting


async def test_one_refused_row_does_not_sink_the_batch(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = writer(sqlite_storage)
    real = inbox._write

    async def picky(batch):  # type: ignore[no-untyped-def]
        if any(op.key == "1:bad" for op in batch):
            raise StorageError("value too long")
        return await real(batch)

    monkeypatch.setattr(inbox, "_write", picky)
    results = await asyncio.gather(
        inbox.store("1:a", "{}"),
        inbox.store("1:bad", "{}"),
        inbox.store("1:b", "{}"),
        return_exceptions=True,
    )
    assert isinstance(results[0], int) and isinstance(results[2], int)
    assert isinstance(results[1], StorageError)


async def test_an_unreachable_database_fails_every_waiting_write(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = writer(sqlite_storage)

    async def down(batch):  # type: ignore[no-untyped-def]
        raise StorageError("unreachable", transient=True)

    monkeypatch.setattr(inbox, "_write", down)
    results = await asyncio.gather(
        inbox.store("1:a", "{}"), inbox.processed(3), return_exceptions=True
    )
    assert all(isinstance(r, StorageError) for r in results)
    await inbox.drain()
