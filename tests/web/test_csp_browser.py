"""Every page the server shows still works under its Content-Security-Policy, in headless
Chromium: the web chat (clicked and typed into), the certificate's verification page (found,
not found, its form) and the certificate's picture opened on its own. The browser reports no
CSP violation and no script error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import ConsoleMessage, Page, async_playwright

from storage import Storage
from tests.certificate.helpers import CODE, NAME, issue
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_browser import (
    ARTIFACTS,
    HAVE_CHROMIUM,
    click,
    phone_page,
    png_colours,
    type_answer,
)

pytestmark = pytest.mark.browser

# Registered before any script of the page runs; DevTools-injected, so the CSP does not stop it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""


async def styled(page: Page) -> int:
    """How many rules the page's stylesheets hold (0: the styles were blocked)."""
    return int(
        await page.evaluate(
            "[...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0)"
        )
    )


async def test_the_pages_work_under_their_content_security_policy(
    sqlite_url: str, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    store = Storage.open(sqlite_url)
    try:
        await issue(store)
    finally:
        await store.close()
    server = BotProcess(sqlite_url, free_port()).start()
    problems: list[str] = []
    try:
        async with async_playwright() as pw:
            browser, page = await phone_page(pw)
            await page.add_init_script(REPORT_VIOLATIONS)

            def console(message: ConsoleMessage) -> None:
                if "Content Security Policy" in message.text or "CSP" in message.text:
                    problems.append(f"{page.url}: {message.text}")

            page.on("console", console)
            page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))

            await page.goto(server.base_url + "/")
            await click(page, "Bắt đầu học")
            await click(page, "Đồng ý")
            await type_answer(page, "/trogiup")
            assert await styled(page) > 0
            chat_shot = tmp_path / "csp-webchat-360x740.png"
            await page.screenshot(path=str(chat_shot))

            await page.goto(f"{server.base_url}/verify/{CODE}")
            await page.wait_for_selector(f"text={NAME}")
            assert await styled(page) > 0
            assert (
                await page.evaluate(
                    "getComputedStyle(document.querySelector('header')).backgroundColor"
                )
                == "rgb(11, 110, 79)"
            )
            verify_shot = tmp_path / "csp-verify-360x740.png"
            await page.screenshot(path=str(verify_shot), full_page=True)

            # Not found: the page's form (form-action 'self') leads to the right code.
            response = await page.goto(f"{server.base_url}/verify/NOTACODE1")
            assert response is not None and response.status == 404
            await page.fill("#code", CODE.lower())
            await page.click("button[type=submit]")
            await page.wait_for_url(f"**/verify/{CODE}")
            await page.wait_for_selector(f"text={NAME}")

            response = await page.goto(f"{server.base_url}/certificate/{CODE}.png")
            assert response is not None and response.status == 200
            assert await page.evaluate("document.images[0].naturalWidth") == 1600
            await browser.close()
    finally:
        server.stop()
    assert problems == [], "\n".join(problems)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for shot in (chat_shot, verify_shot):
        assert png_colours(shot) > 20, f"{shot.name} looks blank"
        shutil.copy(shot, ARTIFACTS / shot.name)
