"""The web chat cannot push: a learner sees the day's reminder when they open the page before
quiet hours, and never a stale one afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.webchat import WebChatChannel
from bot.channels.webchat.channel import COOKIE
from bot.web import build_app
from storage import Storage
from tests.dialog import fixture_catalog
from tests.reminders.world import TODAY, World, local


@pytest.fixture
def world(storage: Storage) -> World:
    return World(storage, fixture_catalog())


async def session(client: TestClient, token: str) -> list[dict[str, object]]:
    response = await client.get("/chat/api/session", cookies={COOKIE: token})
    assert response.status == 200
    body = await response.json()
    return list(body["messages"])


async def test_the_page_shows_the_days_reminder_once_and_never_a_stale_one(
    world: World,
) -> None:
    service = world.service
    app = build_app(service, [WebChatChannel(service, clock=world.clock)])
    async with TestClient(TestServer(app)) as client:
        await client.post("/chat/api/send", json={"text": "/start"})
        await client.post("/chat/api/send", json={"text": "Đồng ý"})
        token = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value
        [identity] = await world.storage.rows("channel_identity", channel="webchat")
        learner = identity["learner_id"]
        # The web chat writes `last_seen_at` with the real clock; place it as today's.
        await world.active_on(learner, TODAY)

        tomorrow = TODAY + timedelta(days=1)
        assert await world.run_at(tomorrow, 19, 0) == 1
        world.clock.now = local(tomorrow, 20, 0)
        [shown] = await session(client, token)
        assert "Bài thử một" in str(shown["text"])
        assert await session(client, token) == []  # shown once

        # The next reminder is queued, but the learner only opens the page after 21:00.
        assert await world.run_at(tomorrow + timedelta(days=1), 19, 0) == 1
        world.clock.now = local(tomorrow + timedelta(days=1), 21, 30)
        assert await session(client, token) == []
        rows = await world.reminder_rows(learner)
        assert [r["status"] for r in rows] == ["sent", "skipped"]
