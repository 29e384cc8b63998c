"""`/baocao` in the chat, on the web chat and Telegram, on SQLite and PostgreSQL: an official
gets their area's figures (small counts as "<5" for a province official, as they are for the
commune's own), a chart link that draws a PNG for their scope only, and a one-time dashboard
link; a learner who is no official is refused."""

from __future__ import annotations

import re
from collections.abc import Callable

import aiohttp
import pytest

from bot.content import Catalog
from bot.core.state import OfficialKind
from storage import SecretKind, Storage
from tests.ambassadors.world import PUBLIC, Person, agree, newcomer, running
from tests.fakes.fake_bot_api import FakeBotApi
from tests.officials.test_chat import CHANNELS, REFUSED, official_code, people

LINK = re.compile(re.escape(PUBLIC) + r"(/[\w/.-]+)")


async def _residents_of_ba_dinh(person_of: Callable[[], Person], count: int) -> None:
    for _ in range(count):
        learner = person_of()
        await agree(learner)
        await learner.say("phuong ba dinh ha noi")
        await learner.tap("Người dân")
        await learner.tap("Từ 60 tuổi trở lên")
        await learner.tap("Buổi sáng (8 giờ)")


@pytest.mark.parametrize("channel", CHANNELS)
async def test_baocao_for_commune_and_province_officials(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        person = people(world, channel)
        await _residents_of_ba_dinh(person, 2)

        outsider = person()
        await newcomer(outsider)
        assert REFUSED in await outsider.say("/baocao")

        commune_official = person()
        await newcomer(commune_official)
        await commune_official.say(f"/canbo {await official_code(storage)}")
        said = await commune_official.say("/baocao")
        assert "Báo cáo của Phường Ba Đình" in said
        assert "• Người học đã đăng ký: 2" in said  # their own commune: no "<5"
        assert "<5" not in said
        assert "Để tính phần trăm chỉ tiêu cần có số dân" in said
        paths = LINK.findall(said)
        chart = next(path for path in paths if path.startswith("/report/chart/"))
        login = next(path for path in paths if path.startswith("/dashboard/login/"))
        if channel == "webchat":
            assert commune_official.images() == [chart]  # type: ignore[attr-defined]
        else:
            photos = [sent for sent in commune_official.last if sent.method == "sendPhoto"]  # type: ignore[attr-defined]
            assert len(photos) == 1
            assert photos[0].params["photo"]["content"].startswith(b"\x89PNG")
        kinds = {row["kind"] for row in await storage.rows("official_secret")}
        assert kinds == {SecretKind.LOGIN.value, SecretKind.CHART.value}

        async with aiohttp.ClientSession() as http:
            async with http.get(world.web_url + chart) as response:
                assert response.status == 200
                assert response.content_type == "image/png"
                assert (await response.read()).startswith(b"\x89PNG")
                assert "no-store" in response.headers["Cache-Control"]
            # The login link is no chart key, and a made-up key draws nothing.
            secret = login.rsplit("/", 1)[1]
            for wrong in (f"/report/chart/{secret}.png", "/report/chart/guess.png"):
                async with http.get(world.web_url + wrong) as response:
                    assert response.status == 404
                    assert "/baocao" in await response.text()

        province_official = person()
        await newcomer(province_official)
        await province_official.say(
            f"/canbo {await official_code(storage, OfficialKind.PROVINCE)}"
        )
        said = await province_official.say("/baocao")
        assert "Báo cáo của Thành phố Hà Nội" in said
        assert "• Người học đã đăng ký: <5" in said  # Ba Đình's 2, hidden from the province
        assert '"<5" nghĩa là từ 1 đến 4 người' in said
        assert "• Hoàn thành khóa học: 0" in said
