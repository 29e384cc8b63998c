"""`/baocao` in headless Chromium on a 360×740 phone: a commune official of the web chat sees
the figures, the chart as a picture and the dashboard link, nothing wider than the phone; the
screenshot is kept in var/test-artifacts/baocao-360x740.png."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from bot.content import Catalog
from storage import Storage
from tests.ambassadors.world import running
from tests.fakes.fake_bot_api import FakeBotApi
from tests.officials.test_chat import official_code
from tests.officials.test_report_chat import _residents_of_ba_dinh
from tests.web.test_webchat_browser import (
    ARTIFACTS,
    HAVE_CHROMIUM,
    phone_page,
    png_colours,
    type_answer,
)

pytestmark = pytest.mark.browser


async def test_baocao_on_a_phone(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    storage = sqlite_storage
    async with running(fake_api, storage, small_catalog) as world:
        await _residents_of_ba_dinh(world.web, 6)
        official = world.web()
        await _residents_of_ba_dinh(lambda: official, 1)
        await official.say(f"/canbo {await official_code(storage)}")
        [cookie] = [c for c in official.learner.jar if c.key == "hocvuso_chat"]
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": world.web_url}]
            )
            await page.goto(world.web_url + "/")
            await page.locator(".msg").first.wait_for()
            await page.wait_for_function("() => !document.querySelector('.typing')")
            await type_answer(page, "/baocao")
            figures = page.locator(".msg", has_text="Báo cáo của Phường Ba Đình").last
            await figures.wait_for()
            text = await figures.inner_text()
            assert "Người học đã đăng ký: 7" in text
            chart = page.locator("img[src^='/report/chart/']").last
            await chart.wait_for()
            await page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=await chart.element_handle()
            )
            assert await chart.evaluate("img => img.naturalWidth") == 900
            await figures.evaluate("node => node.scrollIntoView({block: 'start'})")
            shot = tmp_path / "baocao-360x740.png"
            await page.screenshot(path=str(shot))
            await page.locator("#log").evaluate("node => node.scrollTop = node.scrollHeight")
            await page.screenshot(path=str(tmp_path / "baocao-chart-360x740.png"))
            assert await page.evaluate("document.documentElement.scrollWidth") <= 360
            await browser.close()
    assert png_colours(shot) > 20
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in ("baocao-360x740.png", "baocao-chart-360x740.png"):
        shutil.copy(tmp_path / name, ARTIFACTS / name)
