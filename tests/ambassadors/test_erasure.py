"""`/xoadulieu` by a villager and by an ambassador, through the channels, on SQLite and
PostgreSQL: the villager's enrollment goes; the ambassador's row stays for their villagers,
with no learner, and their invite enrolls nobody any more. Linking two apps keeps one role."""

from __future__ import annotations

import re

from bot.content import Catalog
from storage import Storage
from tests.ambassadors.world import invite_of, newcomer, running
from tests.fakes.fake_bot_api import FakeBotApi


async def test_erasure_by_a_villager_and_by_their_ambassador(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        ambassador = world.tg(8_300_001)
        await newcomer(ambassador)
        await ambassador.say(f"/daisu {await world.code()}")
        code = invite_of(await ambassador.say("/moi"))
        stays, leaves = world.web(), world.tg(8_300_002)
        for villager in (stays, leaves):
            await villager.say(f"/start {code}")
            await villager.tap("Đồng ý")
        assert len(await storage.rows("enrollment")) == 2

        await leaves.say("/xoadulieu")
        await leaves.tap("Có, xóa")
        [kept] = await storage.rows("enrollment")
        [identity] = await storage.rows("channel_identity", channel="webchat")
        assert kept["learner_id"] == identity["learner_id"]

        await ambassador.say("/xoadulieu")
        await ambassador.tap("Có, xóa")
        [row] = await storage.rows("ambassador")
        assert row["learner_id"] is None
        assert [r["ambassador_id"] for r in await storage.rows("enrollment")] == [row["id"]]
        state = await storage.learner_state("telegram", ambassador.ref)
        assert state is None or state.ambassador is None
        await ambassador.say("/moi")  # a stranger now: asked for consent again
        assert "Đồng ý" in ambassador.labels()

        # The old invite enrolls nobody now.
        late = world.web()
        await late.say(f"/start {code}")
        await late.tap("Đồng ý")
        assert len(await storage.rows("enrollment")) == 1


async def test_linking_an_ambassadors_apps_keeps_their_role(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        web = world.web()
        await newcomer(web)
        await web.say(f"/daisu {await world.code()}")
        invite = invite_of(await web.say("/moi"))
        found = re.search(r"/lienket (\d{6})", await web.say("/lienket"))
        assert found
        telegram = world.tg(8_300_003)
        await telegram.say("/start")
        await telegram.say(f"/lienket {found.group(1)}")
        assert invite_of(await telegram.say("/moi")) == invite
        [row] = await storage.rows("ambassador")
        [learner] = await storage.rows("learner")
        assert row["learner_id"] == learner["id"]
