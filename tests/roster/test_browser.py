"""The roster in headless Chromium on a 360×740 phone: an ambassador of the web chat with a
page and a half of villagers (some stalled, one finished, one learning together) opens
`/danhsach`; the screenshot is kept in var/test-artifacts/roster-360x740.png."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import async_playwright
from sqlalchemy import insert

from bot.content import Catalog
from storage import Storage
from storage.tables import assisted_t, progress_t
from tests.fakes.fake_bot_api import FakeBotApi
from tests.roster.world import DAY, Clock, local, running
from tests.storage.test_roster import enroll, new_learner
from tests.web.test_webchat_browser import (
    ARTIFACTS,
    HAVE_CHROMIUM,
    phone_page,
    png_colours,
    type_answer,
)

pytestmark = pytest.mark.browser


async def villagers(storage: Storage, catalog: Catalog, ambassador: int) -> None:
    """Eleven villagers who joined over the last weeks, at every stage of the course."""
    lessons = [lesson.id for lesson in catalog.lessons]
    stages = [3, 0, 7, len(lessons), 1, 12, 0, 5, 2, 9]
    idle = [1, 6, 0, 2, 4, 1, 12, 0, 3, 2]
    for index, (done, days) in enumerate(zip(stages, idle, strict=True)):
        channel = ("telegram", "zalo_oa", "webchat", "zalo_bot")[index % 4]
        learner = await new_learner(
            storage,
            f"v{index}",
            channel=channel,
            last_step_on=DAY - timedelta(days=days) if done else None,
            last_seen_at=local(DAY - timedelta(days=days), 19),
        )
        await enroll(
            storage, learner, ambassador, local(DAY - timedelta(days=30 - index), 9), channel
        )
        async with storage.unit_of_work(local(DAY, 8)) as uow:
            for lesson in lessons[:done]:
                await uow.connection.execute(
                    insert(progress_t).values(
                        learner_id=learner,
                        lesson_id=lesson,
                        status="passed",
                        started_at=local(DAY, 8),
                        updated_at=local(DAY, 8),
                        passed_at=local(DAY, 8),
                    )
                )
    together = await new_learner(
        storage, "together", channel=None, last_seen_at=local(DAY - timedelta(days=1), 15)
    )
    async with storage.unit_of_work(local(DAY, 8)) as uow:
        await uow.connection.execute(
            insert(assisted_t).values(
                learner_id=together,
                ambassador_id=ambassador,
                alias="Bà Tư xóm Đình",
                attested_at=local(DAY - timedelta(days=25), 9),
            )
        )


async def test_the_roster_on_a_phone(
    fake_api: FakeBotApi, sqlite_storage: Storage, catalog: Catalog, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    clock = Clock(local(DAY, 10))
    storage = sqlite_storage
    async with running(fake_api, storage, catalog, clock) as world:
        ambassador = world.web()
        await world.ambassador(ambassador)
        [role] = await storage.rows("ambassador")
        await villagers(storage, catalog, role["id"])
        [cookie] = [c for c in ambassador.learner.jar if c.key == "hocvuso_chat"]

        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": world.web_url}]
            )
            await page.goto(world.web_url + "/")
            await page.locator(".msg").first.wait_for()
            await page.wait_for_function("() => !document.querySelector('.typing')")
            await type_answer(page, "/danhsach")
            roster = page.locator(".msg", has_text="Bà con của bác:").last
            await roster.wait_for()
            text = await roster.inner_text()
            assert "11 người" in text and "Trang 1/2" in text
            assert "⚠️ Người học 2 · Zalo" in text and "🎓 Người học 4" in text
            await roster.evaluate("node => node.scrollIntoView({block: 'start'})")
            shot = tmp_path / "roster-360x740.png"
            await page.screenshot(path=str(shot))
            await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            await page.locator("#log").evaluate("node => node.scrollTop = node.scrollHeight")
            await page.screenshot(path=str(tmp_path / "roster-buttons-360x740.png"))
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360  # nothing wider than the phone
            buttons = page.locator("button", has_text="Trang sau")
            assert await buttons.count() >= 1
            await browser.close()

    assert png_colours(shot) > 20  # a real page, not a blank one
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / shot.name)
    shutil.copy(tmp_path / "roster-buttons-360x740.png", ARTIFACTS / "roster-buttons-360x740.png")
