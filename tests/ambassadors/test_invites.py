"""Invites end to end, on SQLite and PostgreSQL: `/moi` on the web chat and on Telegram (the
links, the code, the QR code of the web link), and enrollments through them on both channels:
a Telegram deep link opened before consent (recorded only at consent, the commune offered as
the default), `/thamgia CODE` on the web chat, the web chat's `/?start=` payload (its
`/start <payload>`), the first invite winning, and an ambassador's own code ignored."""

from __future__ import annotations

from datetime import datetime

import aiohttp

from bot.content import Catalog
from bot.invites.media import qr_png
from storage import Storage
from tests.ambassadors.world import BA_DINH, NGOC_HA, PUBLIC, World, invite_of, newcomer, running
from tests.fakes.fake_bot_api import FakeBotApi


async def enrollments(storage: Storage) -> dict[int, tuple[int, str, str]]:
    """learner id -> (ambassador id, channel, via)."""
    return {
        row["learner_id"]: (row["ambassador_id"], row["channel"], row["via"])
        for row in await storage.rows("enrollment")
    }


async def learner_of(storage: Storage, channel: str, ref: str) -> int:
    [row] = await storage.rows("channel_identity", channel=channel, external_id=ref)
    return int(row["learner_id"])


async def ambassador_id(storage: Storage, commune: str) -> int:
    [row] = await storage.rows("ambassador", commune_code=commune)
    return int(row["id"])


async def get(world: World, path: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as http, http.get(world.web_url + path) as response:
        return response.status, await response.read()


async def test_invites_enroll_on_telegram_and_the_web_chat_after_consent(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        # Two ambassadors: Ba Đình on the web chat, Ngọc Hà on Telegram.
        web_ambassador = world.web()
        await newcomer(web_ambassador)
        await web_ambassador.say(f"/daisu {await world.code()}")
        said = await web_ambassador.say("/moi")
        code = invite_of(said)
        web_link = f"{PUBLIC}/?start={code}"
        assert f"• Telegram: https://t.me/hocvuso_test_bot?start={code}" in said
        assert f"• Trò chuyện trên web: {web_link}" in said
        assert f"/thamgia {code}" in said
        assert web_ambassador.images() == [f"/invite/{code}.png"]
        assert await get(world, f"/invite/{code}.png") == (200, qr_png(web_link))
        assert (await get(world, "/invite/ZZZZZZ.png"))[0] == 404

        tg_ambassador = world.tg(8_200_001)
        await newcomer(tg_ambassador)
        await tg_ambassador.say(f"/daisu {await world.code(NGOC_HA)}")
        said = await tg_ambassador.say("/moi")
        other = invite_of(said)
        [photo] = [m for m in tg_ambassador.last if m.method == "sendPhoto"]
        assert photo.params["photo"]["content"] == qr_png(f"{PUBLIC}/?start={other}")
        assert f"https://t.me/hocvuso_test_bot?start={other}" in said

        ba_dinh, ngoc_ha = [await ambassador_id(storage, c) for c in (BA_DINH, NGOC_HA)]

        # Telegram: the deep link opens the chat with "/start <code>", before any consent.
        villager = world.tg(8_200_002)
        await villager.say(f"/start {code}")
        assert "Đồng ý" in villager.labels()
        assert await storage.rows("enrollment") == []  # nothing recorded before consent
        said = await villager.tap("Đồng ý")
        assert "Bác đã tham gia theo lời mời của Đại sứ số Phường Ba Đình, Hà Nội" in said
        # The commune question offers the ambassador's commune: one tap keeps it.
        assert "Phường Ba Đình, Hà Nội" in villager.labels()
        said = await villager.tap("Phường Ba Đình, Hà Nội")
        state = await storage.learner_state("telegram", villager.ref)
        assert state is not None and state.profile.commune == BA_DINH and state.invite is None
        tg_villager = await learner_of(storage, "telegram", villager.ref)

        # The web chat: /thamgia CODE typed after consent (any case).
        neighbour = world.web()
        await newcomer(neighbour)
        said = await neighbour.say(f"/thamgia {code.lower()}")
        assert "Bác đã tham gia theo lời mời của Đại sứ số Phường Ba Đình, Hà Nội" in said
        web_villager = await learner_of(storage, "webchat", neighbour.ref)
        # The first invite wins: a second ambassador's code changes nothing.
        said = await neighbour.say(f"/thamgia {other}")
        assert "Bác đã tham gia theo lời mời của một Đại sứ số rồi" in said

        # The web chat opened from the web link (`/?start=<code>` sends "/start <code>").
        visitor = world.web()
        await visitor.say(f"/start {other}")
        await visitor.tap("Đồng ý")
        visitor_id = await learner_of(storage, "webchat", visitor.ref)

        # Mistyped and own codes.
        said = await neighbour.say("/thamgia QQQQQQ")
        assert "Mình không tìm thấy mã mời QQQQQQ" in said
        said = await web_ambassador.say(f"/thamgia {code}")
        assert "Đây là mã mời của chính bác" in said
        await tg_ambassador.say(f"/start {other}")

        assert await enrollments(storage) == {
            tg_villager: (ba_dinh, "telegram", "link"),
            web_villager: (ba_dinh, "webchat", "code"),
            visitor_id: (ngoc_ha, "webchat", "link"),
        }
        [row] = await storage.rows("enrollment", learner_id=tg_villager)
        assert isinstance(row["enrolled_at"], datetime)
        # The invited villager's commune defaulted to the ambassador's.
        state = await storage.learner_state("webchat", visitor.ref)
        assert state is not None and state.profile.commune == NGOC_HA
