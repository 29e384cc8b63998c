"""Sending on Zalo OA: the 7-day reply window, out-of-window errors, rate limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.channels.zalo_oa.adapter import CHANNEL
from bot.content import Catalog
from storage import Storage
from storage.tables import outbox_t
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.zalo.conftest import FAST, OALearner, inbox_rows, running_oa

ANNA, BINH = "1000000000000000001", "1000000000000000002"


async def remind(storage: Storage, clock: Clock, user: str, text: str) -> int:
    """What the scheduler does: a proactive message in the outbox."""
    async with storage.unit_of_work(clock.now()) as uow:
        row = await storage.outbox.enqueue(
            uow,
            channel=CHANNEL,
            recipient=user,
            payload={"text": text, "choices": []},
            kind="reminder",
        )
    assert row is not None
    return row


async def outbox_row(storage: Storage, row_id: int) -> dict[str, Any]:
    async with storage.reading() as conn:
        row = (await conn.execute(select(outbox_t).where(outbox_t.c.id == row_id))).mappings()
        return dict(row.one())


async def identity(storage: Storage, user: str) -> dict[str, Any]:
    [row] = await storage.rows("channel_identity", external_id=user)
    return row


async def test_proactive_messages_respect_the_reply_window(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(storage, a1_catalog, fake, clock, fake.consent()) as oa:
        anna, binh = OALearner(oa, ANNA), OALearner(oa, BINH)
        await anna.follow()
        clock.advance(timedelta(days=3))
        await binh.follow()
        clock.advance(timedelta(days=4, hours=1))  # Anna wrote 7 days 1 hour ago, Binh 4 days

        attempts = fake.oa_attempts
        to_anna = await remind(storage, clock, ANNA, "Nhắc Anna học bài")
        to_binh = await remind(storage, clock, BINH, "Nhắc Bình học bài")
        await oa.drain_outbox()
        assert fake.oa_attempts == attempts + 1  # nothing was even tried for Anna
        assert (await outbox_row(storage, to_anna))["status"] == "skipped"
        assert "7-day" in (await outbox_row(storage, to_anna))["last_error"]
        assert (await outbox_row(storage, to_binh))["status"] == "sent"
        assert fake.messages_to(BINH)[-1].text == "Nhắc Bình học bài"
        assert not [m for m in fake.messages_to(ANNA) if "Nhắc" in m.text]

        # Zalo's view of the window decides in the end: -230 marks Binh unreachable.
        fake.fail_next_sends(-230)
        second = await remind(storage, clock, BINH, "Nhắc lần hai")
        await oa.drain_outbox()
        assert (await outbox_row(storage, second))["status"] == "skipped"
        assert "-230" in (await identity(storage, BINH))["unreachable_reason"]
        attempts = fake.oa_attempts
        third = await remind(storage, clock, BINH, "Nhắc lần ba")
        await oa.drain_outbox()
        assert fake.oa_attempts == attempts  # never tried while unreachable
        assert "unreachable" in (await outbox_row(storage, third))["last_error"]

        # ... until Binh writes again.
        await binh.say("menu")
        assert binh.last and (await identity(storage, BINH))["unreachable_since"] is None
        fourth = await remind(storage, clock, BINH, "Nhắc lần bốn")
        await oa.drain_outbox()
        assert (await outbox_row(storage, fourth))["status"] == "sent"


async def test_out_of_window_error_on_a_reply_marks_the_learner(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(sqlite_storage, a1_catalog, fake, clock, fake.consent()) as oa:
        anna = OALearner(oa, ANNA)
        await anna.follow()
        fake.fail_next_sends(-230)
        assert await anna.say("menu") == []  # the first send failed; the rest were not tried
        assert "-230" in (await identity(sqlite_storage, ANNA))["unreachable_reason"]
        rows = await inbox_rows(sqlite_storage, CHANNEL)
        assert all(row["processed_at"] is not None for row in rows)
        await anna.say("menu")  # writing again clears it
        assert anna.last and (await identity(sqlite_storage, ANNA))["unreachable_since"] is None


async def test_rate_limits_back_off_and_retry_without_dropping(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(storage, a1_catalog, fake, clock, fake.consent()) as oa:
        control = OALearner(oa, BINH)
        await control.follow()
        expected = [m.text for m in control.last]

        anna = OALearner(oa, ANNA)
        fake.fail_next_sends(-32, times=2)
        fake.fail_next_sends(0, times=1, http_status=429)
        attempts = fake.oa_attempts
        await anna.follow()
        assert [m.text for m in anna.last] == expected  # all of them, in order
        assert fake.oa_attempts == attempts + len(expected) + 3

        # Longer than the in-place retries: the event goes back to the inbox and is retried.
        fake.fail_next_sends(-32, times=FAST.attempts + 2)
        await anna.choose("Đồng ý")
        texts = [m.text for m in anna.last]
        assert texts and len(texts) == len(set(texts))  # nothing sent twice
        assert any(m.buttons for m in anna.last)
        [row] = [r for r in await inbox_rows(storage, CHANNEL) if r["attempts"]]
        assert row["processed_at"] is not None and "rate limited" in row["last_error"]
