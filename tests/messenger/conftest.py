"""The Messenger channel under test: our runtime on a loopback aiohttp server, the fake Graph
API on another port (it checks every request), a shared controllable clock."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.channels.messenger.channel import MessengerChannel
from bot.content import Catalog
from bot.outbox import DrainReport, OutboxDrainer
from bot.places.data import load_places
from bot.service import ConversationService
from storage import Storage
from tests.conftest import ROOT
from tests.fakes.fake_graph import APP_SECRET, PAGE_TOKEN, VERIFY_TOKEN, FakeGraph, SentMessage
from tests.fakes.fake_zalo import Clock
from tests.zalo.conftest import FAST, Served, ZaloLearner, a1_catalog, serving

FIXTURES = ROOT / "tests" / "fixtures" / "messenger"
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def fixture(name: str) -> dict[str, Any]:
    """A recorded webhook body from tests/fixtures/messenger/."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def graph(clock: Clock) -> AsyncIterator[FakeGraph]:
    server = await FakeGraph(clock).start()
    yield server
    await server.close()
    assert not server.problems, server.problems


def new_mid() -> str:
    return "m_" + secrets.token_urlsafe(48)


class MessengerHarness:
    """One running Messenger channel, the fake Graph API, and helpers to act as people."""

    def __init__(
        self, runtime: MessengerChannel, served: Served, graph: FakeGraph, clock: Clock
    ) -> None:
        self.runtime, self.served, self.graph, self.clock = runtime, served, graph, clock
        self.storage = runtime.storage
        self.url = served.base_url + "/messenger/webhook"
        self.drainer = OutboxDrainer(self.storage, runtime, clock=clock.now)

    async def drain_outbox(self) -> DrainReport:
        """What the scheduler's outbox job does, once."""
        return await self.drainer.drain()

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def body(self, name: str, psid: str) -> dict[str, Any]:
        """A recorded body from `psid`, with new message ids and the current time."""
        body = copy.deepcopy(fixture(name))
        for entry in body["entry"]:
            entry["time"] = self.now_ms()
            for event in entry["messaging"]:
                event["timestamp"] = self.now_ms()
                event["sender"]["id"] = psid
                for kind in ("message", "postback"):
                    if "mid" in event.get(kind, {}):
                        event[kind]["mid"] = new_mid()
        return body

    @staticmethod
    def event_of(body: dict[str, Any]) -> dict[str, Any]:
        event: dict[str, Any] = body["entry"][0]["messaging"][0]
        return event

    def text(self, psid: str, text: str) -> dict[str, Any]:
        body = self.body("text.json", psid)
        self.event_of(body)["message"]["text"] = text
        return body

    def quick_reply(self, psid: str, title: str, payload: str) -> dict[str, Any]:
        body = self.body("quick_reply.json", psid)
        message = self.event_of(body)["message"]
        message["text"], message["quick_reply"]["payload"] = title, payload
        return body

    def postback(self, psid: str, title: str, payload: str) -> dict[str, Any]:
        body = self.body("postback_button.json", psid)
        postback = self.event_of(body)["postback"]
        postback["title"], postback["payload"] = title, payload
        return body

    async def post(self, body: dict[str, Any], *, wait: bool = True, **kwargs: Any) -> int:
        """Deliver as Meta does (signed); by default wait until the bot handled it."""
        for entry in body.get("entry", []):
            for event in entry.get("messaging", []):
                person = event.get("sender", {}).get("id") if isinstance(event, dict) else None
                message = event.get("message") if isinstance(event, dict) else None
                echo = isinstance(message, dict) and message.get("is_echo")
                if isinstance(person, str) and not echo:
                    self.graph.interacted(person)
        status, _text = await self.graph.post_webhook(self.url, body, **kwargs)
        if wait:
            await self.runtime.worker.wait_idle()
        return status


class MessengerLearner(ZaloLearner):
    """A person chatting with the Page: types text, taps quick replies and buttons."""

    def __init__(self, harness: MessengerHarness, psid: str) -> None:
        super().__init__(psid)
        self.h = harness
        self.last: list[SentMessage] = []

    async def send(self, body: dict[str, Any]) -> list[SentMessage]:
        before = len(self.h.graph.messages_to(self.user_id))
        assert await self.h.post(body) == 200
        self.last = self.h.graph.messages_to(self.user_id)[before:]
        return self.last

    async def get_started(self, fixture_name: str = "postback_get_started.json") -> list[Any]:
        return await self.send(self.h.body(fixture_name, self.user_id))

    async def say(self, text: str) -> list[SentMessage]:
        return await self.send(self.h.text(self.user_id, text))

    def choice(self, label: str) -> str:
        raise AssertionError("on Messenger, choose() taps; say() types")

    async def choose(self, label: str) -> list[SentMessage]:
        """Tap the button or quick reply showing `label` (or its number in a numbered list)."""
        for message in reversed(self.last):
            for title, payload in message.buttons:
                if _bare(title) == label:
                    return await self.send(self.h.postback(self.user_id, title, payload))
            for title, payload in message.quick_replies:
                if _bare(title) == label:
                    return await self.send(self.h.quick_reply(self.user_id, title, payload))
            numbers = {_bare(shown): n for n, shown in NUMBERED.findall(message.text)}
            if label in numbers:
                for title, payload in message.quick_replies:
                    if title == numbers[label]:
                        return await self.send(self.h.quick_reply(self.user_id, title, payload))
        shown = [(m.text, m.buttons, m.quick_replies) for m in self.last]
        raise AssertionError(f"no button or quick reply {label!r} in {shown}")


def _bare(title: str) -> str:
    return title.removeprefix("☐ ").removeprefix("☑ ")


def messenger_runtime(
    storage: Storage, catalog: Catalog, graph: FakeGraph, clock: Clock, **options: Any
) -> MessengerChannel:
    service = ConversationService(storage, catalog, clock=clock.now, places=load_places())
    values: dict[str, Any] = {
        "page_access_token": PAGE_TOKEN,
        "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
        "graph_api_base_url": graph.url,
        "api_version": "v25.0",
        "clock": clock.now,
        "backoff": FAST,
        "poll_interval": 0.05,
    }
    values.update(options)
    return MessengerChannel(service, **values)


@asynccontextmanager
async def running_messenger(
    storage: Storage, catalog: Catalog, graph: FakeGraph, clock: Clock, **options: Any
) -> AsyncIterator[MessengerHarness]:
    runtime = messenger_runtime(storage, catalog, graph, clock, **options)
    async with serving(runtime) as served:  # type: ignore[arg-type]
        await asyncio.wait_for(runtime.page_ready.wait(), 10)
        yield MessengerHarness(runtime, served, graph, clock)


__all__ = [
    "MessengerHarness",
    "a1_catalog",
    "MessengerLearner",
    "fixture",
    "messenger_runtime",
    "running_messenger",
]
