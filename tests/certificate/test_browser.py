"""The certificate in headless Chromium on a 360×740 phone screen: in the web chat (picture,
PDF link, check link) and on its verification page (no sideways scrolling)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from bot.certificate import certificate_image
from bot.core import Reply
from bot.outbox import payload_of
from bot.service import utc_now
from storage import Storage
from tests.certificate.helpers import CODE, NAME, issue
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_browser import ARTIFACTS, HAVE_CHROMIUM, click, phone_page, png_colours

pytestmark = pytest.mark.browser

TEXT = "Chúc mừng bác đã hoàn thành khóa học! Đây là giấy chứng nhận của bác."


async def test_the_certificate_in_the_web_chat_and_on_its_page(
    sqlite_url: str, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    store = Storage.open(sqlite_url)
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        await issue(store)
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.goto(server.base_url + "/")
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            [cookie] = [c for c in await page.context.cookies() if c["name"] == "hocvuso_chat"]
            async with store.unit_of_work(utc_now()) as uow:
                reply = Reply(TEXT, image=certificate_image(CODE))
                await store.outbox.enqueue(
                    uow, channel="webchat", recipient=cookie["value"], payload=payload_of((reply,))
                )
            await page.reload()
            picture = page.locator(f'.msg img[src="/certificate/{CODE}.png"]')
            await picture.wait_for()
            await page.wait_for_function(
                "img => img.complete && img.naturalWidth === 1600",
                arg=await picture.element_handle(),
            )
            links = page.locator(".msg a.file")
            assert await links.all_inner_texts() == [
                "Tải giấy chứng nhận (PDF)",
                "Kiểm tra giấy chứng nhận",
            ]
            assert await links.nth(0).get_attribute("href") == f"/certificate/{CODE}.pdf"
            await picture.scroll_into_view_if_needed()
            chat_shot = tmp_path / "certificate-webchat-360x740.png"
            await page.screenshot(path=str(chat_shot))

            async with page.context.expect_page() as opened:  # the check opens in a new tab
                await links.nth(1).click()
            check = await opened.value
            await check.wait_for_load_state()
            assert check.url.endswith(f"/verify/{CODE}")
            await check.wait_for_selector(f"text={NAME}")
            await check.wait_for_selector("text=Giấy chứng nhận hợp lệ")
            width = await check.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the page scrolls sideways on a phone ({width} px)"
            page_shot = tmp_path / "certificate-verify-360x740.png"
            await check.screenshot(path=str(page_shot), full_page=True)
            await browser.close()
    finally:
        server.stop()
        await store.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for shot in (chat_shot, page_shot):
        assert png_colours(shot) > 20, f"{shot.name} looks blank"
        shutil.copy(shot, ARTIFACTS / shot.name)
