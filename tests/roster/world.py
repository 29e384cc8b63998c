"""One bot with the web chat and Telegram on one conversation service and one moved clock, as
`hocvuso run` wires them (the real aiohttp server on 127.0.0.1, the real PTB channel against the
fake Bot API, the real outbox drain), and the people who talk to it: for the roster scenarios."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.webchat.channel import WebChatChannel
from bot.content import Catalog
from bot.outbox import DrainReport, OutboxDrainer
from bot.places.data import load_places
from bot.service import ConversationService
from bot.settings import Settings
from bot.web import build_app
from storage import Storage
from tests.ambassadors.world import Telegram
from tests.ambassadors.world import WebChat as BaseWebChat
from tests.conftest import free_port
from tests.fakes.fake_bot_api import FakeBotApi
from tests.telegram.conftest import Harness, fast_limiter, fast_options
from tests.web.test_webchat_http import Learner as WebLearner

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BA_DINH = "00004"  # a ward of Hà Nội (province 01)
# Plain http: the browser and the JSON client talk to the server directly, with no TLS proxy
# in front, so the session cookie must not be Secure.
PUBLIC = "http://hocvuso.example.vn"
DAY = date(2026, 3, 10)  # a Tuesday


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in Hà Nội as the UTC instant the bot works with."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


class Clock:
    """The one clock of the service, the web chat and the outbox drain in a test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = local(day, hour, minute)


class WebChat(BaseWebChat):
    """A person on the web chat; a tap picks the one choice containing the label."""

    async def tap(self, label: str) -> str:
        """Tap the one choice whose label contains `label` (like the Telegram learner)."""
        found = [shown for shown in self.labels() if label in shown]
        assert len(found) == 1, f"{label!r} is not exactly one of {self.labels()}"
        await self.learner.tap(found[0])
        return self.learner.said

    async def opens_the_page(self) -> list[dict[str, Any]]:
        """What `GET /chat/api/session` hands out when the page opens (queued messages)."""
        async with (
            aiohttp.ClientSession(cookie_jar=self.learner.jar) as http,
            http.get(f"{self.learner.base_url}/chat/api/session") as response,
        ):
            body = await response.json()
        return list(body["messages"])


Person = WebChat | Telegram


@dataclass
class World:
    """The running bot: storage, clock, the web chat's address, the Telegram harness."""

    storage: Storage
    clock: Clock
    web_url: str
    telegram: Harness
    catalog: Catalog

    def web(self) -> WebChat:
        return WebChat(WebLearner(self.web_url))

    def tg(self, user_id: int) -> Telegram:
        return Telegram(self.telegram.learner(user_id))

    async def drain_telegram(self) -> DrainReport:
        """One run of Telegram's outbox drain at the clock's time (the scheduler's job)."""
        return await OutboxDrainer(self.storage, self.telegram.channel, clock=self.clock).drain()

    async def ambassador(self, person: Person) -> str:
        """Make `person` an ambassador of Ba Đình (`/daisu CODE`); returns their invite code."""
        issued = await self.storage.ambassadors.issue(
            province="01", commune=BA_DINH, now=self.clock(), valid_for=timedelta(days=14)
        )
        await person.say("/start")
        await person.tap("Đồng ý")
        await person.tap("Bỏ qua phần này")
        assert "Đại sứ số của Phường Ba Đình" in await person.say(f"/daisu {issued.code}")
        found = re.search(r"/thamgia ([A-Z0-9]{6})", await person.say("/moi"))
        assert found is not None
        return found.group(1)

    async def villager(self, person: Person, invite: str) -> int:
        """`person` opens the ambassador's link and agrees; returns their learner id."""
        await person.say(f"/start {invite}")
        said = await person.tap("Đồng ý")
        assert "Bác đã tham gia theo lời mời của Đại sứ số Phường Ba Đình" in said, said
        await person.tap("Bỏ qua phần này")
        [identity] = await self.storage.rows(
            "channel_identity", channel=person.channel, external_id=person.ref
        )
        return int(identity["learner_id"])


async def read_first_lesson(person: Person) -> None:
    """Open the next lesson from the menu and read it to the end: a completed step."""
    await person.say("/menu")
    await person.tap("Học bài")
    while any("Tiếp tục" in label for label in person.labels()):
        await person.tap("Tiếp tục")
    assert any("Làm bài kiểm tra" in label for label in person.labels())


@asynccontextmanager
async def running(
    fake: FakeBotApi, storage: Storage, catalog: Catalog, clock: Clock
) -> AsyncIterator[World]:
    """The web chat and Telegram (webhook) on one service, one server and one clock."""
    port = free_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=fake.token,
        telegram_api_base_url=fake.base_url,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
        telegram_webhook_secret="s3cret_for-tests",
        public_url=PUBLIC,
    )
    service = ConversationService(
        storage, catalog, places=load_places(), public_url=settings.public_url, clock=clock
    )
    channel = TelegramChannel(
        settings, service, rate_limiter=fast_limiter(), options=fast_options()
    )
    app = build_app(service, [WebChatChannel(service, clock=clock)], public_url=PUBLIC)
    channel.add_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}"
    try:
        await channel.start()
        harness = Harness(fake, channel, "webhook", storage, url)
        yield World(storage, clock, url, harness, catalog)
    finally:
        await channel.stop()
        await runner.cleanup()
