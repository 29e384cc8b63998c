"""Invite links in a browser: `/?start=<payload>` on the web chat keeps the invite as Telegram's
`/start <payload>` does, with the same rule for what a payload is (an invalid one is ignored)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from playwright.async_api import async_playwright

from bot.core import LearnerState
from storage import Storage
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_browser import HAVE_CHROMIUM, click, phone_page
from tests.web.test_webchat_http import Learner


async def invite_of(url: str, cookie: str) -> str | None:
    store = Storage.open(url)
    try:
        state: LearnerState | None = await store.learner_state("webchat", cookie)
    finally:
        await store.close()
    assert state is not None and not state.consent  # kept before consent, recorded at it
    return state.invite


def cookie_of(learner: Learner) -> str:
    [cookie] = [c for c in learner.jar if c.key == "hocvuso_chat"]
    return cookie.value


# What a learner's first message was, and the invite that must be kept from it.
TYPED = [
    ("/start amb_HN-0042", "amb_HN-0042"),
    ("/START amb_HN-0042", "amb_HN-0042"),
    ("/start bad!code", None),  # not a deep-link payload
    ("/start two words", None),
    ("/start " + "x" * 65, None),  # longer than Telegram allows
    ("/start", None),
]


async def test_start_with_a_payload_over_http_keeps_the_invite(
    bot_process: BotProcess, db_url: str
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{bot_process.base_url}/?start=amb_HN-0042") as response,
    ):
        assert response.status == 200  # the invite link opens the page
    for typed, kept in TYPED:
        learner = Learner(bot_process.base_url)
        await learner.say(typed)
        assert "Xin chào" in learner.said, typed  # first contact, as without a payload
        # The invite waits for consent (and is then recorded for its ambassador, if any).
        assert await invite_of(db_url, cookie_of(learner)) == kept, typed


@pytest.mark.browser
async def test_an_invite_link_opened_in_a_browser(sqlite_url: str) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    kept: dict[str, str | None] = {}
    server = BotProcess(sqlite_url, free_port()).start()
    try:
        async with async_playwright() as pw:
            for query in ("?start=amb_Xa-7", "?start=%3Cb%3E%20x"):  # the second: "<b> x"
                browser, page = await phone_page(pw)
                await page.goto(server.base_url + "/" + query)
                await click(page, "Bắt đầu học")
                await page.locator(".choices button", has_text="Đồng ý").first.wait_for()
                cookies: list[Any] = await page.context.cookies()
                [cookie] = [c["value"] for c in cookies if c["name"] == "hocvuso_chat"]
                kept[query] = await invite_of(sqlite_url, cookie)
                await browser.close()
    finally:
        server.stop()
    assert kept == {"?start=amb_Xa-7": "amb_Xa-7", "?start=%3Cb%3E%20x": None}
