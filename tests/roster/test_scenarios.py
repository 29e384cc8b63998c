"""The roster end to end, on SQLite and PostgreSQL, with the ambassador on the web chat (its
JSON API over HTTP) or on Telegram (the real channel against the fake Bot API), and villagers
on both: stalled detection on a moved clock, nudges and their limits (one a day, reminders off,
quiet hours) delivered through the outbox, a real-world skill confirmed and shown in the
villager's `/tiendo`, the weekly summary's button, and the roster refused to a villager."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.content import Catalog
from bot.reminders import WeeklySummaryJob
from storage import Storage
from tests.fakes.fake_bot_api import FakeBotApi
from tests.roster.world import (
    DAY,
    ZONE,
    Clock,
    Person,
    World,
    local,
    read_first_lesson,
    running,
)

REFUSED = "Lệnh này dành cho Đại sứ số của xã"


def ambassador_on(world: World, channel: str) -> Person:
    return world.web() if channel == "webchat" else world.tg(7_100_001)


@pytest.mark.parametrize("channel", ["webchat", "telegram"])
async def test_stalled_villagers_nudges_and_a_confirmed_skill(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    clock = Clock(local(DAY, 9))
    async with running(fake_api, storage, small_catalog, clock) as world:
        ambassador = ambassador_on(world, channel)
        invite = await world.ambassador(ambassador)
        anna, binh, chi = world.tg(7_200_001), world.web(), world.tg(7_200_002)
        for person in (anna, binh, chi):
            await world.villager(person, invite)
        assert "Không cần nhắc" in await chi.say("/nhacnho") + "".join(chi.labels())
        await chi.tap("Không cần nhắc")
        await read_first_lesson(anna)  # a completed step today

        # Two days on, nobody is stalled yet; Bình learns that day.
        clock.set(DAY + timedelta(days=2), 10)
        said = await ambassador.say("/danhsach")
        assert "👥 Bà con của bác: 3 người" in said and "⚠️" not in said
        await read_first_lesson(binh)

        # Day 3: Anna and Chi have done nothing for 3 days.
        clock.set(DAY + timedelta(days=3), 10)
        said = await ambassador.say("/danhsach")
        assert "⚠️ Chưa học 3 ngày: 2 người" in said
        assert "⚠️ Người học 1 · Telegram\n░░░░░░ 0/2 · 3 ngày trước" in said
        assert "Người học 2 · trang web\n░░░░░░ 0/2 · hôm qua" in said
        assert "⚠️ Người học 3 · Telegram" in said
        assert ambassador.labels() == [
            "⚠️ Người học 1",
            "Người học 2",
            "⚠️ Người học 3",
            "📨 Nhắc 2 người cần giúp",
            "Menu",
        ]
        said = await ambassador.tap("Nhắc 2 người cần giúp")
        assert "📨 Mình đã lên lịch nhắc 1 người: Người học 1." in said
        assert "• Người học 3: đã tắt nhắc học" in said

        before = len(anna.messages)
        assert (await world.drain_telegram()).outcomes == {"sent": 1}
        [nudge] = anna.messages[before:]
        assert nudge.text is not None
        assert nudge.text.startswith("👋 Đại sứ số của Phường Ba Đình, Hà Nội nhắc bác")
        # Anna read lesson one but left its quiz: "Học ngay" goes back there, so the nudge says so.
        assert "“Bài thử một”" in nudge.text
        assert [label for label, _data in nudge.buttons] == ["Học ngay", "Đổi giờ nhắc học"]

        # The same day again: Anna has had hers, Chi turned reminders off.
        await ambassador.say("/danhsach")
        said = await ambassador.tap("Nhắc 2 người cần giúp")
        assert "Mình chưa gửi lời nhắc nào." in said
        assert "• Người học 1: đã được nhắc trong ngày rồi" in said
        assert (await world.drain_telegram()).handled == 0

        # The nudge works: Anna takes the quiz of the lesson it named, and needs no hand any more.
        assert "Bài thử một" in await anna.tap("Học ngay")
        await anna.tap("Làm bài kiểm tra")
        await anna.tap("Nút nguồn")
        await anna.tap("Sai")
        await anna.tap("Mã OTP")
        await anna.tap("Mật khẩu")
        await anna.tap("Xong")
        assert "4/4" in await anna.say("nguon")
        said = await ambassador.say("/danhsach")
        assert "⚠️ Chưa học 3 ngày: 1 người" in said and "Người học 1 · Telegram" in said
        assert "⚠️ Người học 1" not in said

        # Bình, on the web chat, is nudged alone and sees it when the page opens.
        said = await ambassador.tap("Người học 2")
        assert "Hoạt động gần nhất: hôm qua" in said
        said = await ambassador.tap("Nhắc học")
        assert "📨 Mình đã lên lịch nhắc Người học 2." in said
        assert "Bà con dùng trang web, nên sẽ thấy lời nhắc khi mở lại trang." in said
        [shown] = await binh.opens_the_page()
        assert str(shown["text"]).startswith("👋 Đại sứ số của Phường Ba Đình")
        assert await binh.opens_the_page() == []

        # Anna paid with a QR code in front of the ambassador.
        await ambassador.tap("Về danh sách")
        await ambassador.tap("Người học 1")
        await ambassador.tap("Xác nhận kỹ năng đã làm thật")
        assert "Bác đã tận mắt thấy Người học 1" in await ambassador.tap("Thanh toán bằng mã QR")
        said = await ambassador.tap("Đúng, tôi đã thấy")
        assert "✅ Đã ghi nhận: Người học 1 đã tự làm “Thanh toán bằng mã QR”" in said
        [mine] = await storage.rows("ambassador")
        [skill] = await storage.rows("skill_confirmation")
        assert (skill["learner_id"], skill["skill"], skill["confirmed_by"]) == (
            (await storage.rows("channel_identity", external_id=anna.ref))[0]["learner_id"],
            "qr_payment",
            mine["id"],
        )

        said = await anna.say("/tiendo")
        assert "🏅 Kỹ năng đã làm thật (Đại sứ số xác nhận):" in said
        assert "✔ Thanh toán bằng mã QR · 13/03/2026" in said
        assert REFUSED in await anna.say("/danhsach")
        assert REFUSED in await binh.say("/danhsach")


async def test_a_nudge_asked_for_at_night_goes_out_at_seven(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    clock = Clock(local(DAY, 9))
    async with running(fake_api, storage, small_catalog, clock) as world:
        ambassador = world.web()
        invite = await world.ambassador(ambassador)
        anna = world.tg(7_300_001)
        await world.villager(anna, invite)

        night = DAY + timedelta(days=4)
        clock.set(night, 22)
        await ambassador.say("/danhsach")
        said = await ambassador.tap("Nhắc 1 người cần giúp")
        assert "Bây giờ là giờ nghỉ, bà con sẽ nhận được lúc 7 giờ sáng mai." in said
        before = len(anna.messages)
        for hour, minute in ((22, 1), (23, 59)):
            clock.set(night, hour, minute)
            assert (await world.drain_telegram()).handled == 0
        clock.set(night + timedelta(days=1), 6, 59)
        assert (await world.drain_telegram()).handled == 0
        assert len(anna.messages) == before
        clock.set(night + timedelta(days=1), 7, 0)
        assert (await world.drain_telegram()).outcomes == {"sent": 1}
        assert "Đại sứ số" in (anna.messages[-1].text or "")

        # That was the nudge of that day: no second one later on.
        clock.set(night + timedelta(days=1), 10)
        await ambassador.say("/danhsach")
        said = await ambassador.tap("Người học 1")
        assert "📨 Hôm nay đã nhắc rồi." in said and "Nhắc học" not in ambassador.labels()


async def test_the_weekly_summary_reaches_the_ambassador_and_opens_the_roster(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    clock = Clock(local(DAY, 9))
    async with running(fake_api, storage, small_catalog, clock) as world:
        ambassador = world.tg(7_400_001)
        invite = await world.ambassador(ambassador)
        await world.villager(world.web(), invite)
        await world.villager(world.tg(7_400_002), invite)
        monday = DAY + timedelta(days=6)
        clock.set(monday, 8)
        job = WeeklySummaryJob(storage, small_catalog, zone=ZONE, clock=clock)
        assert (await job.run()).queued == 1
        await ambassador.say("/menu")  # on the menu, far from the roster
        before = len(ambassador.messages)
        assert (await world.drain_telegram()).outcomes == {"sent": 1}
        [summary] = ambassador.messages[before:]
        assert summary.text is not None
        assert "• 2 người mới tham gia qua lời mời của bác" in summary.text
        assert "• ⚠️ 2 người cần giúp" in summary.text
        assert [label for label, _data in summary.buttons] == ["👥 Mở danh sách"]
        said = await ambassador.tap("Mở danh sách")
        assert "👥 Bà con của bác: 2 người" in said
        assert (await job.run()).queued == 0
