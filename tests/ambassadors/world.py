"""One bot with the web chat and Telegram on one conversation service, as `hocvuso run` wires
them (the real aiohttp server on 127.0.0.1, the real PTB channel against the fake Bot API),
and the people who talk to it: for the ambassador scenario tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.webchat.channel import WebChatChannel
from bot.content import Catalog
from bot.places.data import load_places
from bot.service import ConversationService
from bot.settings import Settings
from bot.web import build_app
from storage import Storage
from tests.conftest import free_port
from tests.fakes.fake_bot_api import FakeBotApi, Sent
from tests.telegram.conftest import Harness, fast_limiter, fast_options
from tests.telegram.conftest import Learner as TelegramLearner
from tests.web.test_webchat_http import Learner as WebLearner

BA_DINH, NGOC_HA = "00004", "00008"  # two wards of Hà Nội (province 01)
PUBLIC = "https://hocvuso.example.vn"
REFUSED = "Lệnh này dành cho Đại sứ số của xã"


@dataclass
class World:
    """The running bot: its storage, the web chat's address, the Telegram harness."""

    storage: Storage
    web_url: str
    telegram: Harness

    def web(self) -> WebChat:
        learner = WebLearner(self.web_url)
        # PUBLIC is https, so the session cookie is Secure: the TLS proxy in front of the bot is
        # played by trusting the loopback origin, or the client would never send it back.
        learner.jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=self.web_url)
        return WebChat(learner)

    def tg(self, user_id: int) -> Telegram:
        return Telegram(self.telegram.learner(user_id))

    async def code(
        self, commune: str = BA_DINH, *, uses: int = 1, issued: datetime | None = None
    ) -> str:
        """A code as `hocvuso ambassador code` issues it (14 days from `issued`, default now)."""
        result = await self.storage.ambassadors.issue(
            province="01",
            commune=commune,
            now=issued or datetime.now(UTC),
            valid_for=timedelta(days=14),
            max_uses=uses,
        )
        return result.code


class WebChat:
    """A learner on the web chat (its JSON API over HTTP)."""

    channel = "webchat"

    def __init__(self, learner: WebLearner) -> None:
        self.learner = learner

    async def say(self, text: str) -> str:
        await self.learner.say(text)
        return self.learner.said

    async def tap(self, label: str) -> str:
        await self.learner.tap(label)
        return self.learner.said

    def labels(self) -> list[str]:
        return [c["label"] for reply in self.learner.replies for c in reply["choices"]]

    def texts(self) -> list[str]:
        return [str(reply["text"]) for reply in self.learner.replies]

    @property
    def ref(self) -> str:
        """The learner's id on the web chat (its cookie)."""
        return next(iter(self.learner.jar)).value

    def images(self) -> list[str]:
        return [str(reply["image"]) for reply in self.learner.replies if reply.get("image")]


class Telegram:
    """A learner in a private Telegram chat with the bot."""

    channel = "telegram"

    def __init__(self, learner: TelegramLearner) -> None:
        self.learner = learner
        self.last: list[Sent] = []

    async def say(self, text: str) -> str:
        self.last = await self.learner.say(text)
        return "\n".join(m.text or "" for m in self.last)

    async def tap(self, label: str) -> str:
        self.last = await self.learner.tap(label)
        return "\n".join(m.text or "" for m in self.last)

    def labels(self) -> list[str]:
        return [label for m in self.last for label, _data in m.buttons]

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.last]

    @property
    def ref(self) -> str:
        """The learner's id on Telegram."""
        return str(self.learner.user_id)

    @property
    def messages(self) -> list[Sent]:
        """Everything the bot sent this learner (replies and pushed messages)."""
        return self.learner.messages


Person = WebChat | Telegram


async def agree(person: Person, first: str = "/start") -> str:
    """Write first, agree to the privacy notice; the profile questions are next."""
    await person.say(first)
    return await person.tap("Đồng ý")


async def newcomer(person: Person) -> None:
    """Agree and skip the profile questions: at the menu, with no commune."""
    await agree(person)
    await person.tap("Bỏ qua phần này")


def invite_of(text: str) -> str:
    """The invite code in /moi's answer."""
    found = re.search(r"/thamgia ([A-Z0-9]{6})", text)
    assert found, text
    return found.group(1)


@asynccontextmanager
async def running(fake: FakeBotApi, storage: Storage, catalog: Catalog) -> AsyncIterator[World]:
    """The web chat and Telegram (webhook) on one service and one server."""
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
        storage, catalog, places=load_places(), public_url=settings.public_url
    )
    channel = TelegramChannel(
        settings, service, rate_limiter=fast_limiter(), options=fast_options()
    )
    app = build_app(service, [WebChatChannel(service)], public_url=settings.public_url)
    channel.add_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}"
    try:
        await channel.start()
        yield World(storage, url, Harness(fake, channel, "webhook", storage, url))
    finally:
        await channel.stop()
        await runner.cleanup()
