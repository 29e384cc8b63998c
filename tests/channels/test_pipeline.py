"""InboxPipeline in `Drain.LOCAL` mode (Telegram's), on one process: what this process stored is
handled at once and once, leftovers are resumed at start, a stop parks what is still running.
`Drain.LEADER` (the Zalo worker) is covered by test_inbox_worker.py, several processes by it and
tests/telegram/test_leader.py."""

from __future__ import annotations

import asyncio

from bot.channels.pipeline import Drain, InboxPipeline
from bot.service import utc_now
from storage import InboxItem, Storage
from tests.conftest import eventually

CHANNEL = "telegram"


class Channel:
    """A channel on the pipeline: jobs are "<user>:<text>" payloads; marks rows processed."""

    def __init__(self, storage: Storage, *, block: str | None = None) -> None:
        self.inbox = storage.inbox
        self.handled: list[str] = []
        self.leads: list[bool] = []
        self.block, self.gate = block, asyncio.Event()
        self.pipeline: InboxPipeline[InboxItem] = InboxPipeline(
            self.inbox,
            CHANNEL,
            self.work,
            lambda item: (item.payload.split(":")[0], item),
            drain=Drain.LOCAL,
            interval=0.05,
            stop_grace=0.05,
            on_lead=self.on_lead,
        )

    async def work(self, item: InboxItem) -> None:
        if item.payload == self.block:
            await self.gate.wait()
        self.handled.append(item.payload)
        await self.inbox.mark_processed(item.id, utc_now())

    async def on_lead(self, leading: bool) -> None:
        self.leads.append(leading)

    async def store(self, payload: str) -> InboxItem:
        """What a webhook does in this mode: store, then hand it on in this process."""
        inbox_id = await self.inbox.store(CHANNEL, payload, payload, utc_now())
        assert inbox_id is not None
        [item] = [i for i in await self.inbox.pending(CHANNEL, limit=100) if i.id == inbox_id]
        return item


async def test_stored_here_is_handled_once_in_order_and_leftovers_are_resumed(
    sqlite_storage: Storage,
) -> None:
    channel = Channel(sqlite_storage)
    left = await channel.store("u1:left over")  # stored by an earlier run, never handled
    await channel.pipeline.start()
    assert channel.pipeline.leading and channel.leads == [True]
    await eventually(lambda: channel.handled == [left.payload])  # resumed on taking the lock
    items = [await channel.store(f"u{n % 2}:{n}") for n in range(6)]
    for item in items:
        key, job = item.payload.split(":")[0], item
        assert channel.pipeline.submit(item.id, key, job)
    await eventually(lambda: len(channel.handled) == 7)
    await channel.pipeline.join()
    assert not channel.pipeline.submit(items[0].id, "u0", items[0])  # finished: not again
    assert not channel.pipeline.submit(left.id, "u1", left)
    assert channel.handled.count(left.payload) == 1
    for user in ("u0", "u1"):
        theirs = [p for p in channel.handled if p.startswith(user) and p != left.payload]
        assert theirs == sorted(theirs, key=lambda p: int(p.split(":")[1]))
    await channel.pipeline.stop()
    assert channel.leads == [True, False] and not channel.pipeline.running
    assert not await channel.inbox.pending(CHANNEL)


async def test_a_stop_parks_what_is_running_and_the_next_start_resumes_it(
    sqlite_storage: Storage,
) -> None:
    channel = Channel(sqlite_storage, block="u1:stuck")
    await channel.pipeline.start()
    stuck = await channel.store("u1:stuck")
    channel.pipeline.submit(stuck.id, "u1", stuck)
    await eventually(lambda: channel.pipeline.busy)
    await channel.pipeline.stop()  # the grace runs out: parked, still pending
    assert channel.handled == [] and not channel.pipeline.busy
    assert not channel.pipeline.submit(stuck.id, "u1", stuck)  # stopped: takes nothing
    assert [item.id for item in await channel.inbox.pending(CHANNEL)] == [stuck.id]

    channel.gate.set()
    await channel.pipeline.start()  # a restart resumes it
    await eventually(lambda: channel.handled == ["u1:stuck"])
    await channel.pipeline.stop()
