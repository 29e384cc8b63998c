"""A nudge on Zalo OA respects the platform's 7-day window: the ambassador nudges two stalled
villagers; the one who wrote 4 days ago gets it, the one silent for 8 days is skipped by the
outbox drain (Zalo would refuse it) instead of being sent."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.content import Catalog
from storage import Storage
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.roster.world import BA_DINH, local
from tests.zalo.conftest import OALearner, running_oa

AMBASSADOR, BINH, CUONG = "1000000000000000021", "1000000000000000022", "1000000000000000023"
START = date(2026, 3, 2)


@pytest.fixture
def clock() -> Clock:
    return Clock(local(START, 9))


async def test_a_nudge_outside_the_7_day_window_is_skipped_not_sent(
    storage: Storage, small_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(storage, small_catalog, fake, clock, fake.consent()) as oa:
        ambassador, binh, cuong = (OALearner(oa, user) for user in (AMBASSADOR, BINH, CUONG))
        await ambassador.follow()
        await ambassador.choose("Đồng ý")
        await ambassador.choose("Bỏ qua phần này")
        issued = await storage.ambassadors.issue(
            province="01", commune=BA_DINH, now=clock.now(), valid_for=timedelta(days=14)
        )
        await ambassador.say(f"/daisu {issued.code}")
        await ambassador.say("/moi")
        found = re.search(r"/thamgia ([A-Z0-9]{6})", ambassador.said)
        assert found is not None
        for villager in (binh, cuong):
            await villager.follow()
            await villager.say(f"/thamgia {found.group(1)}")
            await villager.choose("Đồng ý")
            assert "Bác đã tham gia theo lời mời của Đại sứ số" in villager.said

        clock.advance(timedelta(days=4))
        await cuong.say("menu")  # Cường writes on day 4, Bình never again
        clock.advance(local(START + timedelta(days=8), 10) - clock.now())
        await ambassador.say("/danhsach")
        assert "⚠️ Chưa học 3 ngày: 2 người" in ambassador.said
        await ambassador.choose("📨 Nhắc 2 người cần giúp")
        assert "📨 Mình đã lên lịch nhắc 2 người: Người học 1, Người học 2." in ambassador.said

        before = {user: len(fake.messages_to(user)) for user in (BINH, CUONG)}
        assert (await oa.drain_outbox()).outcomes == {"sent": 1, "skipped": 1}
        [nudge] = fake.messages_to(CUONG)[before[CUONG] :]
        assert "Đại sứ số của Phường Ba Đình" in nudge.text
        assert fake.messages_to(BINH)[before[BINH] :] == []
        rows = {r["recipient"]: r for r in await storage.rows("outbox_message", kind="nudge")}
        assert rows[BINH]["status"] == "skipped" and "7-day" in rows[BINH]["last_error"]
        assert rows[CUONG]["status"] == "sent"
