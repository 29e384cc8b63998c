"""Lesson drawings in the web chat: the reply names the drawing's PNG and its alt text, the
server draws and serves it, and the page shows `<img alt="…">`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from PIL import Image
from playwright.async_api import async_playwright

from bot.channels.webchat.channel import WebChatChannel
from bot.pictures import WIDTH, png_path
from bot.service import ConversationService
from bot.web import build_app
from storage import Storage
from tests.pictured import ALT, NAME, pictured_catalog
from tests.web.test_webchat_browser import HAVE_CHROMIUM, click, phone_page
from tests.web.test_webchat_http import Learner


def lesson_choice(replies: list[dict[str, Any]]) -> str:
    """The label of the newest "Học bài…" button."""
    for reply in reversed(replies):
        for choice in reply["choices"]:
            if str(choice["label"]).startswith("Học bài"):
                return str(choice["label"])
    raise AssertionError(f"no lesson button in {replies}")


async def test_a_lesson_drawing_comes_with_its_png_and_alt_text(
    tmp_path: Path, sqlite_url: str
) -> None:
    catalog = pictured_catalog(tmp_path)
    storage = Storage.open(sqlite_url)
    service = ConversationService(storage, catalog)
    server = TestServer(build_app(service, [WebChatChannel(service)]))
    await server.start_server()
    try:
        learner = Learner(str(server.make_url("")).rstrip("/"))
        await learner.say("/start")
        await learner.tap("Đồng ý")
        shown = await learner.tap(lesson_choice(learner.replies))
        [pictured] = [reply for reply in shown if "image" in reply]
        assert pictured["image"] == "/chat/media/images/phone.png"
        assert pictured["alt"] == ALT and "Bong bóng thứ nhất." in pictured["text"]
        assert all("alt" not in reply for reply in shown if reply is not pictured)

        assert not png_path(catalog.lessons_dir, NAME).exists()  # no build ran: drawn on demand
        async with aiohttp.ClientSession() as http:
            async with http.get(server.make_url(pictured["image"])) as response:
                assert response.status == 200 and response.content_type == "image/png"
                picture = Image.open(io.BytesIO(await response.read()))
            assert picture.width == WIDTH
            for path in ("/chat/media/images/phone.svg", "/chat/media/images/none.png"):
                async with http.get(server.make_url(path)) as response:
                    assert response.status == 404, path
    finally:
        await server.close()
        await storage.close()


@pytest.mark.browser
async def test_the_page_shows_the_drawing_with_its_alt_text(
    tmp_path: Path, sqlite_url: str
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    catalog = pictured_catalog(tmp_path)
    storage = Storage.open(sqlite_url)
    service = ConversationService(storage, catalog)
    server = TestServer(build_app(service, [WebChatChannel(service)]))
    await server.start_server()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.goto(str(server.make_url("/")))
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            await click(page, "Học bài")
            img = page.locator(f'.msg.bot img[alt="{ALT}"]')
            await img.wait_for()
            await page.wait_for_function(
                "(alt) => [...document.querySelectorAll('.msg.bot img')]"
                ".some((i) => i.alt === alt && i.complete && i.naturalWidth > 0)",
                arg=ALT,
            )
            assert await img.get_attribute("src") == "/chat/media/images/phone.png"
            box = await img.bounding_box()
            assert box is not None and box["width"] <= 360  # fits a phone screen
            await browser.close()
    finally:
        await server.close()
        await storage.close()
