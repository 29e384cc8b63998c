"""A contest from creation to results, driven through the web chat over HTTP on the real
service and storage (both backends): learners of three communes play, one answers late, one
tries a second time, one has no commune; at the close each player gets their score, rank band
and the standings by commune and by group, with no personal name and small counts hidden."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from PIL import Image
from pypdf import PdfReader

from bot.channels.webchat.channel import WebChatChannel
from bot.content import Catalog
from bot.contests.job import ContestResultsJob
from bot.contests.setup import ContestDraft, create_contest
from bot.core.events import ContestStarted
from bot.i18n import translator
from bot.places.data import load_places
from bot.service import ConversationService
from bot.web import build_app
from storage import Storage, StorageError
from storage.contests import record_contest_event
from tests.conftest import free_port
from tests.web.test_webchat_http import Learner

GIFT = Path(__file__).with_name("contest.gift")
ZONE_NAME = "Asia/Ho_Chi_Minh"
START = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
BA_DINH, NGOC_HA, HOAN_KIEM = "phuong Ba Dinh, Ha Noi", "phuong Ngoc Ha, Ha Noi", "Hoan Kiem"
RIGHT = {"c1": "Không đọc mã, cúp máy", "c2": "Đúng", "c3": "Một câu dài bác dễ nhớ"}
WRONG = {"c1": "Đọc mã cho họ", "c2": "Sai", "c3": "123456"}


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


async def _join(learner: Learner, place: str | None) -> None:
    """Agree, say the commune (or skip), resident, 36–59, evening reminders."""
    await learner.say("/start")
    await learner.tap("Đồng ý")
    if place is None:
        await learner.tap("Bỏ qua phần này")
        return
    await learner.say(place)
    await learner.tap("Người dân")
    await learner.tap("Từ 36 đến 59 tuổi")
    await learner.tap("Buổi tối (19 giờ)")


async def _play(learner: Learner, clock: Clock, answers: list[bool], seconds: float = 4) -> str:
    """/thi, then each question answered right or wrong after `seconds`."""
    await learner.say("/thi")
    for right in answers:
        text = learner.said
        qid = "c1" if "OTP, bác" in text else "c2" if "dùng một lần" in text else "c3"
        clock.now += timedelta(seconds=seconds)
        await learner.tap((RIGHT if right else WRONG)[qid])
    return learner.said


async def test_contest_from_creation_to_results(storage: Storage, catalog: Catalog) -> None:
    clock = Clock()
    places = load_places()
    service = ConversationService(storage, catalog, places=places, clock=clock)
    app = build_app(service, [WebChatChannel(service)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}"
    try:
        ba_dinh = [Learner(url) for _ in range(5)]
        ngoc_ha = [Learner(url) for _ in range(2)]
        hoan_kiem = Learner(url)
        nowhere = Learner(url)
        for learner in ba_dinh:
            await _join(learner, BA_DINH)
        for learner in ngoc_ha:
            await _join(learner, NGOC_HA)
        await _join(hoan_kiem, HOAN_KIEM)
        await _join(nowhere, None)

        # Before any contest: nothing to play.
        await ba_dinh[0].say("/thi")
        assert "Hiện chưa có cuộc thi nào dành cho bác" in ba_dinh[0].said

        # The province's official sets one up: the announcement goes to Hà Nội's learners.
        zone = service.zone
        tr = translator("vi")
        draft = ContestDraft(
            title="Rung chuông vàng số",
            opens_at=START + timedelta(minutes=5),
            closes_at=START + timedelta(hours=2),
            province="01",
            questions=3,
            seconds=20,
            gift=GIFT.read_text(encoding="utf-8"),
            gift_name=GIFT.name,
        )
        record, reached = await create_contest(
            storage, catalog, places, draft, clock.now, tr=tr, zone=zone, created_by="test"
        )
        assert reached == 8  # everyone who named a commune of Hà Nội; not `nowhere`
        announced = await storage.rows("outbox_message", kind="announcement")
        assert len(announced) == 8
        assert "Bác gõ /thi để tham gia" in _text(announced[0])

        # Not open yet.
        await ngoc_ha[0].say("/thi")
        assert "Hiện chưa có cuộc thi nào dành cho bác" in ngoc_ha[0].said
        clock.now = START + timedelta(minutes=10)

        # Without a commune: how to add it.
        await nowhere.say("/thi")
        assert "/hoso" in nowhere.said and "Đổi xã, phường" in nowhere.said

        # The countdown is in the text; buttons carry the options.
        await ba_dinh[0].say("/thi")
        assert "Rung chuông vàng số" in ba_dinh[0].said
        assert "Câu 1/3 · ⏱ 20 giây" in ba_dinh[0].said

        # Ba Đình: 3, 3, 2, 2, 1 right; the first two tie on score, the faster ranks higher.
        clock.now += timedelta(seconds=2)
        await ba_dinh[0].tap(RIGHT["c1"])
        assert "✅ Đúng rồi!" in ba_dinh[0].said and "Câu 2/3 · ⏱ 20 giây" in ba_dinh[0].said
        clock.now += timedelta(seconds=2)
        # Typed without diacritics: the existing choice matching.
        await ba_dinh[0].say("dung")
        clock.now += timedelta(seconds=2)
        await ba_dinh[0].tap(RIGHT["c3"])
        done = ba_dinh[0].said
        assert "🏁 Xong rồi! Bác trả lời đúng 3/3 câu trong 6 giây." in done
        assert "Mã chứng nhận tham gia của bác:" in done
        # The finish screen shows the certificate's picture, as the course certificate's.
        given = done.split("Mã chứng nhận tham gia của bác: ")[1].split()[0]
        [finish] = [reply for reply in ba_dinh[0].replies if reply.get("image")]
        assert finish["image"] == f"/certificate/{given}.png"
        assert [link["url"] for link in finish["links"]] == [
            f"/certificate/{given}.pdf",
            f"/verify/{given}",
        ]

        await _play(ba_dinh[1], clock, [True, True, True], seconds=5)
        await _play(ba_dinh[2], clock, [True, True, False])
        await _play(ba_dinh[3], clock, [True, False, True])
        await _play(ba_dinh[4], clock, [False, False, True])

        # A late answer (after 20 s and the grace) counts as wrong, even if right.
        late = ngoc_ha[0]
        await late.say("/thi")
        clock.now += timedelta(seconds=30)
        await late.tap(RIGHT["c1"])
        assert "⌛ Quá giờ" in late.said and "được tính là sai" in late.said
        clock.now += timedelta(seconds=3)
        await late.tap(RIGHT["c2"])
        clock.now += timedelta(seconds=3)
        await late.tap(RIGHT["c3"])
        assert "Bác trả lời đúng 2/3 câu" in late.said

        await _play(ngoc_ha[1], clock, [True, True, True], seconds=10)
        await _play(hoan_kiem, clock, [True, False, False])

        # A second attempt is refused, by the conversation and by storage.
        await ba_dinh[0].say("/thi")
        assert "Bác đã tham gia “Rung chuông vàng số” rồi" in ba_dinh[0].said
        attempts = await storage.rows("contest_attempt", contest_id=record.id)
        assert len(attempts) == 8
        first = attempts[0]
        with pytest.raises(StorageError):  # the unique (contest, learner) row
            async with storage.unit_of_work(clock.now) as uow:
                await record_contest_event(
                    uow, first["learner_id"], ContestStarted(record.id, "01", "00004", "")
                )
        assert len(await storage.rows("contest_attempt", contest_id=record.id)) == 8

        # The close: ranks once, each player's result through the outbox.
        job = ContestResultsJob(storage, places=places, tr=tr, zone=zone, clock=clock)
        assert await job.run() == 0  # not closed yet
        clock.now = START + timedelta(hours=2, minutes=1)
        assert await job.run() == 8
        assert await job.run() == 0  # written once

        ranks = {
            a["learner_id"]: a["rank"]
            for a in await storage.rows("contest_attempt", contest_id=record.id)
        }
        results = [
            row
            for row in await storage.rows("outbox_message")
            if (row["dedupe_key"] or "").startswith(f"contest:{record.id}:result:")
        ]
        assert len(results) == 8
        texts = {row["learner_id"]: _text(row) for row in results}
        best = texts[attempts[0]["learner_id"]]
        assert "🏆 Kết quả cuộc thi “Rung chuông vàng số”" in best
        assert "Bác trả lời đúng 3/3 câu trong 6 giây: xếp hạng 1 trên 8 người." in best
        assert "🎉 Bác nằm trong nhóm 10% cao nhất!" in best
        assert ranks[attempts[1]["learner_id"]] == 2  # same score, slower
        # Standings by commune: Ba Đình's average shown (5 players), the others "<5".
        assert "1. Phường Ba Đình: 2,2 (5 người thi)" in best
        assert "Phường Ngọc Hà: <5 người thi" in best
        assert "Phường Hoàn Kiếm: <5 người thi" in best
        assert "Bảng xếp hạng theo nhóm:" in best and "Người dân: 2,1 (8 người thi)" in best
        # No personal names: nothing but ranks, counts and areas.
        for text in texts.values():
            assert "bác" not in text.split("Bảng xếp hạng")[1].lower()
        # Ba Đình's last and Hoàn Kiếm's player: 1 right in 12 s each, sharing rank 7.
        lowest = [lid for lid, rank in ranks.items() if rank == max(ranks.values())]
        assert len(lowest) == 2 and max(ranks.values()) == 7
        assert all("Cảm ơn bác đã tham gia" in texts[lid] for lid in lowest)

        # The participation certificate of a player who finished: verifiable, with no name.
        code = attempts[0]["certificate_code"]
        assert code and f"Mã chứng nhận tham gia của bác: {code}" in best
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/verify/{code.lower()}?format=json") as answer:
                assert answer.status == 200
                found = await answer.json()
            async with http.get(f"{url}/verify/{code}") as answer:
                page = await answer.text()
        assert found["kind"] == "contest_participation" and found["questions"] == 3
        assert found["contest"] == "Rung chuông vàng số" and "name" not in str(found)
        assert "Chứng nhận tham gia hợp lệ" in page
        # Its picture and PDF, linked from the page, like the course certificate's.
        assert f'<a href="/certificate/{code}.png">Ảnh (PNG)</a>' in page
        assert f'<a href="/certificate/{code}.pdf">PDF</a>' in page
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/certificate/{code}.png") as answer:
                assert (answer.status, answer.content_type) == (200, "image/png")
                picture = Image.open(io.BytesIO(await answer.read()))
            async with http.get(f"{url}/certificate/{code.lower()}.pdf") as answer:
                assert (answer.status, answer.content_type) == (200, "application/pdf")
                pdf = PdfReader(io.BytesIO(await answer.read())).pages[0].extract_text()
            for unknown in ("ZZZZ2345XY.png", "ZZZZ2345XY.pdf", "GDSZZZ2345.png"):
                async with http.get(f"{url}/certificate/{unknown}") as answer:
                    assert answer.status == 404
        assert picture.size == (1600, 1131)
        flat = " ".join(pdf.split())
        assert "GIẤY CHỨNG NHẬN THAM GIA" in flat and "Rung chuông vàng số" in flat
        assert f"Mã xác minh: {code}" in flat and "đã trả lời đủ 3 câu hỏi" in flat
    finally:
        await runner.cleanup()


def _text(row: dict[str, Any]) -> str:
    return str(json.loads(row["payload"])["replies"][0]["text"])
