"""Gia đình số end to end, on SQLite and PostgreSQL: people on the web chat (its JSON API over
HTTP) and on Telegram (the real channel against the fake Bot API) create a family, join it by
link and by typed code, choose aliases, learn; the helper sees everyone's bar and nudges
through the outbox; the family becomes a "Gia đình số" with a certificate and is counted in
its commune; leaving and erasing one's data keep the count right."""

from __future__ import annotations

import io
from datetime import timedelta

import aiohttp
from PIL import Image
from pypdf import PdfReader

from bot.content import Catalog
from storage import Storage
from tests.fakes.fake_bot_api import FakeBotApi
from tests.families.world import create_family, join_family, newcomer, pass_course
from tests.roster.world import DAY, Clock, local, running

BA_DINH = "00004"


async def test_a_family_of_four_becomes_a_digital_family(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    clock = Clock(local(DAY, 9))
    async with running(fake_api, storage, small_catalog, clock) as world:
        # Mother, on the web chat, says her commune and age in the profile.
        mother = world.web()
        await mother.say("/start")
        await mother.tap("Đồng ý")
        await mother.say("phuong ba dinh, ha noi")
        await mother.tap("Người dân")
        await mother.tap("Từ 36 đến 59 tuổi")
        await mother.tap("Buổi sáng")
        code = await create_family(mother, "Mẹ Lan")

        # Father opens the Telegram link: the notice comes right after the privacy question.
        father = world.tg(7_300_001)
        said = await newcomer(father, f"/start {code}")
        assert "Bác được mời vào một gia đình trên Học vụ số (người giúp: Mẹ Lan)" in said
        assert "thấy tiến độ học của nhau" in said  # what is shared, said before agreeing
        await join_family(father, "Bố Hùng", "Từ 36 đến 59 tuổi")

        # Grandmother, already learning on Telegram, types the code.
        grandma = world.tg(7_300_002)
        await newcomer(grandma)
        await grandma.say(f"/giadinh {code.lower()}")
        await join_family(grandma, "Bà Tư", "Từ 60 tuổi trở lên")

        # The child opens the web chat link (`/?start=CODE`) and is under 16.
        child = world.web()
        await newcomer(child, f"/start {code}")
        await join_family(child, "Bé Na", "Dưới 16 tuổi")

        said = await mother.say("/giadinh")
        assert "Mẹ Lan (người giúp): ░░░░░░ 0/2" in said, said
        assert "Bé Na (dưới 16 tuổi, không tính): ░░░░░░ 0/2" in said
        assert "0/3 thành viên được tính đã học xong khóa học." in said
        labels = mother.labels()
        assert "Nhắc Bố Hùng" in labels and "Nhắc Bà Tư" in labels
        # Members who are not the helper see the bars, but no nudge buttons.
        await father.say("/giadinh")
        assert not any(label.startswith("Nhắc") for label in father.labels())

        # The helper nudges the grandmother: one outbox message, the usual limits.
        said = await mother.tap("Nhắc Bà Tư")
        assert "Mình đã lên lịch nhắc Bà Tư" in said, said
        assert (await world.drain_telegram()).outcomes == {"sent": 1}
        nudge = grandma.messages[-1].text or ""
        assert nudge.startswith("👋 Mẹ Lan trong gia đình đang nhớ đến bác"), nudge
        said = await mother.tap("Nhắc Bà Tư")
        assert "đã được nhắc" in said or "không gửi lời nhắc" in said, said

        # The three adults pass the course; the child does not need to.
        for person in (mother, father):
            await pass_course(person)
        assert await storage.families.digital_by_commune() == {}
        clock.now += timedelta(hours=1)
        await pass_course(grandma)
        assert await storage.families.digital_by_commune() == {BA_DINH: 1}

        # Every member hears it: Telegram's through the drain, the web chat's when it opens.
        assert (await world.drain_telegram()).outcomes == {"sent": 2}
        news = grandma.messages[-1].text or ""
        assert news.startswith("🏅 Chúc mừng! Gia đình bác đã thành “Gia đình số”"), news
        # With the certificate's picture and PDF, as the course certificate is sent.
        photo, document = grandma.messages[-3:-1]
        assert (photo.method, document.method) == ("sendPhoto", "sendDocument")
        assert document.params["document"]["filename"].startswith("hocvuso-chung-nhan-GDS")
        assert "Mẹ Lan (người giúp): ▓▓▓▓▓▓ 2/2 🎓" in await grandma.tap("Xem gia đình")
        [opened] = await child.opens_the_page()
        assert "Gia đình bác đã thành “Gia đình số”" in opened["text"]
        assert opened["image"].startswith("/certificate/GDS") and opened["image"].endswith(".png")

        said = await father.say("/giadinh")
        assert "🏅 Gia đình bác là “Gia đình số”!" in said, said
        assert "Giấy chứng nhận gia đình: GDS" in said
        cert = said.split("Giấy chứng nhận gia đình: ")[1].split(",")[0]
        record = await storage.families.certificate(cert)
        assert record is not None and record.commune == BA_DINH and record.members == 4
        # Anyone can check it, and no member is named.
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{world.web_url}/verify/{cert}?format=json") as response:
                assert response.status == 200
                body = await response.json()
            async with http.get(f"{world.web_url}/verify/{cert}") as response:
                page = await response.text()
        assert body["valid"] and body["kind"] == "family" and body["members"] == 4
        assert "Gia đình số" in page and "Mẹ Lan" not in page and "Bố Hùng" not in page
        assert opened["image"] == f"/certificate/{cert}.png"
        # Its picture and PDF, linked from the page and served (no names on them either).
        assert f'<a href="/certificate/{cert}.png">Ảnh (PNG)</a>' in page
        assert f'<a href="/certificate/{cert}.pdf">PDF</a>' in page
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{world.web_url}/certificate/{cert}.png") as response:
                assert (response.status, response.content_type) == (200, "image/png")
                picture = Image.open(io.BytesIO(await response.read()))
            async with http.get(f"{world.web_url}/certificate/{cert}.pdf") as response:
                assert (response.status, response.content_type) == (200, "application/pdf")
                pdf = PdfReader(io.BytesIO(await response.read())).pages[0].extract_text()
            async with http.get(f"{world.web_url}/certificate/GDSZZZ2345.pdf") as response:
                assert response.status == 404
        assert picture.size == (1600, 1131)
        flat = " ".join(pdf.split())
        assert "GIA ĐÌNH SỐ" in flat and f"Mã xác minh: {cert}" in flat
        assert "4 thành viên đã hoàn thành khóa học" in flat and "Mẹ Lan" not in flat


async def test_a_member_leaving_and_one_erasing_keep_the_count_right(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    clock = Clock(local(DAY, 10))
    async with running(fake_api, storage, small_catalog, clock) as world:
        an, binh, cuong = world.web(), world.tg(7_400_001), world.tg(7_400_002)
        await newcomer(an)
        code = await create_family(an, "Anh An")
        # Bình's very first message is the typed code: kept until she agrees.
        await binh.say(f"/giadinh {code}")
        assert "Bác được mời vào một gia đình" in await binh.tap("Đồng ý")
        await join_family(binh, "Chị Bình", "Từ 16 đến 35 tuổi")
        await newcomer(cuong)
        await cuong.say(f"/giadinh {code}")
        await join_family(cuong, "Em Cường", "Từ 16 đến 35 tuổi")
        await pass_course(an)
        await pass_course(binh)
        assert await storage.families.digital_by_commune() == {}

        # Cường, still learning, leaves: the two left have both finished.
        await cuong.say("/giadinh")
        said = await cuong.tap("Rời gia đình")
        assert "Bác muốn rời gia đình?" in said
        said = await cuong.tap("Có, rời gia đình")
        assert "Bác đã rời gia đình." in said
        assert await storage.families.digital_by_commune() == {"": 1}
        said = await an.say("/giadinh")
        assert "Em Cường" not in said and "🏅" in said
        cert = said.split("Giấy chứng nhận gia đình: ")[1].split(",")[0]

        # Cường may now start a family of his own; joining a second one is refused.
        await cuong.say(f"/giadinh {code}")
        await join_family(cuong, "Em Cường", None)
        await cuong.say("/giadinh")
        await cuong.tap("Rời gia đình")
        await cuong.tap("Có, rời gia đình")

        # The helper erases their data: one member is no family, no longer counted; the
        # certificate already issued stays valid; Bình is told to choose a helper.
        await an.say("/xoadulieu")
        await an.tap("Có, xóa dữ liệu")
        assert await storage.families.digital_by_commune() == {}
        assert await storage.families.certificate(cert) is not None
        said = await binh.say("/giadinh")
        assert "Anh An" not in said
        assert "Gia đình hiện chưa có người giúp" in said
        assert "Nhắc" not in "".join(binh.labels())
        await binh.tap("Chọn người giúp")
        said = await binh.tap("Chị Bình")
        assert "Chị Bình giờ là người giúp của gia đình" in said
        assert await storage.rows("family_member") and len(await storage.rows("family")) == 1

        # The last member leaves: the family is gone, its certificate still verifies.
        await binh.say("/giadinh")
        await binh.tap("Rời gia đình")
        await binh.tap("Có, rời gia đình")
        assert await storage.rows("family") == [] and await storage.rows("family_member") == []
        assert await storage.families.certificate(cert.lower()) is not None
