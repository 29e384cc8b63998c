"""The dashboard in headless Chromium at 360×740 (a phone) and 1280×800 (a desk): signed in
through a link's button, nothing wider than the screen (only the tables' boxes scroll), the
chart drawn, no request refused by the page's policy. Screenshots go to
var/test-artifacts/dashboard-<w>x<h>.png."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import ConsoleMessage, async_playwright

from bot.core.state import OfficialKind
from bot.dashboard.wiring import report_files
from bot.places.data import load_places
from storage import SecretKind, Storage
from tests.dashboard.world import FakeSummaries, build, official, secret
from tests.web.test_webchat_browser import ARTIFACTS, HAVE_CHROMIUM, phone_page, png_colours

pytestmark = pytest.mark.browser

SIZES = [(360, 740), (1280, 800)]

# The page itself never scrolls sideways; a box wider than the screen must sit inside a
# `.scroll` box (the tables), which scrolls within the page.
OVERFLOW = """() => {
  const width = window.innerWidth, found = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) found.push(`the page is ${page}px wide`);
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".scroll")) continue;
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.left < -0.5 || r.right > width + 0.5)
      found.push(`${el.tagName}.${el.className}: ${r.left}..${r.right}`);
  }
  for (const box of document.querySelectorAll(".scroll")) {
    const r = box.getBoundingClientRect();
    if (r.right > width + 0.5) found.push(`a table box ends at ${r.right}`);
  }
  return found;
}"""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_dashboard_on_a_phone_and_a_desk(
    sqlite_storage: Storage, width: int, height: int
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    app = build(sqlite_storage, FakeSummaries(), report_files(load_places(), "vi"))
    who = await official(sqlite_storage, OfficialKind.PROVINCE)
    link = await secret(sqlite_storage, who, SecretKind.LOGIN)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as pw:
        base = str(server.make_url("")).rstrip("/")
        browser, page = await phone_page(pw, width, height)
        problems: list[str] = []

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(message.text)

        page.on("console", console)
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        await page.goto(f"{base}/dashboard/login/{link}")
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.wait_for_url(f"{base}/dashboard")
        await page.locator("img.chart").wait_for()
        # The whole period with a commune chosen: both tables, the trend, the chart.
        await page.select_option("select[name=commune]", "00004")
        await page.get_by_role("button", name="Xem", exact=True).click()
        await page.wait_for_load_state("networkidle")
        assert await page.locator("h2", has_text="Theo học phần").count() == 1
        chart_loaded = await page.evaluate(
            "() => { const i = document.querySelector('img.chart');"
            " return i.complete && i.naturalWidth > 0; }"
        )
        assert chart_loaded
        assert await page.locator("html").get_attribute("lang") == "vi"
        assert "<5" in await page.locator("main").inner_text()
        assert await page.evaluate(OVERFLOW) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"dashboard-{width}x{height}.png"
        await page.screenshot(path=str(path), full_page=True)
        assert png_colours(path) > 20
        await browser.close()
    assert problems == []
