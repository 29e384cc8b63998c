"""The web chat in headless Chromium (Debian's `chromium`), clicked through like a learner."""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Playwright, async_playwright

from bot.content import Catalog
from bot.core.catalog import bubbles
from lessons.models import Lesson
from storage import Storage
from tests.conftest import ROOT, BotProcess, free_port
from tests.web.journey import answer_plan, first_lesson

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
ARTIFACTS = ROOT / "var" / "test-artifacts"
pytestmark = pytest.mark.browser


def png_colours(path: Path) -> int:
    """How many distinct colours a (non-interlaced, 8-bit RGB/RGBA) PNG has, sampled."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels + 1
    colours = set()
    for row in range(0, height, 7):
        line = raw[row * stride + 1 : (row + 1) * stride]  # filtered, but varied rows differ
        colours.update(line[i : i + 3] for i in range(0, len(line), channels * 5))
    return len(colours)


async def phone_page(pw: Playwright, width: int = 360, height: int = 740) -> tuple[Browser, Page]:
    """Debian's Chromium, headless, showing a phone screen (360×740) in Vietnamese."""
    browser = await pw.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    context = await browser.new_context(
        viewport={"width": width, "height": height}, locale="vi-VN", device_scale_factor=1
    )
    return browser, await context.new_page()


async def click(page: Page, label: str) -> None:
    """Tap the newest enabled button whose label starts with `label` ("1. label" on screen)."""
    pattern = re.compile(rf"^\s*(\d+\. )?{re.escape(label)}")
    buttons = page.locator(".choices button:not([disabled])", has_text=pattern)
    await buttons.last.click()
    await page.wait_for_function("() => !document.querySelector('.typing')")


async def read_lesson(page: Page, lesson: Lesson) -> None:
    """From the open lesson's first bubble to its quiz button, tapping as a learner does."""
    for step in bubbles(lesson)[:-1]:
        if step.check is not None:
            await click(page, next(option.text for option in step.check.options if option.correct))
        else:
            await click(page, "Làm xong rồi" if step.try_ is not None else "Tiếp tục")


async def type_answer(page: Page, text: str) -> None:
    await page.fill("#input", text)
    await page.click("#send")
    await page.wait_for_function("() => !document.querySelector('.typing')")


async def test_learner_clicks_through_lesson_one(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    lesson, quiz = first_lesson(catalog)
    plan, _wrong_at = answer_plan(quiz)
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.goto(server.base_url + "/")
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            await click(page, "Học bài")
            await read_lesson(page, lesson)
            await click(page, "Làm bài kiểm tra")
            for steps in plan:
                for step in steps:
                    if step.label:
                        await click(page, step.label)
                    else:
                        await type_answer(page, step.text or "")
            await page.wait_for_selector("text=Bác đã qua bài này")
            shot = tmp_path / "webchat-360x740.png"
            await page.screenshot(path=str(shot))
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, ARTIFACTS / shot.name)

            # Reload: the cookie brings the learner back where they were.
            await page.reload()
            await page.wait_for_selector("text=Chào mừng bác quay lại")
            await browser.close()
    finally:
        server.stop()

    assert png_colours(shot) > 20, "the screenshot looks blank"
    store = Storage.open(sqlite_url)
    try:
        kinds = [(e["kind"], e["lesson_id"]) for e in await store.completion_events()]
    finally:
        await store.close()
    assert kinds == [("lesson_completed", lesson.id), ("quiz_passed", lesson.id)]


async def test_an_announcement_shows_when_the_page_opens_again(
    sqlite_url: str, tmp_path: Path
) -> None:
    from bot.outbox import queue_announcement
    from bot.service import utc_now

    text = "Thông báo: Chủ nhật này xã hướng dẫn cài VNeID tại nhà văn hoá thôn."
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.goto(server.base_url + "/")
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            store = Storage.open(sqlite_url)
            try:
                assert await queue_announcement(store, text, utc_now()) == 1
            finally:
                await store.close()
            await page.reload()
            await page.wait_for_selector(f"text={text}")
            await page.wait_for_selector("text=Chào mừng bác quay lại")
            shot = tmp_path / "webchat-announcement-360x740.png"
            await page.screenshot(path=str(shot))
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, ARTIFACTS / shot.name)
            await page.reload()  # shown once
            await page.wait_for_selector("text=Chào mừng bác quay lại")
            assert await page.locator(f"text={text}").count() == 0
            await browser.close()
    finally:
        server.stop()
    assert png_colours(shot) > 20, "the screenshot looks blank"
