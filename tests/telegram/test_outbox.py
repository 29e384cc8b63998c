"""Telegram sends first: an announcement to 500 learners through the outbox, under Telegram's
limits as the fake enforces them (30 messages/s overall, 1/s per chat, 429 + retry_after
beyond), with a learner who blocked the bot, and a drain cut by a crash."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.channels.telegram.ratelimit import ChatRateLimiter
from bot.content import Catalog
from bot.core import InboundMessage, InputKind
from bot.outbox import OutboxDrainer, queue_announcement
from bot.scheduler import Scheduler
from bot.service import ConversationService, utc_now
from storage import Storage
from tests.conftest import eventually
from tests.fakes.fake_bot_api import FakeBotApi
from tests.telegram.conftest import running_bot

TEXT = "Thông báo: Ngày hội Bình dân học vụ số vào Chủ nhật này tại nhà văn hoá xã."
FIRST_ID = 7_000_000


async def enrol(storage: Storage, catalog: Catalog, users: list[int]) -> None:
    """Learners who wrote to the bot on Telegram and agreed (as the dialogue records it)."""
    service = ConversationService(storage, catalog)

    def say(user: int, text: str) -> InboundMessage:
        return InboundMessage(
            channel="telegram",
            user_ref=str(user),
            kind=InputKind.TEXT,
            text=text,
            received_at=utc_now(),
        )

    await asyncio.gather(*(service.handle(say(user, "/start")) for user in users))
    await asyncio.gather(*(service.handle(say(user, "Đồng ý")) for user in users))


def busiest_second(times: list[float]) -> int:
    """The most sends accepted within any one second."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_an_announcement_reaches_500_learners_once_within_telegrams_limits(
    sqlite_storage: Storage, small_catalog: Catalog, fake_api: FakeBotApi
) -> None:
    users = list(range(FIRST_ID, FIRST_ID + 501))
    blocked = users[123]
    await enrol(sqlite_storage, small_catalog, users)
    fake_api.enforce_limits(per_second=30, per_chat=1.0)
    fake_api.fail(
        "sendMessage",
        status=403,
        description="Forbidden: bot was blocked by the user",
        chat_id=blocked,
        times=5,
    )
    async with running_bot(
        fake_api, sqlite_storage, small_catalog, "polling", limiter=ChatRateLimiter()
    ) as bot:
        assert await queue_announcement(sqlite_storage, TEXT, utc_now()) == 501
        scheduler = Scheduler(
            sqlite_storage,
            zone=ZoneInfo("Asia/Ho_Chi_Minh"),
            retention=None,
            clock=utc_now,
            outbox_interval=0.5,
        )
        scheduler.add_channels([bot.channel])
        scheduler.start()
        try:
            await fake_api.wait_for(
                lambda: sum(m.text == TEXT for m in fake_api.sent) >= 500, within=90
            )
            await eventually(lambda: scheduler.drainers["telegram"]._running.locked() is False, 10)
        finally:
            await scheduler.shutdown()

    announced = [m for m in fake_api.sent if m.text == TEXT]
    per_chat = Counter(m.chat_id for m in announced)
    assert set(per_chat) == set(users) - {blocked}  # nobody lost
    assert set(per_chat.values()) == {1}  # nobody twice
    assert busiest_second([m.at for m in announced]) <= 30  # never faster than Telegram allows
    # The limiter paces: Telegram's flood control hardly ever had to step in.
    assert len(fake_api.rate_limited) <= 25
    counts = await sqlite_storage.outbox.counts()
    assert counts["telegram"]["sent"] == 500 and counts["telegram"]["skipped"] == 1
    [row] = await sqlite_storage.rows("channel_identity", external_id=str(blocked))
    assert row["unreachable_since"] is not None and "blocked" in row["unreachable_reason"]
    [skipped] = [
        r for r in await sqlite_storage.rows("outbox_message") if r["status"] == "skipped"
    ]
    assert skipped["recipient"] == str(blocked)
    # A second announcement skips the learner who blocked the bot at once: not even queued.
    assert await queue_announcement(sqlite_storage, "Lần hai", utc_now()) == 500


async def test_a_drain_cut_by_a_crash_sends_no_row_twice(
    storage: Storage, small_catalog: Catalog, fake_api: FakeBotApi
) -> None:
    users = list(range(FIRST_ID, FIRST_ID + 12))
    await enrol(storage, small_catalog, users)
    held = users[5]
    gate = fake_api.hold(held)  # this learner's send is in flight when the process dies
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        assert await queue_announcement(storage, TEXT, utc_now()) == 12
        drainer = OutboxDrainer(storage, bot.channel, clock=utc_now, concurrency=4)
        drain = asyncio.create_task(drainer.drain())
        await fake_api.wait_for(
            lambda: any(c.params.get("chat_id") == held for c in fake_api.arrivals)
        )
        await fake_api.wait_for(lambda: len(fake_api.sent) >= 8)
        drain.cancel()  # the crash: nothing more is marked
        await asyncio.gather(drain, return_exceptions=True)
    rows = await storage.rows("outbox_message")
    marked = {int(r["recipient"]) for r in rows if r["status"] == "sent"}
    in_flight = {int(r["recipient"]) for r in rows if r["status"] == "sending"}
    assert marked and in_flight and held in in_flight

    # A new process, after the dead one's claims have run out.
    later = datetime.now(UTC) + timedelta(minutes=6)
    gate.set()
    fake_api._holds.clear()
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        report = await OutboxDrainer(storage, bot.channel, clock=lambda: later).drain()
    announced = Counter(m.chat_id for m in fake_api.sent if m.text == TEXT)
    assert set(announced) == set(users)
    assert all(announced[user] == 1 for user in marked)  # a row marked sent never goes again
    # Only sends cut mid-flight (accepted, not yet marked) may repeat, once; at most one per
    # concurrent send of the dead process.
    repeated = [user for user, times in announced.items() if times > 1]
    assert set(repeated) <= in_flight and max(announced.values()) <= 2 and len(repeated) <= 4
    # At most the rows the dead process left unmarked (a send it had in flight when it was cut
    # may still be marked by its own task as it unwinds, so fewer is fine).
    assert report.outcomes["sent"] <= len(users) - len(marked)
    assert {r["status"] for r in await storage.rows("outbox_message")} == {"sent"}
