"""The profile after consent, through the real Telegram adapter and the real place data."""

from __future__ import annotations

import pytest

from bot.content import Catalog
from bot.places.data import load_places
from storage import Storage
from tests.fakes.fake_bot_api import FakeBotApi
from tests.telegram.conftest import running_bot

VIETNAMESE_AGREE = "Đồng ý"


async def learner_row(storage: Storage, user_id: int) -> dict[str, object]:
    [identity] = await storage.rows("channel_identity", external_id=str(user_id))
    [row] = await storage.rows("learner", id=identity["learner_id"])
    return dict(row)


@pytest.mark.parametrize("typed", ["phường Ba Đình, Hà Nội", "phuong ba dinh ha noi"])
async def test_commune_typed_with_or_without_accents_then_group_age_and_reminder(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog, typed: str
) -> None:
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        lan = bot.learner(5_100_001)
        await lan.say("/start")
        asked = await lan.tap(VIETNAMESE_AGREE)
        assert "xã, phường nào" in asked[-1].text
        noted = await lan.say(typed)
        assert "Đã ghi nhận: Phường Ba Đình, Hà Nội." in noted[0].text
        assert "nhóm nào" in noted[-1].text
        await lan.tap("Người dân")
        await lan.tap("Từ 60 tuổi")
        done = await lan.tap("Buổi sáng")
        assert "/hoso" in done[0].text and "Bác muốn làm gì" in done[-1].text
        shown = await lan.say("/hoso")
        assert "Phường Ba Đình, Hà Nội" in shown[-1].text
    row = await learner_row(storage, 5_100_001)
    assert (row["province_code"], row["commune_code"]) == ("01", "00004")
    assert row["admin_version"] == load_places().version
    assert (row["target_group"], row["age_band"], row["reminder_slot"]) == (
        "residents",
        "60_plus",
        "morning",
    )


async def test_an_ambiguous_name_lists_five_places_with_their_province(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    places = load_places()
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        lan = bot.learner(5_100_002)
        await lan.say("/start")
        await lan.tap(VIETNAMESE_AGREE)
        offered = await lan.say("tan phu")
        assert "Có " in offered[0].text and "Tân Phú, Đồng Nai" in offered[0].text
        pick = offered[-1]
        assert "Nơi nào là của bác" in pick.text
        places_offered = [(label, data) for label, data in pick.buttons if ":place." in data]
        assert len(places_offered) == 5
        provinces = {label.rsplit("(", 1)[1] for label, _data in places_offered}
        assert len(provinces) >= 2  # the same name in different provinces
        label, data = places_offered[1]
        await lan.tap(label)
    row = await learner_row(storage, 5_100_002)
    commune = places.commune(data.rsplit(".", 1)[1])
    assert commune is not None and row["commune_code"] == commune.code
    assert row["province_code"] == commune.province_code


async def test_skipping_keeps_everything_unknown(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        lan = bot.learner(5_100_003)
        await lan.say("/start")
        await lan.tap(VIETNAMESE_AGREE)
        await lan.say("không biết")
        await lan.tap("Bỏ qua")
        await lan.tap("Bỏ qua")
        done = await lan.tap("Không cần nhắc")
        assert "Bác muốn làm gì" in done[-1].text
    row = await learner_row(storage, 5_100_003)
    assert [row[key] for key in ("commune_code", "target_group", "age_band")] == [None] * 3
    assert row["reminder_slot"] == "off"
