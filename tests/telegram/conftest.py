"""The Telegram channel under test: the real PTB Application, our aiohttp server, a fake
Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import pytest
from aiohttp import web

from bot.channels.telegram.channel import TelegramChannel, TelegramOptions
from bot.channels.telegram.ratelimit import ChatRateLimiter
from bot.content import Catalog
from bot.places.data import load_places
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from bot.web import build_app
from storage import Storage
from tests.conftest import free_port
from tests.dialog import fixture_catalog
from tests.fakes.fake_bot_api import FakeBotApi, Sent
from tests.telegram import updates

SECRET = "s3cret_for-tests"
MODES = ["polling", "webhook"]


def fast_limiter() -> ChatRateLimiter:
    """Limits far above what tests send, so they run at full speed (pacing has its own tests)."""
    return ChatRateLimiter(
        overall_rate=100_000, overall_burst=1000, per_chat_rate=100_000, per_chat_burst=1000
    )


def fast_options(**changes: Any) -> TelegramOptions:
    values: dict[str, Any] = {"poll_timeout": 5, "retry_delay": 0.02, "stop_grace": 1.0}
    values.update(changes)
    return TelegramOptions(**values)


@pytest.fixture
def small_catalog() -> Catalog:
    """Stable content: lesson A1 (every question type, one typed answer) and A2."""
    return fixture_catalog()


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = await FakeBotApi().start()
    yield api
    await api.close()


class Harness:
    """One running bot (polling or webhook) and the fake Telegram around it."""

    def __init__(
        self, fake: FakeBotApi, channel: TelegramChannel, mode: str, storage: Storage, url: str
    ) -> None:
        self.fake, self.channel, self.mode, self.storage = fake, channel, mode, storage
        self.url = url  # our web server (the webhook route lives here)

    async def send(self, update: dict[str, Any], *, wait: bool = True) -> int:
        """Hand one update to the bot as Telegram would; by default wait until it is handled.

        Returns the webhook's HTTP status (200 in polling mode once the update is confirmed).
        """
        if self.mode == "webhook":
            status = await self.fake.deliver(update)
        else:
            [entry] = self.fake.push(update)
            await self.fake.wait_for(lambda: self.fake.confirmed(entry))
            status = 200
        if wait:
            await asyncio.wait_for(self.channel.join(), 15)
        return status

    def learner(self, user_id: int, language: str = "vi") -> Learner:
        return Learner(self, user_id, language)


class Learner:
    """A Telegram user in a private chat with the bot."""

    def __init__(self, harness: Harness, user_id: int, language: str) -> None:
        self.harness, self.user_id, self.language = harness, user_id, language
        self.seen = 0

    @property
    def messages(self) -> list[Sent]:
        return self.harness.fake.sent_to(self.user_id)

    def _new(self) -> list[Sent]:
        new = self.messages[self.seen :]
        self.seen = len(self.messages)
        return new

    async def say(self, value: str) -> list[Sent]:
        await self.harness.send(updates.text(self.user_id, value, language=self.language))
        return self._new()

    async def send(self, update: dict[str, Any]) -> list[Sent]:
        await self.harness.send(update)
        return self._new()

    def button(self, label_part: str) -> str:
        """The callback_data of the newest keyboard's button whose label contains `label_part`."""
        keyboards = [message.buttons for message in self.messages if message.buttons]
        assert keyboards, "no keyboard was sent"
        found = [data for label, data in keyboards[-1] if label_part in label]
        assert len(found) == 1, f"{label_part!r} is not exactly one of {keyboards[-1]}"
        return found[0]

    async def tap(self, label_part: str) -> list[Sent]:
        data = self.button(label_part)
        await self.harness.send(updates.tap(self.user_id, data, language=self.language))
        return self._new()


@asynccontextmanager
async def running_bot(
    fake: FakeBotApi,
    storage: Storage,
    catalog: Catalog,
    mode: str,
    *,
    limiter: ChatRateLimiter | None = None,
    options: TelegramOptions | None = None,
    start: bool = True,
    clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[Harness]:
    """The channel wired as `hocvuso run` wires it, on a free port of 127.0.0.1."""
    port = free_port()
    webhook = mode == "webhook"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=fake.token,
        telegram_api_base_url=fake.base_url,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/webhook" if webhook else None,
        telegram_webhook_secret=SECRET if webhook else None,
    )
    service = ConversationService(storage, catalog, places=load_places(), clock=clock)
    channel = TelegramChannel(
        settings,
        service,
        rate_limiter=limiter or fast_limiter(),
        options=options or fast_options(),
    )
    app = build_app(service)
    channel.add_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    harness = Harness(fake, channel, mode, storage, f"http://127.0.0.1:{port}")
    try:
        if start:
            await channel.start()
        yield harness
    finally:
        await channel.stop()
        await runner.cleanup()
