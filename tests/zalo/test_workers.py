"""Two `hocvuso run` processes behind one address, sharing one PostgreSQL database: webhooks
reach either, every update is answered once, proactive messages go out once, and when the
draining process stops the other one takes over."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.channels.inbox_channel import Delivery
from bot.content import Catalog
from storage import Storage
from tests.conftest import eventually, fresh_database
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.web.journey import first_lesson
from tests.zalo.conftest import (
    BotHarness,
    BotLearner,
    assert_first_lesson_recorded,
    running_bot,
)

TED = "6ede9afa66b88fe6d6a9"
CHANNEL = "zalo_bot"


@pytest.fixture
async def pg_storages(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two processes' connection pools on one fresh PostgreSQL database."""
    with fresh_database("postgresql", request, tmp_path) as url:
        pools = (Storage.open(url), Storage.open(url))
        yield pools
        for pool in pools:
            await pool.close()


class EitherProcess(BotLearner):
    """A learner whose messages the load balancer hands to the processes in turn."""

    def __init__(self, harnesses: list[BotHarness], user_id: str) -> None:
        super().__init__(harnesses[0], user_id)
        self._next: Iterator[BotHarness] = itertools.cycle(harnesses)

    async def say(self, text: str) -> list:  # type: ignore[type-arg]
        self.h = next(self._next)
        return await super().say(text)


def count_sends(harness: BotHarness, sent: dict[str, int], name: str) -> None:
    runtime = harness.runtime
    send = runtime.send_payload

    async def counting(recipient: str, payload: str) -> Delivery:
        sent[name] += 1
        return await send(recipient, payload)

    runtime.send_payload = counting  # type: ignore[method-assign]


async def test_two_processes_answer_each_update_once_and_hand_over(
    pg_storages: tuple[Storage, Storage], a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    lesson, _quiz = first_lesson(a1_catalog)
    sent = {"one": 0, "two": 0}
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(
            running_bot(pg_storages[0], a1_catalog, fake, clock, "webhook", outbox_interval=0.05)
        )
        await eventually(lambda: one.runtime.worker.leading)
        two = await stack.enter_async_context(
            running_bot(pg_storages[1], a1_catalog, fake, clock, "webhook", outbox_interval=0.05)
        )
        count_sends(one, sent, "one")
        count_sends(two, sent, "two")

        learner = EitherProcess([one, two], TED)
        await learner.say("/start")
        await learner.choose("Đồng ý")
        await learner.choose(f"Học bài: {lesson.title}")
        await learner.finish_first_lesson(a1_catalog)
        assert sent["one"] == len(fake.bot_messages_to(TED)) and sent["two"] == 0
        texts = [m.text for m in fake.bot_messages_to(TED)]

        # A proactive message: both outbox jobs run, only the draining process sends.
        async with pg_storages[1].unit_of_work(clock.now()) as uow:
            await pg_storages[1].outbox.enqueue(
                uow,
                channel=CHANNEL,
                recipient=TED,
                payload={"text": "Nhắc học bài"},
            )
        await fake.wait_for(lambda: fake.bot_messages_to(TED)[-1].text == "Nhắc học bài")
        await asyncio.sleep(0.2)  # several more outbox rounds of both processes
        reminders = [m for m in fake.bot_messages_to(TED) if m.text == "Nhắc học bài"]
        assert len(reminders) == 1 and sent["two"] == 0

        # The draining process stops; the other one takes over.
        await one.runtime.stop()
        await eventually(lambda: two.runtime.worker.leading)
        before = len(fake.bot_messages_to(TED))
        await BotLearner(two, TED).say("menu")
        assert len(fake.bot_messages_to(TED)) > before and sent["two"] > 0
        assert texts == [m.text for m in fake.bot_messages_to(TED)][: len(texts)]
    await assert_first_lesson_recorded(pg_storages[0], a1_catalog, CHANNEL)
