"""The public Sổ tay, the embedded chat on a portal's page and the static export, in headless
Chromium on a 360×740 phone screen; screenshots land in var/test-artifacts/."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, async_playwright

from bot.content import Catalog
from bot.i18n import translator
from bot.sotay import export_html
from bot.text import fold
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_browser import ARTIFACTS, HAVE_CHROMIUM, phone_page, png_colours

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian's chromium is missing"),
]


async def shoot(page: Page, tmp_path: Path, name: str) -> Path:
    """A screenshot of the phone screen, kept in var/test-artifacts/ too."""
    shot = tmp_path / name
    await page.screenshot(path=str(shot))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / name)
    assert png_colours(shot) > 20, f"{name} looks blank"
    return shot


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"


async def small_targets(page: Page, selector: str) -> list[str]:
    """The elements matching `selector` shorter than 44 px (too small to tap)."""
    found: list[str] = await page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent && e.getBoundingClientRect().height < 44)"
        ".map(e => e.textContent)",
    )
    return found


def portal_app(bot_url: str) -> web.Application:
    """A province's portal: a page with the launcher script, a page with an iframe."""

    def page(body: str) -> web.Response:
        return web.Response(
            text=(
                '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>Cổng thông tin tỉnh</title></head><body>"
                "<h1>Cổng thông tin điện tử tỉnh (thử)</h1>"
                "<p>Tin tức, thủ tục hành chính, phong trào Bình dân học vụ số.</p>"
                f"{body}</body></html>"
            ),
            content_type="text/html",
        )

    async def launcher(_request: web.Request) -> web.Response:
        return page(f'<script src="{bot_url}/chat/static/embed.js" defer></script>')

    async def frame(request: web.Request) -> web.Response:
        path = request.query.get("path", "/chat/embed")
        return page(
            f'<iframe src="{bot_url}{path}" title="Học vụ số" width="340" height="560"></iframe>'
        )

    app = web.Application()
    app.router.add_get("/launcher", launcher)
    app.router.add_get("/frame", frame)
    return app


@pytest.fixture
async def portal_and_bot(sqlite_url: str) -> AsyncIterator[tuple[str, str, str]]:
    """(the allowed portal's address, the same portal by another origin, the bot's address)."""
    port = free_port()
    allowed = f"http://localhost:{port}"
    bot = BotProcess(sqlite_url, free_port(), {"HOCVUSO_EMBED_ORIGINS": allowed}).start()
    server = TestServer(portal_app(bot.base_url), host="127.0.0.1", port=port)
    await server.start_server()
    try:
        yield allowed, f"http://127.0.0.1:{port}", bot.base_url
    finally:
        await server.close()
        bot.stop()


async def test_the_sotay_page_on_a_phone(sqlite_url: str, tmp_path: Path) -> None:
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.goto(server.base_url + "/sotay")
            await no_sideways_scroll(page)
            assert await small_targets(page, ".topics a, .search button, #q, .chat a") == []
            await shoot(page, tmp_path, "sotay-360x740.png")

            # Search without accents, as most people type on a phone: no script, a GET form.
            await page.fill("#q", "chuyen tien qua ngan hang")
            await page.click(".search button")
            await page.wait_for_url("**/sotay?q=*")
            await page.wait_for_selector(".results .entry")
            first = await page.text_content(".results .entry .q")
            assert first is not None and "chuyển" in first.lower()
            await no_sideways_scroll(page)
            await shoot(page, tmp_path, "sotay-search-360x740.png")
            await page.locator(".results .entry .lesson").first.scroll_into_view_if_needed()
            await shoot(page, tmp_path, "sotay-search-lesson-360x740.png")

            await page.fill("#q", "xyzzyq")
            await page.click(".search button")
            await page.wait_for_selector("text=Chưa có câu trả lời nào khớp")
            assert await page.locator(".topics a").count() >= 6
            await shoot(page, tmp_path, "sotay-nohit-360x740.png")
            await browser.close()
    finally:
        server.stop()


async def test_the_launcher_opens_the_chat_on_an_allowed_portal(
    portal_and_bot: tuple[str, str, str], tmp_path: Path
) -> None:
    allowed, _other, _bot = portal_and_bot
    async with async_playwright() as pw:
        browser, page = await phone_page(pw)
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if "/chat/embed" in r.url else None)
        await page.goto(f"{allowed}/launcher")
        await page.wait_for_selector("#hocvuso-launcher")
        assert asked == []  # nothing fetched from hocvuso before the tap
        await page.click("#hocvuso-launcher")
        chat = page.frame_locator("iframe")
        await chat.locator("#start").click()
        await chat.locator(".choices button", has_text="Đồng ý").first.wait_for()
        await no_sideways_scroll(page)
        await shoot(page, tmp_path, "embed-launcher-360x740.png")
        frame_width = await chat.locator("body").evaluate(
            "b => [b.scrollWidth, document.documentElement.clientWidth]"
        )
        assert frame_width[0] <= frame_width[1], frame_width
        # Closed again by the same button, or by Escape.
        await page.click("#hocvuso-launcher")
        assert await page.locator("iframe").is_hidden()
        await page.click("#hocvuso-launcher")
        assert await page.locator("iframe").is_visible()
        await page.keyboard.press("Escape")
        assert await page.locator("iframe").is_hidden()
        assert len(asked) == 1
        await browser.close()


async def test_only_the_listed_site_may_frame_only_the_embed_page(
    portal_and_bot: tuple[str, str, str], tmp_path: Path
) -> None:
    allowed, other, _bot = portal_and_bot
    async with async_playwright() as pw:
        browser, page = await phone_page(pw)
        refusals: list[str] = []
        page.on("console", lambda m: refusals.append(m.text) if "frame" in m.text else None)

        await page.goto(f"{allowed}/frame")
        await page.frame_locator("iframe").locator("#start").wait_for()
        await shoot(page, tmp_path, "embed-iframe-360x740.png")
        assert refusals == []

        # Another origin (the same host by its address), and the full chat page itself.
        for url in (f"{other}/frame", f"{allowed}/frame?path=/", f"{allowed}/frame?path=/sotay"):
            refusals.clear()
            await page.goto(url)
            await page.wait_for_load_state("load")
            for _ in range(50):
                if refusals:
                    break
                await asyncio.sleep(0.1)
            assert any("frame-ancestors" in text for text in refusals), (url, refusals)
            assert await page.frame_locator("iframe").locator("#log, main").count() == 0, url
        await browser.close()


async def test_the_export_opens_from_disk_and_searches(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "so tay"  # a space in the path, as on a Windows desktop
    export_html(catalog, translator("vi"), folder, chat_url="https://hocvuso.example.vn/")
    async with async_playwright() as pw:
        browser, page = await phone_page(pw)
        await page.goto((folder / "index.html").as_uri())
        await page.wait_for_selector("#search:not([hidden])")
        assert await page.locator("section.topic .entry").count() == len(catalog.handbook)
        await no_sideways_scroll(page)
        await shoot(page, tmp_path, "export-360x740.png")

        await page.fill("#q", "quen mat khau")
        await page.press("#q", "Enter")
        await page.wait_for_selector("#result-list .entry")
        questions = await page.locator("#result-list .entry .q").all_text_contents()
        assert 1 <= len(questions) <= 8
        assert "mat khau" in fold(questions[0]), questions
        title = await page.text_content("#results-title")
        assert title == "Kết quả cho “quen mat khau”"
        await no_sideways_scroll(page)
        await shoot(page, tmp_path, "export-search-360x740.png")

        # The same with accents; then words nothing fits.
        await page.fill("#q", "quên mật khẩu")
        await page.press("#q", "Enter")
        await page.wait_for_selector("#results-title:text('quên mật khẩu')")
        accented = await page.locator("#result-list .entry .q").all_text_contents()
        assert accented[0] == questions[0]
        await page.fill("#q", "xyzzyq")
        await page.press("#q", "Enter")
        await page.wait_for_selector("#no-hit:not([hidden])")
        assert "“xyzzyq”" in (await page.text_content("#no-hit") or "")
        assert await page.locator("#result-list .entry").count() == 0

        # Without JavaScript: the full list by topic, no search box that does nothing.
        context = await browser.new_context(
            viewport={"width": 360, "height": 740}, java_script_enabled=False
        )
        plain = await context.new_page()
        await plain.goto((folder / "index.html").as_uri())
        assert await plain.locator("#search").is_hidden()
        assert await plain.locator("section.topic .entry").count() == len(catalog.handbook)
        await browser.close()
