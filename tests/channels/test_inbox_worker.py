"""Several worker processes on one database: only the holder of a channel's lock drains its
inbox; the others store events, wake the holder, and take over when it stops or dies.

Each "process" here is its own `Storage` (its own connection pool, its own sessions), which is
all PostgreSQL sees of a process. On SQLite one process is the norm and the lock always holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from bot.channels.inbox_worker import InboxWorker
from bot.service import utc_now
from storage import InboxItem, Storage
from tests.conftest import PG_ADMIN, eventually, fresh_database

CHANNEL = "zalo_bot"
Handled = list[tuple[str, str]]


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (several processes need a server)."""
    with fresh_database("postgresql", request, tmp_path) as url:
        yield url


class Process:
    """One worker process: its own pool, an inbox worker on CHANNEL with the lock."""

    def __init__(
        self,
        url: str,
        name: str,
        handled: Handled,
        *,
        poll_interval: float = 0.05,
        block: asyncio.Event | None = None,
    ) -> None:
        self.name = name
        self.storage = Storage.open(f"{url}?application_name=hocvuso_{name}")
        self.handled, self.block = handled, block
        self.worker = InboxWorker(
            self.storage.inbox,
            CHANNEL,
            self._process,
            lambda item: item.payload.split(":")[0],
            clock=utc_now,
            poll_interval=poll_interval,
            lock=self.storage.locks.leader(CHANNEL),
        )

    async def _process(self, item: InboxItem) -> None:
        if self.block is not None:
            await self.block.wait()  # frozen mid-event
        self.handled.append((self.name, item.event_key))

    async def store(self, key: str, user: str) -> None:
        """What a webhook does: keep the event, wake whoever drains."""
        assert await self.storage.inbox.store(CHANNEL, key, f"{user}:{key}", utc_now())
        await self.worker.stored()

    async def close(self) -> None:
        await self.worker.stop()
        await self.storage.close()


@pytest.fixture
async def processes(pg_url: str) -> AsyncIterator[Callable[..., Process]]:
    started: list[Process] = []

    def start(name: str, handled: Handled, **options: object) -> Process:
        process = Process(pg_url, name, handled, **options)  # type: ignore[arg-type]
        started.append(process)
        return process

    yield start
    for process in started:
        await process.close()


async def test_only_the_holder_drains_in_order_and_the_other_takes_over(
    processes: Callable[..., Process],
) -> None:
    handled: Handled = []
    one, two = processes("one", handled), processes("two", handled)
    await one.worker.start()
    await eventually(lambda: one.worker.leading)
    await two.worker.start()
    keys = [f"e{i:02d}" for i in range(40)]
    for index, key in enumerate(keys):  # webhooks reach both processes
        await (one if index % 2 else two).store(key, f"user{index % 4}")
    await two.worker.wait_idle()

    assert sorted(key for _, key in handled) == keys  # each exactly once
    assert {name for name, _ in handled} == {"one"}
    assert one.worker.leading and not two.worker.leading
    for user in range(4):  # one learner's events in the order they came
        theirs = [key for _, key in handled if int(key[1:]) % 4 == user]
        assert theirs == sorted(theirs)

    await one.worker.stop()  # a clean stop frees the lock at once
    handled.clear()
    await two.store("after-stop", "user0")
    await two.worker.wait_idle()
    assert handled == [("two", "after-stop")] and two.worker.leading


async def test_a_dead_holder_is_replaced_and_its_unfinished_event_handled_once(
    processes: Callable[..., Process], caplog: pytest.LogCaptureFixture
) -> None:
    handled: Handled = []
    frozen = asyncio.Event()
    one = processes("one", handled, block=frozen)
    two = processes("two", handled)
    await one.worker.start()
    await eventually(lambda: one.worker.leading)
    await two.worker.start()
    await two.store("stuck", "user0")
    await eventually(lambda: one.worker.busy)  # one took it and hangs

    # The holder's machine goes away: PostgreSQL ends its sessions, the lock is free.
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'hocvuso_one'"
        )
    await two.worker.wait_idle()
    assert handled == [("two", "stuck")] and two.worker.leading
    # The old holder noticed, stopped its work and stands by.
    await eventually(lambda: not one.worker.leading)
    assert not one.worker.busy
    frozen.set()
    await two.store("later", "user0")
    await two.worker.wait_idle()
    assert handled == [("two", "stuck"), ("two", "later")]
    assert any("lost the inbox lock" in r.getMessage() for r in caplog.records)


async def test_an_event_stored_elsewhere_wakes_the_holder_at_once(
    processes: Callable[..., Process],
) -> None:
    handled: Handled = []
    one = processes("one", handled, poll_interval=30.0)  # it would not look for 30 s
    two = processes("two", handled, poll_interval=30.0)
    await one.worker.start()
    await eventually(lambda: one.worker.leading)
    await two.worker.start()
    await asyncio.sleep(0.1)  # both are asleep now
    loop = asyncio.get_running_loop()
    began = loop.time()
    await two.store("ping", "user0")
    await eventually(lambda: bool(handled), seconds=5)
    assert handled == [("one", "ping")] and loop.time() - began < 2


async def test_on_sqlite_the_lock_always_holds(
    sqlite_storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    lock = sqlite_storage.locks.leader(CHANNEL)
    assert not lock.shared and lock.held and await lock.hold()
    await lock.notify()  # nothing to notify: one process
    await lock.release()
    assert lock.held
    handled: Handled = []

    async def process(item: InboxItem) -> None:
        handled.append(("only", item.event_key))

    worker = InboxWorker(
        sqlite_storage.inbox, CHANNEL, process, lambda _: "-", clock=utc_now, lock=lock
    )
    assert worker.leading
    await worker.start()
    try:
        await sqlite_storage.inbox.store(CHANNEL, "k", "-:k", utc_now())
        await worker.stored()
        await worker.wait_idle()
    finally:
        await worker.stop()
    assert handled == [("only", "k")] and worker.leading
