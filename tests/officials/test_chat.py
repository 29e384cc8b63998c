"""Officials in the chat, on the web chat (its JSON API over real HTTP) and on Telegram (the
real channel against the fake Bot API), on SQLite and PostgreSQL: `/canbo CODE` valid, reused,
expired and mistyped; `/madaisu` inside and outside the official's area; a learner trying the
official commands, and an official whose role was revoked, refused."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import Catalog
from bot.core.state import OfficialKind
from storage import Storage, format_code
from tests.ambassadors.world import BA_DINH, NGOC_HA, Person, World, newcomer, running
from tests.fakes.fake_bot_api import FakeBotApi

CHANNELS = ["webchat", "telegram"]
BEN_THANH = "26743"  # a ward of Hồ Chí Minh City (province 79)
REFUSED = "Lệnh này dành cho cán bộ xã và cán bộ tỉnh"
_users = itertools.count(8_200_001)


def people(world: World, channel: str) -> Callable[[], Person]:
    return world.web if channel == "webchat" else lambda: world.tg(next(_users))


async def official_code(
    storage: Storage,
    kind: OfficialKind = OfficialKind.COMMUNE,
    *,
    uses: int = 1,
    issued: datetime | None = None,
) -> str:
    """A code as `hocvuso admin code` issues it (7 days from `issued`, default now)."""
    area = {
        OfficialKind.COMMUNE: {"province": "01", "commune": BA_DINH},
        OfficialKind.PROVINCE: {"province": "01"},
        OfficialKind.ADMIN: {},
    }[kind]
    result = await storage.officials.issue(
        kind=kind,
        now=issued or datetime.now(UTC),
        valid_for=timedelta(days=7),
        max_uses=uses,
        **area,  # type: ignore[arg-type]
    )
    return format_code(result.code)


async def ambassador_codes(storage: Storage) -> list[tuple[str, int, str]]:
    return [
        (row["commune_code"], row["max_uses"], row["issued_by"])
        for row in await storage.rows("ambassador_code")
    ]


@pytest.mark.parametrize("channel", CHANNELS)
async def test_canbo_valid_reused_expired_and_mistyped(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        person = people(world, channel)
        code = await official_code(storage)

        first = person()
        await newcomer(first)
        said = await first.say("/canbo")
        assert "bác gõ /canbo rồi gõ mã bác được cấp" in said
        typo = code[:8] + ("3" if code[8] == "2" else "2")
        said = await first.say(f"/canbo {typo}")
        assert "Mình không tìm thấy mã này nên chưa có gì thay đổi" in said
        assert await storage.rows("official") == []

        said = await first.say(f"/canbo {code.lower()}")
        assert "Chào mừng bác! Từ nay bác là cán bộ xã của Phường Ba Đình, Hà Nội." in said
        assert "/madaisu" in said
        [row] = await storage.rows("official")
        assert (row["role"], row["commune_code"]) == ("commune", BA_DINH)
        state = await storage.learner_state(channel, first.ref)
        assert state is not None and state.official is not None
        assert state.official.public_id == row["public_id"]
        said = await first.say(f"/canbo {code}")
        assert "Bác đã là cán bộ xã của Phường Ba Đình, Hà Nội rồi" in said

        second = person()
        await newcomer(second)
        said = await second.say(f"/canbo {code}")
        assert "Mã này đã được dùng hết số lần cho phép nên chưa có gì thay đổi" in said
        old = await official_code(storage, issued=datetime.now(UTC) - timedelta(days=8))
        said = await second.say(f"/canbo {old}")
        assert "Mã này đã hết hạn nên chưa có gì thay đổi" in said
        assert len(await storage.rows("official")) == 1
        state = await storage.learner_state(channel, second.ref)
        assert state is not None and state.official is None


@pytest.mark.parametrize("channel", CHANNELS)
async def test_madaisu_inside_and_outside_the_officials_area(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        person = people(world, channel)
        commune_official = person()
        await newcomer(commune_official)
        await commune_official.say(f"/canbo {await official_code(storage)}")
        [row] = await storage.rows("official")

        said = await commune_official.say("/madaisu 3")
        assert "🎟️ Mã Đại sứ số của Phường Ba Đình, Hà Nội:" in said
        assert "Mã dùng được cho 3 người" in said
        assert await ambassador_codes(storage) == [(BA_DINH, 3, row["public_id"])]
        said = await commune_official.say(f"/madaisu {NGOC_HA}")
        assert "Xã này nằm ngoài địa bàn bác phụ trách (Phường Ba Đình, Hà Nội)" in said
        said = await commune_official.say("/madaisu hai")
        assert "Bác gõ /madaisu để tạo mã cho một người" in said
        assert len(await ambassador_codes(storage)) == 1

        # The code works: someone in Ba Đình becomes its ambassador.
        code = said_code = (await commune_official.say("/madaisu")).split(": ")[1].split()[0]
        assert len(said_code) == 9
        villager = person()
        await newcomer(villager)
        said = await villager.say(f"/daisu {code}")
        assert "Đại sứ số của Phường Ba Đình, Hà Nội" in said

        province_official = person()
        await newcomer(province_official)
        await province_official.say(
            f"/canbo {await official_code(storage, OfficialKind.PROVINCE)}"
        )
        said = await province_official.say("/madaisu")
        assert "Bác cho mình biết mã xã (5 chữ số) nhé" in said
        said = await province_official.say(f"/madaisu {BEN_THANH}")
        assert "Xã này nằm ngoài địa bàn bác phụ trách (Thành phố Hà Nội)" in said
        said = await province_official.say("/madaisu 99999")
        assert "Mình không tìm thấy xã nào có mã 99999" in said
        said = await province_official.say(f"/madaisu 2 {NGOC_HA}")
        assert "🎟️ Mã Đại sứ số của Phường Ngọc Hà, Hà Nội:" in said
        codes = await ambassador_codes(storage)
        assert len(codes) == 3 and codes[-1][:2] == (NGOC_HA, 2)

        admin = person()
        await newcomer(admin)
        await admin.say(f"/canbo {await official_code(storage, OfficialKind.ADMIN)}")
        said = await admin.say(f"/madaisu {BEN_THANH}")
        assert "Phường Bến Thành, Hồ Chí Minh" in said
        assert (await ambassador_codes(storage))[-1][:2] == (BEN_THANH, 1)


@pytest.mark.parametrize("channel", CHANNELS)
async def test_learners_and_revoked_officials_are_refused(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        person = people(world, channel)
        learner = person()
        await newcomer(learner)
        for command in ("/madaisu", "/madaisu 3", f"/madaisu {BA_DINH}", "/madaisu hai"):
            said = await learner.say(command)
            assert REFUSED in said, command
        assert await storage.rows("ambassador_code") == []

        official = person()
        await newcomer(official)
        await official.say(f"/canbo {await official_code(storage)}")
        [row] = await storage.rows("official")
        assert await storage.officials.revoke(row["public_id"], now=datetime.now(UTC))
        said = await official.say("/madaisu")
        assert REFUSED in said
        assert await storage.rows("ambassador_code") == []
        state = await storage.learner_state(channel, official.ref)
        assert state is not None and state.official is None
