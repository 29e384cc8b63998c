"""The conversation fixes through the real `hocvuso run` over HTTP, on SQLite and PostgreSQL:
a phone set to English gets Vietnamese; without consent the lessons and the handbook are open
and the database holds nothing more about the learner than a plain "no" did before; small
talk is answered; after erasure a button starts again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import async_playwright

from bot.content import Catalog
from storage import Storage
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_browser import ARTIFACTS, HAVE_CHROMIUM, click, phone_page, png_colours
from tests.web.test_webchat_http import Learner

# The header of a cheap Android phone set to English, Vietnamese listed last.
CHEAP_ANDROID = "en-US,en;q=0.9,vi;q=0.8"
# What the state of a learner without consent may hold: where they are on screen.
NAVIGATION = {"mode", "locale", "turn", "lesson_id", "module_id", "bubble", "resume", "invite"}
NAVIGATION |= {"handbook_hits", "handbook_entry"}
# Tables that hold what a learner did; none gets a row for a learner without consent.
ACTIVITY = (
    "lesson_progress",
    "quiz_answer",
    "completion_event",
    "certificate",
    "link_code",
    "outbox_message",
    "scheduled_fire",
)


def labels(learner: Learner) -> list[str]:
    return [choice["label"] for choice in learner.replies[-1]["choices"]]


async def test_a_phone_set_to_english_gets_vietnamese(bot_process: BotProcess) -> None:
    android = Learner(bot_process.base_url, accept_language=CHEAP_ANDROID)
    await android.say("/start")
    assert android.replies[0]["text"].startswith("Xin chào bác!")
    assert labels(android)[:2] == ["Đồng ý", "Không đồng ý"]
    await android.tap("Đồng ý")
    assert "Cảm ơn" in android.said

    english = Learner(bot_process.base_url, accept_language="en-GB,en;q=0.9")
    await english.say("/start")
    assert english.replies[0]["text"].startswith("Hello!")

    async with aiohttp.ClientSession() as http:
        for header, lang in ((CHEAP_ANDROID, "vi"), ("en-GB,en;q=0.9", "en")):
            async with http.get(
                bot_process.base_url + "/", headers={"Accept-Language": header}
            ) as response:
                assert f'lang="{lang}"' in await response.text()


async def rows_by_learner(url: str) -> dict[str, Any]:
    """Every learner's row, state and identities by their web chat cookie, and the row counts
    of the activity tables."""
    store = Storage.open(url)
    try:
        identities = await store.rows("channel_identity")
        learners = {row["id"]: row for row in await store.rows("learner")}
        counts = {table: len(await store.rows(table)) for table in ACTIVITY}
    finally:
        await store.close()
    found = {row["external_id"]: learners[row["learner_id"]] for row in identities}
    return {"learners": found, "identities": len(identities), "counts": counts}


def filled(row: dict[str, Any]) -> set[str]:
    """The columns of a learner row that hold something."""
    return {name for name, value in row.items() if value is not None}


async def test_without_consent_lessons_and_handbook_are_open_and_nothing_is_stored(
    bot_process: BotProcess, db_url: str, catalog: Catalog
) -> None:
    # What a learner who said no left in the database before: a learner row and an identity.
    before = Learner(bot_process.base_url)
    await before.say("/start")
    await before.tap("Không đồng ý")

    reader = Learner(bot_process.base_url)
    await reader.say("/start")
    await reader.tap("Không đồng ý")
    assert "không có thông tin nào của bác được lưu" in reader.said
    lesson = catalog.lessons[0]
    await reader.tap(f"Học bài: {lesson.title}")
    assert lesson.bubbles[0].text in reader.said
    await reader.read_lesson(lesson)
    await reader.tap("Làm bài kiểm tra")
    assert "nên bác cần đồng ý trước" in reader.said
    assert labels(reader)[:2] == ["Đồng ý", "Không đồng ý"]
    await reader.tap("Không đồng ý")
    assert labels(reader) == ["Làm bài kiểm tra", "Để sau"]  # back in the lesson
    await reader.say("/sotay mã OTP là gì")
    assert "📖" in reader.said and "OTP" in reader.said
    await reader.say("cảm ơn")
    assert "không có gì" in reader.said and "Tất cả bài học" in labels(reader)
    await reader.say("/tiendo")
    assert "nên bác cần đồng ý trước" in reader.said

    stored = await rows_by_learner(db_url)
    assert stored["counts"] == dict.fromkeys(ACTIVITY, 0)
    assert stored["identities"] == 2
    [said_no, read] = stored["learners"].values()
    assert filled(read) == filled(said_no)  # the same columns, nothing more about them
    assert read["consent_version"] is None and read["province_code"] is None
    assert set(json.loads(read["state"])) <= NAVIGATION


async def test_after_erasure_a_button_starts_again(bot_process: BotProcess) -> None:
    learner = Learner(bot_process.base_url)
    await learner.say("/start")
    await learner.tap("Đồng ý")
    await learner.say("/xoadulieu")
    await learner.tap("Có, xóa dữ liệu")
    assert labels(learner) == ["Bắt đầu lại"]
    await learner.tap("Bắt đầu lại")
    assert learner.replies[0]["text"].startswith("Xin chào bác!")
    assert labels(learner)[:2] == ["Đồng ý", "Không đồng ý"]
    await learner.say("👍")  # emoji alone is a nod, not "empty"
    assert "Dạ vâng! 👍" in learner.said and "chưa nhận được" not in learner.said


@pytest.mark.browser
async def test_an_english_phone_reads_a_lesson_in_vietnamese_without_consent(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    """Headless Chromium as a 360×740 phone set to English (the exact header of a cheap
    Android phone): the page and the bot speak Vietnamese; after "Không đồng ý" a lesson opens."""
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    lesson = catalog.lessons[0]
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.context.set_extra_http_headers({"Accept-Language": CHEAP_ANDROID})
            await page.goto(server.base_url + "/")
            assert await page.get_attribute("html", "lang") == "vi"
            await click(page, "Bắt đầu học")
            await page.wait_for_selector("text=Xin chào bác!")
            await click(page, "Không đồng ý")
            await click(page, "Học bài")
            await page.wait_for_selector(f"text={lesson.title}")
            shot = tmp_path / "webchat-english-phone-no-consent.png"
            await page.screenshot(path=str(shot))
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, ARTIFACTS / shot.name)
            await browser.close()
    finally:
        server.stop()
    assert png_colours(shot) > 20, "the screenshot looks blank"
