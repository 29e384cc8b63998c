"""ChatRateLimiter: 1 message/s per chat (after a short burst), 30/s overall, 429s honoured."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.channels.telegram.ratelimit import ChatRateLimiter, Pace, retry_seconds


class FakeTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def limiter(time: FakeTime, **kwargs: Any) -> ChatRateLimiter:
    return ChatRateLimiter(clock=time.clock, sleep=time.sleep, **kwargs)


class Recorder:
    def __init__(self, time: FakeTime, failures: list[Exception] | None = None) -> None:
        self.time, self.failures = time, failures or []
        self.at: list[tuple[float, object]] = []

    async def __call__(self, chat: object) -> bool:
        self.at.append((self.time.now, chat))
        if self.failures:
            raise self.failures.pop(0)
        return True


async def send(rl: ChatRateLimiter, record: Recorder, chat: object, endpoint: str = "sendMessage"):
    data = {"chat_id": chat} if chat is not None else {}
    return await rl.process_request(record, (chat,), {}, endpoint, data, None)


def test_pace_allows_a_burst_then_spaces() -> None:
    pace = Pace(rate=1.0, burst=3)
    waits = [pace.reserve(0.0) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert not pace.idle(4.0) and pace.idle(5.0)
    with pytest.raises(ValueError):
        Pace(rate=0)


async def test_one_message_per_second_per_chat_after_the_burst() -> None:
    time = FakeTime()
    rl, record = limiter(time, per_chat_burst=1), Recorder(time)
    for _ in range(3):
        await send(rl, record, 42)
    starts = [at - 1000.0 for at, _ in record.at]
    assert starts == pytest.approx([0.0, 1.0, 2.0])


async def test_other_chats_are_not_slowed_by_a_busy_one() -> None:
    time = FakeTime()
    # Overall pacing (30/s, no burst by default) is tested below; here only chats matter.
    rl, record = limiter(time, per_chat_burst=1, overall_burst=30), Recorder(time)
    await send(rl, record, 1)
    await send(rl, record, 2)
    await send(rl, record, 3)
    assert [at for at, _ in record.at] == [1000.0, 1000.0, 1000.0]


async def test_thirty_per_second_overall() -> None:
    time = FakeTime()
    rl, record = limiter(time, overall_rate=30, overall_burst=30), Recorder(time)
    for chat in range(90):
        await send(rl, record, chat)
    elapsed = record.at[-1][0] - record.at[0][0]
    assert elapsed == pytest.approx(2.0, abs=0.05)  # 30 at once, then one every 1/30 s


async def test_requests_without_a_chat_are_not_paced() -> None:
    time = FakeTime()
    rl, record = limiter(time, overall_rate=1, overall_burst=1), Recorder(time)
    for _ in range(5):
        await send(rl, record, None, "answerCallbackQuery")
    assert {at for at, _ in record.at} == {1000.0}


async def test_retry_after_pauses_everything_and_resends_the_same_message() -> None:
    time = FakeTime()
    rl = limiter(time)
    record = Recorder(time, failures=[RetryAfter(timedelta(seconds=7))])
    assert await send(rl, record, 42) is True
    assert [at for at, _ in record.at] == [1000.0, 1007.0]
    assert rl.paused_for == 0.0


async def test_a_pause_holds_other_chats_and_unpaced_calls_too() -> None:
    time = FakeTime()
    rl = limiter(time)
    record = Recorder(time, failures=[RetryAfter(3)])
    await send(rl, record, 1)
    rl._paused_until = time.now + 5  # another request just got a 429
    await send(rl, record, None, "getMe")
    assert record.at[-1][0] == pytest.approx(1008.0)


async def test_max_retries_reraises() -> None:
    time = FakeTime()
    rl = limiter(time, max_retries=1)
    record = Recorder(time, failures=[RetryAfter(1), RetryAfter(1)])
    with pytest.raises(RetryAfter):
        await send(rl, record, 5)
    assert len(record.at) == 2


async def test_other_errors_pass_through_untouched() -> None:
    time = FakeTime()
    rl = limiter(time)
    record = Recorder(time, failures=[ValueError("boom")])
    with pytest.raises(ValueError):
        await send(rl, record, 5)


async def test_idle_chats_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.channels.telegram.ratelimit as module

    monkeypatch.setattr(module, "_PRUNE_AT", 10)
    time = FakeTime()
    rl, record = limiter(time, per_chat_burst=1), Recorder(time)
    for chat in range(10):
        await send(rl, record, chat)
    time.now += 5
    await send(rl, record, "new")
    assert list(rl._chats) == ["new"]


async def test_many_busy_chats_are_not_scanned_for_every_new_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.channels.telegram.ratelimit as module

    monkeypatch.setattr(module, "_PRUNE_AT", 10)
    checks = 0
    real_idle = Pace.idle

    def counted(self: Pace, now: float) -> bool:
        nonlocal checks
        checks += 1
        return real_idle(self, now)

    monkeypatch.setattr(Pace, "idle", counted)
    time = FakeTime()
    rl, record = limiter(time, per_chat_rate=0.01, per_chat_burst=1), Recorder(time)
    for chat in range(1000):  # every chat stays busy (its next slot is 100 s away)
        await send(rl, record, chat)
    assert len(rl._chats) == 1000
    assert checks < 3 * 1000  # a scan per doubling, not one per new chat
    time.now += 1000
    for chat in range(1000, 3000):  # the next clean-up forgets the idle ones
        await send(rl, record, chat)
    assert 0 not in rl._chats and "0" not in rl._chats and len(rl._chats) < 3000


def test_retry_seconds_accepts_both_forms() -> None:
    assert retry_seconds(RetryAfter(timedelta(seconds=2.5))) == 2.5
    assert retry_seconds(RetryAfter(35)) == 35.0


async def test_by_default_no_second_holds_more_than_thirty() -> None:
    time = FakeTime()
    rl, record = limiter(time), Recorder(time)
    for chat in range(61):
        await send(rl, record, chat)
    starts = [at for at, _ in record.at]
    # Exactly 1/30 s apart: the 31st lands one second after the first (allowing float error).
    assert max(sum(1 for t in starts if 0 <= t - s < 1.0 - 1e-9) for s in starts) <= 30
    assert starts[-1] - starts[0] == pytest.approx(2.0, abs=0.05)  # evenly, 1/30 s apart
