"""BatchWriter: what queued up during a write goes into the next one; a refused batch is replayed
one item at a time; a transient failure or a bug fails the whole batch; cancellation cancels every
waiting submission."""

from __future__ import annotations

import asyncio

import pytest

from bot.batching import BatchWriter
from bot.errors import StorageError


class Recorder:
    """A `write` that records its batches and can be told to fail or to hang."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.refuse: int | None = None  # an item the database refuses
        self.down = False
        self.gate: asyncio.Event | None = None

    async def write(self, batch: list[int]) -> list[int | Exception]:
        self.batches.append(list(batch))
        if self.gate is not None:
            await self.gate.wait()
        await asyncio.sleep(0)
        if self.down:
            raise StorageError("unreachable", transient=True)
        if self.refuse in batch:
            raise StorageError("value too long")
        return [ValueError("odd") if item == ODD else item * 10 for item in batch]


ODD = 99  # `write` answers an exception for this item alone


async def started(writer: BatchWriter[int, int], item: int) -> asyncio.Task[int]:
    """Submit `item` and let the writer begin writing it."""
    task = asyncio.create_task(writer.submit(item))
    for _ in range(3):
        await asyncio.sleep(0)
    return task


async def test_what_queues_during_a_write_goes_into_the_next_one() -> None:
    recorder = Recorder()
    writer: BatchWriter[int, int] = BatchWriter(recorder.write, max_batch=4, name="test")
    first = await started(writer, 0)
    results = await asyncio.gather(*(writer.submit(n) for n in range(1, 10)))
    assert await first == 0 and results == [n * 10 for n in range(1, 10)]
    assert recorder.batches == [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]]


async def test_a_per_item_exception_fails_that_item_only() -> None:
    recorder = Recorder()
    writer: BatchWriter[int, int] = BatchWriter(recorder.write, max_batch=50, name="test")
    results = await asyncio.gather(
        *(writer.submit(n) for n in (6, ODD, 8)), return_exceptions=True
    )
    assert results[0] == 60 and results[2] == 80
    assert isinstance(results[1], ValueError)
    assert recorder.batches == [[6, ODD, 8]]


async def test_a_refused_batch_is_replayed_one_by_one() -> None:
    recorder = Recorder()
    recorder.refuse = 3
    writer: BatchWriter[int, int] = BatchWriter(recorder.write, max_batch=50, name="test")
    first = await started(writer, 1)
    rest = await asyncio.gather(*(writer.submit(n) for n in (2, 3, ODD)), return_exceptions=True)
    assert await first == 10
    assert rest[0] == 20 and isinstance(rest[2], ValueError)
    assert isinstance(rest[1], StorageError) and not rest[1].transient
    assert recorder.batches == [[1], [2, 3, ODD], [2], [3], [ODD]]


async def test_a_transient_failure_fails_the_whole_batch_and_the_next_goes_on() -> None:
    recorder = Recorder()
    recorder.down = True
    writer: BatchWriter[int, int] = BatchWriter(recorder.write, max_batch=50, name="test")
    results = await asyncio.gather(*(writer.submit(n) for n in (1, 2)), return_exceptions=True)
    assert all(isinstance(r, StorageError) and r.transient for r in results)
    assert recorder.batches == [[1, 2]]  # not replayed one by one
    recorder.down = False
    assert await writer.submit(5) == 50


async def test_a_bug_in_write_fails_the_batch_not_the_writer() -> None:
    calls = 0

    async def broken(batch: list[int]) -> list[int | Exception]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("bug")
        return list(batch)

    writer: BatchWriter[int, int] = BatchWriter(broken, max_batch=50, name="test")
    with pytest.raises(RuntimeError, match="bug"):
        await writer.submit(1)
    assert await writer.submit(2) == 2


async def test_cancelling_the_writer_cancels_every_waiting_submission() -> None:
    recorder = Recorder()
    recorder.gate = asyncio.Event()  # the first write hangs
    writer: BatchWriter[int, int] = BatchWriter(recorder.write, max_batch=50, name="test")
    waiting = [asyncio.create_task(writer.submit(n)) for n in range(3)]
    await asyncio.sleep(0.01)
    assert recorder.batches == [[0, 1, 2]]
    queued = asyncio.create_task(writer.submit(3))  # behind the batch being written
    await asyncio.sleep(0)
    assert writer._flusher is not None
    writer._flusher.cancel()
    await writer.drain()
    for task in [*waiting, queued]:
        with pytest.raises(asyncio.CancelledError):
            await task
    assert recorder.batches == [[0, 1, 2]]  # nothing written after the cancellation
    recorder.gate = None
    assert await writer.submit(4) == 40  # a later submission starts a new writer


async def test_a_caller_that_stops_waiting_does_not_disturb_the_others() -> None:
    recorder = Recorder()
    recorder.gate = asyncio.Event()
    writer: BatchWriter[int, int] = BatchWriter(recorder.write, max_batch=50, name="test")
    impatient = asyncio.create_task(writer.submit(1))
    patient = asyncio.create_task(writer.submit(2))
    await asyncio.sleep(0.01)
    impatient.cancel()
    recorder.gate.set()
    assert await patient == 20
    with pytest.raises(asyncio.CancelledError):
        await impatient
    await writer.drain()
