"""One bot with the web chat and Telegram on one conversation service, as `hocvuso run` wires
them (the real aiohttp server on 127.0.0.1, the real PTB channel against the fake Bot API),
with a clock the test moves, and an ambassador talking to it: for the learning-together
scenarios."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.webchat.channel import WebChatChannel
from bot.content import Catalog
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

BA_DINH = "00004"  # Phường Ba Đình, Hà Nội (province 01)
# 09:00 in Hà Nội on a Monday.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


class Clock:
    """The service's clock: the test moves it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """The running bot: its storage, clock, the web chat's address, the Telegram harness."""

    storage: Storage
    clock: Clock
    web_url: str
    telegram: Harness

    def person(self, channel: str, user_id: int = 7_300_001) -> Person:
        if channel == "webchat":
            return WebChat(WebLearner(self.web_url))
        return Telegram(self.telegram.learner(user_id))

    async def ambassador(self, channel: str) -> Person:
        """A learner who agreed, skipped the profile and became an ambassador of Ba Đình."""
        issued = await self.storage.ambassadors.issue(
            province="01", commune=BA_DINH, now=self.clock.now, valid_for=timedelta(days=14)
        )
        person = self.person(channel)
        await person.say("/start")
        await person.tap("Đồng ý")
        await person.tap("Bỏ qua phần này")
        said = await person.say(f"/daisu {issued.code}")
        assert "Đại sứ số của Phường Ba Đình" in said, said
        return person


class WebChat(BaseWebChat):
    """A learner on the web chat; a tap picks the newest choice containing the label."""

    async def tap(self, label: str) -> str:
        """Tap the newest choice whose label contains `label` (as on Telegram)."""
        found = [
            str(choice["id"])
            for choice in next(
                (r["choices"] for r in reversed(self.learner.replies) if r["choices"]), []
            )
            if label in str(choice["label"])
        ]
        assert len(found) == 1, f"{label!r} is not exactly one of {self.labels()}"
        await self.learner.post({"choice": found[0]})
        return self.learner.said


Person = WebChat | Telegram


@asynccontextmanager
async def running(fake: FakeBotApi, storage: Storage, catalog: Catalog) -> AsyncIterator[World]:
    """The web chat and Telegram (webhook) on one service and one server, one clock."""
    port = free_port()
    clock = Clock()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=fake.token,
        telegram_api_base_url=fake.base_url,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
        telegram_webhook_secret="s3cret_for-tests",
    )
    service = ConversationService(storage, catalog, places=load_places(), clock=clock)
    channel = TelegramChannel(
        settings, service, rate_limiter=fast_limiter(), options=fast_options()
    )
    app = build_app(service, [WebChatChannel(service, clock=clock)])
    channel.add_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}"
    try:
        await channel.start()
        yield World(storage, clock, url, Harness(fake, channel, "webhook", storage, url))
    finally:
        await channel.stop()
        await runner.cleanup()
