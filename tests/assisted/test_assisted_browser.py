"""Learning together in the web chat, in headless Chromium on a 360×740 phone: an ambassador
adds two villagers and switches back to the first, who continues mid-lesson; every villager
reply is headed with her name. Saves var/test-artifacts/assisted-360x740.png."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from bot.content import Catalog
from storage import Storage
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_browser import (
    ARTIFACTS,
    HAVE_CHROMIUM,
    click,
    phone_page,
    png_colours,
    type_answer,
)

pytestmark = pytest.mark.browser
HEADER = "👥 Đang học cùng: Bà Tư"


async def add(page: Page, alias: str) -> None:
    await type_answer(page, "/hoccung")
    await click(page, "➕ Thêm người mới")
    await type_answer(page, alias)
    await click(page, "Từ 60 tuổi trở lên")
    await click(page, "Người dân")
    await click(page, "Bác ấy đã đồng ý")


async def test_an_assisted_session_on_a_phone(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    store = Storage.open(sqlite_url)
    try:
        issued = await store.ambassadors.issue(
            province="01", commune="00004", now=datetime.now(UTC), valid_for=timedelta(days=1)
        )
    finally:
        await store.close()
    lesson = catalog.lessons[0]
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.goto(server.base_url + "/")
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            await click(page, "Bỏ qua phần này")
            await type_answer(page, f"/daisu {issued.code}")
            await add(page, "Bà Tư")
            await click(page, "Học bài")
            await click(page, "Tiếp tục")
            await add(page, "Ông Năm")
            await type_answer(page, "/hoccung")
            await click(page, "👤 Bà Tư")
            last = page.locator(".msg").last
            text = await last.inner_text()
            assert text.startswith(HEADER) and lesson.title in text and "2/" in text, text
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360  # nothing wider than the phone
            await last.scroll_into_view_if_needed()
            shot = tmp_path / "assisted-360x740.png"
            await page.screenshot(path=str(shot))
            await browser.close()
    finally:
        server.stop()
    assert png_colours(shot) > 20, "the screenshot looks blank"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / shot.name)
