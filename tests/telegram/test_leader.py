"""Several `hocvuso run` processes on one database: only the holder of the Telegram channel's
lock polls and resumes stored updates; the others stand by and take over when it stops.

Each "process" is its own `Storage` (its own pool and sessions, all PostgreSQL sees of a process)
and its own `TelegramChannel`, both on one fake Bot API. On SQLite the lock is always granted.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.channel import TelegramOptions
from bot.content import Catalog
from bot.service import utc_now
from storage import Storage
from tests.conftest import eventually, fresh_database
from tests.fakes.fake_bot_api import FakeBotApi
from tests.telegram import updates
from tests.telegram.conftest import MODES, Harness, fast_options, running_bot
from tests.telegram.test_channel import inbox_rows


class OnePollerApi(FakeBotApi):
    """The fake, counting getUpdates calls open at once (Telegram answers the second 409)."""

    def __init__(self) -> None:
        super().__init__()
        self.polling = 0
        self.most_polling = 0

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polling += 1
        self.most_polling = max(self.most_polling, self.polling)
        try:
            return await super()._api_getUpdates(params)
        finally:
            self.polling -= 1


@pytest.fixture
async def fake_api() -> AsyncIterator[OnePollerApi]:
    api = OnePollerApi()
    await api.start()
    yield api
    await api.close()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (several processes need a server)."""
    with fresh_database("postgresql", request, tmp_path) as url:
        yield url


def options(**changes: Any) -> TelegramOptions:
    return fast_options(lock_interval=0.05, stop_grace=0.2, **changes)


class Processes:
    """Start "processes" (a Storage and a running bot each); everything closes at the end."""

    def __init__(self, url: str, fake: FakeBotApi, catalog: Catalog, stack: AsyncExitStack):
        self.url, self.fake, self.catalog, self.stack = url, fake, catalog, stack
        self.count = 0

    async def bot(self, mode: str, **changes: Any) -> Harness:
        """A process with the channel built but not started (`await bot.channel.start()`)."""
        self.count += 1
        storage = Storage.open(f"{self.url}?application_name=hocvuso_{self.count}")
        self.stack.push_async_callback(storage.close)
        return await self.stack.enter_async_context(
            running_bot(
                self.fake, storage, self.catalog, mode, options=options(**changes), start=False
            )
        )


@pytest.fixture
async def processes(
    pg_url: str, fake_api: OnePollerApi, small_catalog: Catalog
) -> AsyncIterator[Processes]:
    async with AsyncExitStack() as stack:
        yield Processes(pg_url, fake_api, small_catalog, stack)


async def store_pending(storage: Storage, bot_id: int, *user_ids: int) -> None:
    """What a process that died left: "/start" updates stored, never handled."""
    for user_id in user_ids:
        update = updates.text(user_id, "/start")
        key = f"{bot_id}:{update['update_id']}"
        assert await storage.inbox.store("telegram", key, json.dumps(update), utc_now())


def all_sent(fake: FakeBotApi, user_ids: tuple[int, ...], each: int) -> bool:
    return all(len(fake.texts_to(user_id)) >= each for user_id in user_ids)


async def test_one_process_leads_at_once(
    db_url: str, fake_api: OnePollerApi, small_catalog: Catalog
) -> None:
    """SQLite (always granted) and PostgreSQL (nobody else asks): polling starts with start()."""
    storage = Storage.open(db_url)
    try:
        async with running_bot(
            fake_api, storage, small_catalog, "polling", options=options()
        ) as bot:
            assert bot.channel.leading
            await bot.send(updates.text(5_100_001, "/start"))
            assert len(fake_api.texts_to(5_100_001)) == 2
        assert not bot.channel.leading
    finally:
        await storage.close()


async def test_only_the_holder_polls_and_the_other_takes_over(
    processes: Processes, fake_api: OnePollerApi
) -> None:
    one, two = await processes.bot("polling"), await processes.bot("polling")
    await asyncio.gather(one.channel.start(), two.channel.start())
    [holder] = [bot for bot in (one, two) if bot.channel.leading]
    standby = two if holder is one else one
    learners = tuple(range(5_100_010, 5_100_016))
    fake_api.push(*(updates.text(user_id, "/start") for user_id in learners))
    await fake_api.wait_for(lambda: all_sent(fake_api, learners, 2))
    await asyncio.sleep(0.2)  # the standby asks for the lock a few times meanwhile
    assert not standby.channel.leading
    assert fake_api.most_polling == 1
    assert all(len(fake_api.texts_to(user_id)) == 2 for user_id in learners)

    # The holder stops with an update half sent: it is parked, and the next holder finishes it.
    gate = fake_api.hold(5_100_020)
    fake_api.push(updates.text(5_100_020, "/start"))
    await fake_api.wait_for(
        lambda: any(call.params.get("chat_id") == 5_100_020 for call in fake_api.arrivals)
    )
    await holder.channel.stop()
    gate.set()
    await eventually(lambda: standby.channel.leading, 5)
    await fake_api.wait_for(lambda: len(fake_api.texts_to(5_100_020)) >= 2)
    fake_api.push(updates.text(5_100_021, "/start"))  # polled by the new holder
    await fake_api.wait_for(lambda: len(fake_api.texts_to(5_100_021)) == 2)
    await standby.channel.join()
    assert all(row["processed_at"] is not None for row in await inbox_rows(standby.storage))


@pytest.mark.parametrize("mode", MODES)
async def test_processes_starting_together_resume_stored_updates_once(
    processes: Processes, fake_api: OnePollerApi, mode: str
) -> None:
    one, two = await processes.bot(mode), await processes.bot(mode)
    learners = tuple(range(5_100_030, 5_100_040))
    await store_pending(one.storage, fake_api.bot_id, *learners)
    await asyncio.gather(one.channel.start(), two.channel.start())
    assert [one.channel.leading, two.channel.leading].count(True) == 1
    await fake_api.wait_for(lambda: all_sent(fake_api, learners, 2))
    await asyncio.gather(one.channel.join(), two.channel.join())
    await asyncio.sleep(0.2)
    assert all(len(fake_api.texts_to(user_id)) == 2 for user_id in learners)  # not 4
    rows = await inbox_rows(one.storage)
    assert len(rows) == len(learners)
    assert all(row["processed_at"] is not None for row in rows)


async def test_webhook_processes_each_handle_theirs_and_the_holder_sweeps_leftovers(
    processes: Processes, fake_api: OnePollerApi
) -> None:
    one = await processes.bot("webhook", sweep_interval=0.1)
    two = await processes.bot("webhook", sweep_interval=0.1)
    await one.channel.start()
    await two.channel.start()  # registered last: the fake delivers to this one
    assert one.channel.leading and not two.channel.leading
    await two.send(updates.text(5_100_050, "/start"))  # handled where it arrived
    assert len(fake_api.texts_to(5_100_050)) == 2
    # A third process stored this one and died before handling it: the holder finds it pending
    # at two sweeps in a row and resumes it.
    await store_pending(two.storage, fake_api.bot_id, 5_100_051)
    await fake_api.wait_for(lambda: len(fake_api.texts_to(5_100_051)) >= 2)
    await asyncio.sleep(0.3)
    assert len(fake_api.texts_to(5_100_051)) == 2
    assert all(row["processed_at"] is not None for row in await inbox_rows(one.storage))
