"""The whole course on the web chat: profile, every lesson and quiz passed over HTTP, then in
headless Chromium on a 360×740 phone the progress report and the certificate, which its
verification page confirms."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import async_playwright

from bot.content import Catalog
from quizzes import Question, QuestionType
from storage import Storage
from tests.conftest import BotProcess, free_port
from tests.web.journey import choice_for
from tests.web.test_webchat_browser import (
    ARTIFACTS,
    HAVE_CHROMIUM,
    phone_page,
    png_colours,
    type_answer,
)
from tests.web.test_webchat_http import Learner

pytestmark = pytest.mark.browser

NAME = "Nguyễn Thị Ánh Tuyết"


def action_id(replies: list[dict[str, Any]], action: str) -> str:
    """The id of the newest choice for `action` ("<turn>:<action>")."""
    for reply in reversed(replies):
        for choice in reply["choices"]:
            if str(choice["id"]).split(":", 1)[1] == action:
                return str(choice["id"])
    raise AssertionError(f"no {action!r} choice in {replies}")


async def answer_right(learner: Learner, question: Question) -> None:
    if question.type is QuestionType.TRUE_FALSE:
        await learner.tap("Đúng" if question.answer else "Sai")
    elif question.type is QuestionType.SHORT:
        await learner.say(question.answers[0])
    elif question.type is QuestionType.MULTIPLE:
        for option in question.options:
            if option.correct:
                await learner.post({"choice": choice_for(option.text, learner.replies)})
        await learner.tap("Xong")
    else:
        right = next(option for option in question.options if option.correct)
        await learner.tap(right.text)


async def pass_every_lesson(learner: Learner, catalog: Catalog) -> None:
    for lesson in catalog.required_lessons:  # the elective Chợ số is not needed
        await learner.post({"choice": action_id(learner.replies, "next_lesson")})
        assert lesson.title in learner.said
        await learner.read_lesson(lesson)
        await learner.post({"choice": action_id(learner.replies, "quiz")})
        quiz = catalog.quiz(lesson.id)
        assert quiz is not None
        for question in quiz.questions:
            await answer_right(learner, question)
        assert "Bác đã qua bài này" in learner.said, (lesson.id, learner.said)


async def test_the_whole_course_ends_with_a_certificate_on_a_phone(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        learner = Learner(server.base_url)
        await learner.say("/start")
        await learner.tap("Đồng ý")
        await learner.say("phuong ba dinh, ha noi")
        await learner.tap("Người dân")
        await learner.tap("Từ 60 tuổi trở lên")
        await learner.tap("Buổi sáng (8 giờ)")
        await pass_every_lesson(learner, catalog)
        assert "Nhận giấy chứng nhận" in str(learner.replies[-1]["choices"])
        [cookie] = [c for c in learner.jar if c.key == "hocvuso_chat"]

        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": server.base_url}]
            )
            await page.goto(server.base_url + "/")
            await page.locator(".msg").first.wait_for()  # the session is open
            await page.wait_for_function("() => !document.querySelector('.typing')")
            await type_answer(page, "/tiendo")
            report = page.locator(".msg", has_text="Tiến độ của bác").last
            await report.wait_for()
            text = await report.inner_text()
            total = len(catalog.required_lessons)  # the elective Chợ số is extra
            assert f"{total}/{total}" in text and "▓▓▓▓▓▓▓▓▓▓" in text
            await report.scroll_into_view_if_needed()
            progress_shot = tmp_path / "course-progress-360x740.png"
            await page.screenshot(path=str(progress_shot))

            await type_answer(page, "/chungnhan")
            await type_answer(page, NAME)
            picture = page.locator('.msg img[src^="/certificate/"]').last
            await picture.wait_for()
            await page.wait_for_function(
                "img => img.complete && img.naturalWidth > 1000",
                arg=await picture.element_handle(),
            )
            source = await picture.get_attribute("src")
            assert source is not None
            code = re.fullmatch(r"/certificate/([A-Z0-9]+)\.png", source)
            assert code is not None
            await picture.scroll_into_view_if_needed()
            certificate_shot = tmp_path / "course-certificate-360x740.png"
            await page.screenshot(path=str(certificate_shot))
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360  # nothing wider than the phone
            await browser.close()

        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{server.base_url}/verify/{code[1].lower()}") as response,
        ):
            page_text = await response.text()
            assert response.status == 200 and NAME in page_text
    finally:
        server.stop()

    for shot in (progress_shot, certificate_shot):
        assert png_colours(shot) > 20  # a real page, not a blank one
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, ARTIFACTS / shot.name)

    store = Storage.open(sqlite_url)
    try:
        [row] = await store.rows("learner")
        kinds = [event["kind"] for event in await store.completion_events()]
        [certificate] = await store.rows("certificate")
    finally:
        await store.close()
    assert (row["commune_code"], row["target_group"], row["age_band"]) == (
        "00004",
        "residents",
        "60_plus",
    )
    assert kinds.count("quiz_passed") == len(catalog.required_lessons)
    assert kinds.count("module_completed") == len(catalog.required_modules)
    assert kinds.count("course_completed") == 1
    assert certificate["display_name"] == NAME
    assert NAME not in str(row["state"])  # the name is kept on the certificate only
