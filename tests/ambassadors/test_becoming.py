"""Becoming a digital ambassador with `/daisu CODE`, on the web chat (its JSON API over HTTP)
and on Telegram (the real channel against the fake Bot API), on SQLite and PostgreSQL: a valid
code, a reused one, an expired one, one for another commune, a typo; and every ambassador
command refused to a learner who is none."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import Catalog
from storage import Storage
from tests.ambassadors.world import (
    BA_DINH,
    REFUSED,
    Person,
    World,
    agree,
    newcomer,
    running,
)
from tests.fakes.fake_bot_api import FakeBotApi

CHANNELS = ["webchat", "telegram"]
_users = itertools.count(8_100_001)


def people(world: World, channel: str) -> Callable[[], Person]:
    return world.web if channel == "webchat" else lambda: world.tg(next(_users))


async def roles(storage: Storage) -> list[tuple[int | None, str]]:
    return [(row["learner_id"], row["commune_code"]) for row in await storage.rows("ambassador")]


@pytest.mark.parametrize("channel", CHANNELS)
async def test_codes_valid_reused_expired_wrong_commune_and_mistyped(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        person = people(world, channel)
        code = await world.code()

        first = person()
        await newcomer(first)
        typo = code[:7] + ("3" if code[7] == "2" else "2")
        said = await first.say(f"/daisu {typo}")
        assert "Mình không tìm thấy mã này nên chưa có gì thay đổi" in said
        assert await roles(storage) == []

        said = await first.say(f"/daisu {code[:4].lower()}-{code[4:]}")
        assert "Chào mừng bác, Đại sứ số của Phường Ba Đình, Hà Nội!" in said
        assert "/moi" in said and "/danhsach" in said and "/hoccung" in said
        [(ambassador, commune)] = await roles(storage)
        assert commune == BA_DINH
        state = await storage.learner_state(channel, first.ref)
        assert state is not None and state.ambassador is not None
        assert state.ambassador.commune == BA_DINH

        reused = person()
        await newcomer(reused)
        said = await reused.say(f"/daisu {code}")
        assert "Mã này đã được dùng hết số lần cho phép nên chưa có gì thay đổi" in said

        # A learner whose profile says Ngọc Hà, with a fresh code for Ba Đình.
        elsewhere = person()
        await agree(elsewhere)
        assert "Phường Ngọc Hà, Hà Nội" in await elsewhere.say("phuong Ngoc Ha, Ha Noi")
        fresh = await world.code()
        said = await elsewhere.say(f"/daisu {fresh}")
        assert (
            "Mã này dành cho Phường Ba Đình, Hà Nội, nhưng hồ sơ của bác ghi bác ở "
            "Phường Ngọc Hà, Hà Nội" in said
        )

        late = person()
        await newcomer(late)
        old = await world.code(issued=datetime.now(UTC) - timedelta(days=15))
        said = await late.say(f"/daisu {old}")
        assert "Mã này đã hết hạn nên chưa có gì thay đổi" in said

        # The ambassador again, with the fresh code: nothing to change, the code stays unused.
        said = await first.say(f"/daisu {fresh}")
        assert "Bác đã là Đại sứ số của Phường Ba Đình, Hà Nội rồi" in said

        assert await roles(storage) == [(ambassador, BA_DINH)]
        uses = sorted(row["uses"] for row in await storage.rows("ambassador_code"))
        assert uses == [0, 0, 1]
        for other in (reused, elsewhere, late):
            state = await storage.learner_state(channel, other.ref)
            assert state is not None and state.ambassador is None


@pytest.mark.parametrize("channel", CHANNELS)
async def test_every_ambassador_command_is_refused_to_a_learner_who_is_none(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        learner = people(world, channel)()
        await newcomer(learner)
        before = await storage.learner_state(channel, learner.ref)
        commands = ["/moi", "/danhsach", "/hoccung", "/invite", "/roster", "/learn_together"]
        for command in commands + ["/danh_sach", "/hoc_cung"]:
            said = await learner.say(command)
            assert REFUSED in said, (command, said)
            assert "/daisu" in said
        after = await storage.learner_state(channel, learner.ref)
        assert after is not None and before is not None
        assert after.ambassador is None and after.mode == before.mode
        assert await storage.rows("ambassador") == []

        # `/daisu` alone says how it works and changes nothing.
        said = await learner.say("/daisu")
        assert "Để trở thành Đại sứ số, bác gõ /daisu rồi gõ mã xã đã cấp" in said
