"""A reply whose image is "certificate/<CODE>.png" on every channel: the web chat shows the
picture with links, Telegram sends a photo and a document, Zalo gets the links (and, on Zalo
Bot with a public https address, the picture by URL)."""

from __future__ import annotations

import io
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from PIL import Image
from pypdf import PdfReader

from bot.certificate import certificate_image
from bot.channels.webchat import WebChatChannel
from bot.channels.webchat.render import render_reply as render_web
from bot.channels.zalo_bot.render import Photo
from bot.channels.zalo_bot.render import render_reply as render_bot
from bot.channels.zalo_oa.render import render_reply as render_oa
from bot.content import Catalog
from bot.core import Choice, Reply
from bot.outbox import OutboxDrainer, payload_of
from bot.service import ConversationService, utc_now
from bot.web import build_app
from storage import Storage
from tests.certificate.helpers import CODE, NAME, expected_matrix, issue, png_matrix
from tests.fakes.fake_bot_api import FakeBotApi, Sent
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.telegram.conftest import running_bot as running_telegram
from tests.zalo.conftest import BotLearner
from tests.zalo.conftest import running_bot as running_zalo_bot

TEXT = "Chúc mừng bác đã hoàn thành khóa học! Đây là giấy chứng nhận của bác."
REPLY = Reply(TEXT, (Choice("9:menu", "Về menu"),), certificate_image(CODE))
PUBLIC = "https://hocvuso.example.vn"


async def enqueue(
    storage: Storage, channel: str, recipient: str, reply: Reply, now: datetime | None = None
) -> None:
    async with storage.unit_of_work(now or utc_now()) as uow:
        await storage.outbox.enqueue(
            uow, channel=channel, recipient=recipient, payload=payload_of((reply,))
        )


def upload(message: Sent, field: str) -> dict[str, Any]:
    sent = message.params[field]
    assert isinstance(sent, dict), f"{field} was not uploaded as a file: {sent!r}"
    return sent


def assert_certificate_sent(messages: list[Sent], verify_url: str) -> None:
    assert [m.method for m in messages] == ["sendPhoto", "sendDocument", "sendMessage"]
    photo, document, text = messages
    picture = upload(photo, "photo")
    assert picture["filename"] == f"hocvuso-chung-nhan-{CODE}.png"
    assert Image.open(io.BytesIO(picture["content"])).size == (1600, 1131)
    assert png_matrix(picture["content"], verify_url) == expected_matrix(verify_url)
    pdf = upload(document, "document")
    assert pdf["filename"] == f"hocvuso-chung-nhan-{CODE}.pdf"
    assert NAME in PdfReader(io.BytesIO(pdf["content"])).pages[0].extract_text()
    assert text.text == TEXT and text.buttons == [("Về menu", "9:menu")]


async def test_telegram_sends_the_picture_as_a_photo_and_the_pdf_as_a_document(
    sqlite_storage: Storage, catalog: Catalog
) -> None:
    await issue(sqlite_storage)
    fake = await FakeBotApi().start()
    try:
        async with running_telegram(fake, sqlite_storage, catalog, "polling") as bot:
            # As a reply to the learner's message...
            progress = SimpleNamespace(key="certificate", sent=0)
            await bot.channel.sender.deliver(5_000_900, "5000900", (REPLY,), progress)
            assert progress.sent == 3
            # ...and through the outbox (what the bot sends first).
            await enqueue(sqlite_storage, "telegram", "5000901", REPLY)
            report = await OutboxDrainer(sqlite_storage, bot.channel, clock=utc_now).drain()
            assert report.outcomes == {"sent": 1}
            # A certificate that does not exist sends nothing but the text.
            missing = Reply(TEXT, image=certificate_image("ZZZZ2345XY"))
            again = SimpleNamespace(key="missing", sent=0)
            await bot.channel.sender.deliver(5_000_902, "5000902", (missing,), again)
    finally:
        await fake.close()
    # The Telegram channel's settings leave HOCVUSO_PUBLIC_URL at its default.
    verify_url = f"http://127.0.0.1:8080/verify/{CODE}"
    assert_certificate_sent(fake.sent_to(5_000_900), verify_url)
    assert_certificate_sent(fake.sent_to(5_000_901), verify_url)
    assert [m.method for m in fake.sent_to(5_000_902)] == ["sendMessage"]
    assert fake.unknown == []


async def test_the_web_chat_shows_the_picture_and_links_to_the_pdf_and_the_check(
    storage: Storage, catalog: Catalog
) -> None:
    await issue(storage)
    token = "certificate-browser-token"
    await enqueue(storage, "webchat", token, REPLY)
    service = ConversationService(storage, catalog)
    app = build_app(service, [WebChatChannel(service)])
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        response = await http.get(
            "/chat/api/session",
            headers={"Cookie": f"hocvuso_chat={token}", "Accept-Language": "vi-VN"},
        )
        [shown] = (await response.json())["messages"]
        assert shown["text"] == TEXT and shown["image"] == f"/certificate/{CODE}.png"
        assert shown["links"] == [
            {"url": f"/certificate/{CODE}.pdf", "label": "Tải giấy chứng nhận (PDF)"},
            {"url": f"/verify/{CODE}", "label": "Kiểm tra giấy chứng nhận"},
        ]
        for url, kind in (
            (shown["image"], "image/png"),
            (shown["links"][0]["url"], "application/pdf"),
            (shown["links"][1]["url"], "text/html"),
        ):
            fetched = await http.get(url)
            assert (fetched.status, fetched.content_type) == (200, kind)
    # Lesson pictures keep their place under /chat/media/.
    assert render_web(Reply("x", image="A/phone.png"))["image"] == "/chat/media/A/phone.png"
    assert "links" not in render_web(Reply("x", image="A/phone.png"))


def test_zalo_oa_sends_the_links_as_text() -> None:
    [message] = render_oa("user-1", REPLY, "vi", public_url=PUBLIC)
    text = message["message"]["text"]
    assert text.startswith(TEXT)
    assert f"Ảnh: {PUBLIC}/certificate/{CODE}.png" in text
    assert f"PDF: {PUBLIC}/certificate/{CODE}.pdf" in text
    assert f"Kiểm tra: {PUBLIC}/verify/{CODE}" in text
    buttons = message["message"]["attachment"]["payload"]["buttons"]
    assert [b["payload"] for b in buttons] == ["9:menu"]


def test_zalo_bot_sends_the_picture_by_url_only_from_a_public_https_address() -> None:
    photo, text = render_bot(REPLY, public_url=PUBLIC, locale="vi")
    assert photo == Photo(
        f"{PUBLIC}/certificate/{CODE}.png", "Giấy chứng nhận hoàn thành khóa học"
    )
    assert (
        isinstance(text, str) and f"{PUBLIC}/verify/{CODE}" in text and text.endswith("1. Về menu")
    )
    [only_text] = render_bot(REPLY, public_url="http://127.0.0.1:8080", locale="vi")
    assert isinstance(only_text, str) and "http://127.0.0.1:8080/certificate/" in only_text


async def test_zalo_bot_delivers_the_certificate_picture_and_links(
    sqlite_storage: Storage, catalog: Catalog
) -> None:
    await issue(sqlite_storage)
    clock = Clock()
    fake = await FakeZalo(clock).start()
    user = "6ede9afa66b88fe6d6a9"
    try:
        async with running_zalo_bot(
            sqlite_storage, catalog, fake, clock, "polling", public_url=PUBLIC
        ) as bot:
            await BotLearner(bot, user).say("/start")
            before = len(fake.bot_messages_to(user))
            await enqueue(sqlite_storage, "zalo_bot", user, REPLY, clock.now())
            assert (await bot.drain_outbox()).outcomes == {"sent": 1}
    finally:
        await fake.close()
    assert fake.problems == []
    photo, text = fake.bot_messages_to(user)[before:]
    assert photo.photo == f"{PUBLIC}/certificate/{CODE}.png"
    assert text.photo is None and f"{PUBLIC}/certificate/{CODE}.pdf" in text.text
