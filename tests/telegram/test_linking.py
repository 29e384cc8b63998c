"""Linked apps end to end: a learner on the web chat asks /lienket, the same person types the
code on Telegram (the real PTB channel against the fake Bot API), and progress is one; then
/xoadulieu on Telegram erases the learner on both apps. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp import web

from bot.channels.webchat.channel import WebChatChannel
from bot.content import Catalog
from bot.core.state import Profile, TargetGroup
from bot.service import ConversationService
from bot.web import build_app
from storage import Storage
from tests.conftest import free_port
from tests.fakes.fake_bot_api import FakeBotApi
from tests.storage.linking import PASS_A1, PERSONAL, add_rows, set_profile
from tests.telegram.conftest import running_bot
from tests.web.test_webchat_http import Learner as WebLearner


@pytest.fixture
async def web_chat(storage: Storage, small_catalog: Catalog) -> AsyncIterator[str]:
    """The web chat, as `hocvuso run` serves it, on the same database as the Telegram bot."""
    service = ConversationService(storage, small_catalog)
    app = build_app(service, [WebChatChannel(service)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_link_on_telegram_shares_web_chat_progress_and_erasure_removes_both(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog, web_chat: str
) -> None:
    web_learner = WebLearner(web_chat)
    await web_learner.say("/start")
    await web_learner.tap("Đồng ý")
    [identity] = await storage.rows("channel_identity")
    place = Profile(province="79", commune="26734", group=TargetGroup.ENTERPRISE_WORKERS)
    await set_profile(storage, identity["learner_id"], place)
    for text in PASS_A1[2:]:
        await web_learner.say(text)
    assert "Bác đã qua bài này" in web_learner.said
    await web_learner.say("/lienket")
    found = re.search(r"/lienket (\d{6})", web_learner.said)
    assert found, web_learner.said
    code = found.group(1)

    async with running_bot(fake_api, storage, small_catalog, "webhook") as bot:
        telegram = bot.learner(7_300_001)
        await telegram.say("/start")
        assert telegram.button("Đồng ý")  # a new app: not agreed here
        linked = await telegram.say(f"/lienket {code}")
        assert any("Đã liên kết!" in (m.text or "") for m in linked)
        progress = await telegram.say("/tiendo")
        assert any("1/2 bài học" in (m.text or "") for m in progress)
        rows = await storage.rows("channel_identity")
        assert len(rows) == 2 and len({row["learner_id"] for row in rows}) == 1

        # The same learner on the web chat sees what Telegram does next.
        await telegram.tap("Học bài: Bài thử hai")
        await web_learner.say("/tiendo")
        assert "1/2 bài học" in web_learner.said
        [learner] = await storage.rows("learner")
        await add_rows(storage, learner["id"], code="CERTCODE45", day=date(2026, 3, 1))

        await telegram.say("/xoadulieu")
        done = await telegram.tap("Có, xóa")
        assert any("đã được xóa" in (m.text or "") for m in done)

    for table in PERSONAL:
        assert await storage.rows(table) == [], table
    events = await storage.completion_events()
    assert [
        (e["kind"], e["lesson_id"], e["channel"])
        for e in events
        if e["kind"] != "module_completed"
    ] == [
        ("lesson_completed", "A1", "webchat"),
        ("quiz_passed", "A1", "webchat"),
        ("lesson_completed", "A2", "telegram"),  # A2 is one bubble long
    ]
    assert all(e["learner_id"] is None for e in events)
    assert all(
        (e["commune_code"], e["target_group"]) == ("26734", "enterprise_workers")
        for e in events
        if e["kind"] != "module_completed"
    )
    await web_learner.say("xin chào")  # the web chat's identity went too: a stranger again
    assert "đồng ý" in web_learner.said
