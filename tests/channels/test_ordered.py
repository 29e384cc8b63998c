"""KeyedDispatcher: strictly in order per key, concurrent across keys, bounded, closable."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.ordered import KeyedDispatcher


async def test_in_order_per_key_and_concurrent_across_keys() -> None:
    log: list[str] = []
    running, peak = 0, 0

    async def work(item: str) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01 if item.startswith("a") else 0.001)
        log.append(item)
        running -= 1

    dispatcher: KeyedDispatcher[str] = KeyedDispatcher(work, max_active=10)
    for n in range(5):
        dispatcher.submit("a", f"a{n}")
        dispatcher.submit("b", f"b{n}")
    await asyncio.wait_for(dispatcher.join(), 5)
    assert [x for x in log if x[0] == "a"] == [f"a{n}" for n in range(5)]
    assert [x for x in log if x[0] == "b"] == [f"b{n}" for n in range(5)]
    assert log.index("b4") < log.index("a1")  # b did not wait for a
    assert peak == 2 and dispatcher.backlog == 0


async def test_at_most_max_active_at_once() -> None:
    running, peak = 0, 0

    async def work(_item: int) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.005)
        running -= 1

    dispatcher: KeyedDispatcher[int] = KeyedDispatcher(work, max_active=3)
    for n in range(20):
        dispatcher.submit(str(n), n)
    await dispatcher.join()
    assert peak == 3


async def test_a_failing_item_does_not_stop_the_next(caplog: pytest.LogCaptureFixture) -> None:
    done: list[int] = []

    async def work(item: int) -> None:
        if item == 1:
            raise ValueError("boom")
        done.append(item)

    dispatcher: KeyedDispatcher[int] = KeyedDispatcher(work, max_active=1)
    for n in range(3):
        dispatcher.submit("k", n)
    await dispatcher.join()
    assert done == [0, 2] and "boom" in caplog.text


async def test_close_waits_then_cancels() -> None:
    gate = asyncio.Event()
    finished: list[int] = []

    async def work(item: int) -> None:
        if item == 2:
            await gate.wait()
        finished.append(item)

    dispatcher: KeyedDispatcher[int] = KeyedDispatcher(work, max_active=5)
    dispatcher.submit("x", 1)
    dispatcher.submit("y", 2)
    await dispatcher.close(grace=0.05)
    assert finished == [1]
    assert dispatcher.submit("z", 3) is False
    await dispatcher.join()
