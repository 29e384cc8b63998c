"""The first ten minutes on a small phone, in headless Chromium at 320×640, 360×740 and 412×915:
nothing wider than the screen, each answer shown from its first bubble, no keyboard popping up
after a tap, the learner's taps shown as their own bubbles, one greeting, an icon, the source
link in the footer. Screenshots of the first screen, a quiz answer and a long handbook answer go
to var/test-artifacts/webchat-<what>-<w>x<h>.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, Response, async_playwright

from bot.content import Catalog
from tests.conftest import BotProcess, free_port
from tests.web.journey import answer_plan, first_lesson
from tests.web.test_webchat_browser import (
    ARTIFACTS,
    HAVE_CHROMIUM,
    click,
    phone_page,
    png_colours,
    read_lesson,
    type_answer,
)

pytestmark = pytest.mark.browser

SIZES = [(320, 640), (360, 740), (412, 915)]

# Every box on the page, and the text inside each bubble and button, within the screen's width.
OVERFLOW = """() => {
  const width = window.innerWidth, found = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) found.push(`the page is ${page}px wide`);
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    const name = el.tagName + (el.id ? "#" + el.id : "") + "." + el.className + " "
      + JSON.stringify((el.innerText || el.value || "").slice(0, 30));
    if (r.left < -0.5 || r.right > width + 0.5) found.push(`${name}: ${r.left}..${r.right}`);
    if (el.matches(".msg, button, a") && el.scrollWidth > el.clientWidth + 1)
      found.push(`${name}: its text is cut (${el.scrollWidth} > ${el.clientWidth})`);
  }
  return found;
}"""

# Where the first bot bubble after child `before` of the chat log sits in the log's view.
FIRST_NEW = """(before) => {
  const log = document.getElementById("log");
  const fresh = [...log.children].slice(before);
  const first = fresh.find((el) => el.matches(".msg.bot"));
  const view = log.getBoundingClientRect(), top = first.getBoundingClientRect().top;
  const end = fresh[fresh.length - 1].getBoundingClientRect().bottom;
  return {
    text: first.innerText,
    offset: top - view.top,
    view: log.clientHeight,
    tall: end - top > log.clientHeight,
    endOffset: end - view.top,
  };
}"""


async def no_overflow(page: Page) -> None:
    assert await page.evaluate(OVERFLOW) == []


async def log_size(page: Page) -> int:
    return int(await page.evaluate("document.getElementById('log').children.length"))


async def first_new_bubble(page: Page, before: int) -> dict[str, Any]:
    """The first new bot bubble, checked to be read first: its top at the top of the view, or
    (when everything new fits) everything new in view."""
    seen: dict[str, Any] = await page.evaluate(FIRST_NEW, before)
    if seen["tall"]:
        assert 0 <= seen["offset"] <= 24, seen  # scrolled to its start, not to the end
    else:
        assert seen["offset"] >= 0 and seen["endOffset"] <= seen["view"] + 1, seen
    return seen


async def focused(page: Page) -> str:
    return str(await page.evaluate("document.activeElement ? document.activeElement.id : ''"))


async def shot(page: Page, what: str, width: int, height: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"webchat-{what}-{width}x{height}.png"
    await page.screenshot(path=str(path))
    assert png_colours(path) > 20, f"{path.name} looks blank"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_first_ten_minutes_on_a_phone(
    sqlite_url: str, catalog: Catalog, width: int, height: int
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    lesson, quiz = first_lesson(catalog)
    plan, wrong_at = answer_plan(quiz)
    entry = max(catalog.handbook.entries, key=lambda e: len(e.answer))
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw, width, height)
            missing: list[str] = []

            def note(response: Response) -> None:
                if response.status >= 400:
                    missing.append(response.url)

            page.on("response", note)
            await page.goto(server.base_url + "/")
            await page.locator("#start").wait_for()

            # (a) The first screen: what to tap, the icon, the source link at the foot.
            icon = await page.get_attribute('link[rel="icon"]', "href")
            assert icon is not None
            response = await page.request.get(server.base_url + icon)
            assert response.status == 200 and response.headers["content-type"] == "image/png"
            source = page.locator("footer a")
            assert await source.count() == 1
            assert await source.inner_text() == "Mã nguồn"
            assert await source.get_attribute("href") == "/source.tar.gz"
            assert await source.is_visible()
            assert await page.locator("header a").count() == 0
            await no_overflow(page)
            await shot(page, "first", width, height)

            # One greeting, from the bot; the tap shows as the learner's own bubble.
            await click(page, "Bắt đầu học")
            assert await page.locator(".msg.me").all_inner_texts() == ["Bắt đầu học"]
            greetings = await page.locator(".msg", has_text="Xin chào").count()
            assert greetings == 1
            assert await focused(page) != "input"  # no keyboard popping up after a tap
            await click(page, "Đồng ý")
            assert (await page.locator(".msg.me").all_inner_texts())[-1] == "Đồng ý"
            await click(page, "Học bài")
            await read_lesson(page, lesson)
            await click(page, "Làm bài kiểm tra")
            await no_overflow(page)

            # (b) A quiz answer: the "❌ why" is read first, the next question after it.
            for steps in plan[:wrong_at]:
                for step in steps:
                    if step.label:
                        await click(page, step.label)
                    else:
                        await type_answer(page, step.text or "")
            before = await log_size(page)
            for step in plan[wrong_at]:
                await click(page, step.label or "")
            seen = await first_new_bubble(page, before)
            assert seen["text"].startswith("❌"), seen
            assert await focused(page) != "input"
            await no_overflow(page)
            await shot(page, "quiz", width, height)

            # A typed answer keeps the text box ready for the next one.
            await type_answer(page, "/menu")
            assert await focused(page) == "input"

            # (c) A long handbook answer is shown from its start.
            before = await log_size(page)
            await type_answer(page, f"/sotay {entry.question}")
            seen = await first_new_bubble(page, before)
            assert entry.answer[:40] in seen["text"], seen
            if (width, height) == (320, 640):
                assert seen["tall"], "the answer and its buttons should not fit on this screen"
            await no_overflow(page)
            await shot(page, "handbook", width, height)
            await browser.close()
    finally:
        server.stop()
    assert missing == []


async def test_on_a_desktop_the_text_box_keeps_the_focus(sqlite_url: str) -> None:
    """With a mouse and a wide screen there is no keyboard to pop up: the box stays ready."""
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw, 1280, 800)
            await page.goto(server.base_url + "/")
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            assert await focused(page) == "input"
            await browser.close()
    finally:
        server.stop()


async def test_a_message_queued_while_away_is_shown_first(sqlite_url: str) -> None:
    """An announcement waiting for the learner comes before "welcome back" and its menu, and the
    view starts at it, though everything after it is taller than the screen."""
    from bot.outbox import queue_announcement
    from bot.service import utc_now
    from storage import Storage

    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    text = "Thông báo: Chủ nhật này xã hướng dẫn cài VNeID tại nhà văn hoá thôn."
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw, 320, 640)
            await page.goto(server.base_url + "/")
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            await click(page, "Bỏ qua phần này")
            store = Storage.open(sqlite_url)
            try:
                assert await queue_announcement(store, text, utc_now()) == 1
            finally:
                await store.close()
            await page.reload()
            await page.wait_for_selector("text=Chào mừng bác quay lại")
            await page.wait_for_function("() => !document.querySelector('.typing')")
            seen = await first_new_bubble(page, 0)
            assert seen["text"] == text and seen["tall"], seen
            await browser.close()
    finally:
        server.stop()
