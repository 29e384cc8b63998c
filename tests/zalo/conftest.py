"""The Zalo channels under test: our runtimes on a loopback aiohttp server, a fake Zalo on
another port (it checks every request), a shared controllable clock."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import secrets
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.channels.zalo_bot.channel import ZaloBotChannel
from bot.channels.zalo_oa.channel import ZaloOAChannel
from bot.content import Catalog, load_catalog
from bot.core.catalog import bubbles
from bot.outbox import DrainReport, OutboxDrainer
from bot.places.data import load_places
from bot.retry import Backoff
from bot.scheduler import Scheduler
from bot.service import ConversationService
from bot.text import fold
from storage import Storage
from storage.tables import inbox_t
from tests.conftest import ROOT, free_port
from tests.fakes.fake_zalo import (
    APP_ID,
    APP_SECRET,
    BOT_TOKEN,
    OA_SECRET_KEY,
    BotMessage,
    Clock,
    FakeZalo,
    OAMessage,
)
from tests.web.journey import answer_plan, first_lesson

FIXTURES = ROOT / "tests" / "fixtures" / "zalo"
FAST = Backoff(initial=0.01, maximum=0.05, attempts=4)
BOT_SECRET = "bot-webhook-secret-for-tests"
PUBLIC_BOT_URL = "https://hocvuso.example.vn/zalo/bot/webhook"
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def fixture(name: str) -> dict[str, Any]:
    """A recorded event from tests/fixtures/zalo/."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def a1_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The shipped lesson A1 and its quiz only (other lessons change while we work)."""
    root = tmp_path_factory.mktemp("content")
    for relative in ("lessons/modules.yaml", "lessons/A/A1.yaml", "quizzes/A/A1.yaml"):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, target)
    if (ROOT / "lessons" / "images").is_dir():
        shutil.copytree(ROOT / "lessons" / "images", root / "lessons" / "images")
    return load_catalog(root / "lessons", root / "quizzes")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def fake(clock: Clock) -> AsyncIterator[FakeZalo]:
    server = await FakeZalo(clock).start()
    yield server
    await server.close()
    assert not server.problems, server.problems


async def inbox_rows(storage: Storage, channel: str) -> list[dict[str, Any]]:
    async with storage.reading() as conn:
        query = select(inbox_t).where(inbox_t.c.channel == channel).order_by(inbox_t.c.id)
        return [dict(row) for row in (await conn.execute(query)).mappings()]


async def wait_processed(storage: Storage, channel: str, key: str, seconds: float = 10) -> None:
    """Wait until the inbox row `key` exists and is processed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        rows = [r for r in await inbox_rows(storage, channel) if r["event_key"] == key]
        if rows and rows[0]["processed_at"] is not None:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError(f"{channel} event {key} not processed")


class Served:
    """A runtime's routes on 127.0.0.1."""

    def __init__(self) -> None:
        self.runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self, runtime: ZaloOAChannel | ZaloBotChannel) -> None:
        app = web.Application()
        runtime.add_routes(app)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@asynccontextmanager
async def serving(runtime: ZaloOAChannel | ZaloBotChannel) -> AsyncIterator[Served]:
    """The runtime started behind its routes on 127.0.0.1; stopped afterwards."""
    served = Served()
    await served.start(runtime)
    await runtime.start()
    try:
        yield served
    finally:
        await runtime.stop()
        await served.stop()


class ZaloLearner:
    """A Zalo user: `say` types text, `choose` picks a choice by its label (a button tap on
    the OA, its number on the bot); `last` holds the messages the last input got."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.last: list[Any] = []

    async def say(self, text: str) -> list[Any]:
        raise NotImplementedError

    def choice(self, label: str) -> str:
        """What to send to pick `label` among the choices of the last messages."""
        raise NotImplementedError

    async def choose(self, label: str) -> list[Any]:
        return await self.say(self.choice(label))

    @property
    def said(self) -> str:
        return "\n".join(message.text for message in self.last)

    async def finish_first_lesson(self, catalog: Catalog) -> None:
        """From the first lesson's first bubble to "passed": every bubble, then the quiz with
        one wrong answer and one typed without diacritics."""
        lesson, quiz = first_lesson(catalog)
        plan, wrong_at = answer_plan(quiz)
        assert lesson.bubbles[0].text in self.said
        for step in bubbles(lesson)[:-1]:
            if step.check is not None:  # a quick question: the right answer
                await self.choose(next(o.text for o in step.check.options if o.correct))
            else:
                await self.choose("Làm xong rồi ▶" if step.try_ is not None else "Tiếp tục ▶")
        await self.choose("Làm bài kiểm tra")
        assert quiz.questions[0].prompt in self.said
        for index, steps in enumerate(plan):
            for step in steps:
                await (self.choose(step.label) if step.label else self.say(step.text or ""))
            verdict = "❌" if index == wrong_at else "✅"
            assert verdict in self.last[0].text, self.said
        assert "Bác đã qua bài này" in self.said


async def assert_first_lesson_recorded(storage: Storage, catalog: Catalog, channel: str) -> None:
    """The completion events of `finish_first_lesson`, and that it typed without diacritics."""
    lesson, quiz = first_lesson(catalog)
    events = await storage.completion_events()
    # The catalog holds this one lesson: passing it completes its module and the course.
    assert [(e["kind"], e["lesson_id"], e["channel"]) for e in events] == [
        ("lesson_completed", lesson.id, channel),
        ("quiz_passed", lesson.id, channel),
        ("module_completed", lesson.module, channel),
        ("course_completed", "", channel),
    ]
    typed = [step.text for steps in answer_plan(quiz)[0] for step in steps if step.text]
    assert typed and all(text == fold(text) for text in typed)


# -- Zalo OA ---------------------------------------------------------------------------------


class OAHarness:
    """One running OA channel, the fake around it, and helpers to act as Zalo users."""

    def __init__(
        self, runtime: ZaloOAChannel, served: Served, fake: FakeZalo, clock: Clock
    ) -> None:
        self.runtime, self.served, self.fake, self.clock = runtime, served, fake, clock
        self.storage = runtime.storage
        self.url = served.base_url + "/zalo/oa/webhook"
        self.drainer = OutboxDrainer(self.storage, runtime, clock=clock.now)

    async def drain_outbox(self) -> DrainReport:
        """What the scheduler's outbox job does, once."""
        return await self.drainer.drain()

    def now_ms(self) -> str:
        return str(int(self.clock.now().timestamp() * 1000))

    def event(self, name: str, user: str, **changes: Any) -> dict[str, Any]:
        """A recorded event with this user, a new msg_id and the current timestamp."""
        event = copy.deepcopy(fixture(name))
        event["timestamp"] = self.now_ms()
        for side in ("sender", "follower"):
            if side in event:
                event[side]["id"] = user
        if "recipient" in event and event["event_name"].startswith(
            ("oa_send", "user_received", "user_seen")
        ):
            event["recipient"]["id"] = user
        if "msg_id" in event.get("message", {}):
            event["message"]["msg_id"] = secrets.token_hex(10)
        event.update(changes)
        return event

    def text(self, user: str, text: str) -> dict[str, Any]:
        event = self.event("oa_user_send_text.json", user)
        event["message"]["text"] = text
        return event

    async def post(self, event: dict[str, Any], *, wait: bool = True, **kwargs: Any) -> int:
        """Deliver as Zalo does (signed); by default wait until the bot handled it."""
        user = event.get("sender", event.get("follower", {})).get("id")
        if user and event.get("event_name", "").startswith(("user_", "follow")):
            self.fake.interacted(user)
        status, _elapsed = await self.fake.post_oa_event(self.url, event, **kwargs)
        if wait:
            await self.runtime.worker.wait_idle()
        return status


class OALearner(ZaloLearner):
    """A Zalo user chatting with the OA: types text, taps `oa.query.hide` buttons."""

    def __init__(self, harness: OAHarness, user_id: str) -> None:
        super().__init__(user_id)
        self.h = harness
        self.last: list[OAMessage] = []

    async def _send(self, event: dict[str, Any]) -> list[OAMessage]:
        before = len(self.h.fake.messages_to(self.user_id))
        status = await self.h.post(event)
        assert status == 200
        self.last = self.h.fake.messages_to(self.user_id)[before:]
        return self.last

    async def follow(self) -> list[OAMessage]:
        return await self._send(self.h.event("oa_follow.json", self.user_id))

    async def say(self, text: str) -> list[OAMessage]:
        return await self._send(self.h.text(self.user_id, text))

    def choice(self, label: str) -> str:
        """A hidden-query button's payload: it comes back as user_send_text."""
        for message in reversed(self.last):
            for title, payload in message.buttons:
                if title.removeprefix("☐ ").removeprefix("☑ ") == label:
                    return payload
        raise AssertionError(f"no button {label!r} in {[m.buttons for m in self.last]}")


def oa_runtime(
    storage: Storage,
    catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    refresh_token: str,
    **options: Any,
) -> ZaloOAChannel:
    service = ConversationService(storage, catalog, clock=clock.now, places=load_places())
    values: dict[str, Any] = {
        "app_id": APP_ID,
        "oa_secret_key": OA_SECRET_KEY,
        "app_secret": APP_SECRET,
        "refresh_token": refresh_token,
        "api_base_url": fake.url,
        "oauth_base_url": fake.url,
        "clock": clock.now,
        "backoff": FAST,
        "poll_interval": 0.05,
        "token_check_interval": 3600.0,
    }
    values.update(options)
    return ZaloOAChannel(service, **values)


@asynccontextmanager
async def running_oa(
    storage: Storage,
    catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    refresh_token: str,
    **options: Any,
) -> AsyncIterator[OAHarness]:
    runtime = oa_runtime(storage, catalog, fake, clock, refresh_token, **options)
    async with serving(runtime) as served:
        yield OAHarness(runtime, served, fake, clock)


# -- Zalo Bot --------------------------------------------------------------------------------


class BotHarness:
    """One running Bot channel (polling or webhook) and the fake around it."""

    def __init__(self, runtime: ZaloBotChannel, served: Served, fake: FakeZalo, mode: str) -> None:
        self.runtime, self.served, self.fake, self.mode = runtime, served, fake, mode
        self.storage = runtime.storage
        self.url = served.base_url + "/zalo/bot/webhook"
        self.drainer = OutboxDrainer(self.storage, runtime, clock=runtime.clock)

    async def drain_outbox(self) -> DrainReport:
        """What the scheduler's outbox job does, once."""
        return await self.drainer.drain()

    def update(self, name: str, user: str, **message_changes: Any) -> dict[str, Any]:
        update = copy.deepcopy(fixture(name))
        inner = update.get("result", update)
        inner["message"]["from"]["id"] = user
        if inner["message"]["chat"]["chat_type"] == "PRIVATE":
            inner["message"]["chat"]["id"] = user
        inner["message"]["message_id"] = secrets.token_hex(10)
        inner["message"].update(message_changes)
        return update

    @staticmethod
    def key(update: dict[str, Any]) -> str:
        inner = update.get("result", update)
        return f"{inner['event_name']}:{inner['message']['message_id']}"

    async def send(self, update: dict[str, Any], *, wait: bool = True) -> int:
        """Hand an update over as Zalo would; by default wait until it is processed."""
        if self.mode == "webhook":
            status = await self.fake.deliver_bot_update(self.url, update)
        else:
            self.fake.push_update(update)
            status = 200
        if wait:
            await wait_processed(self.storage, "zalo_bot", self.key(update))
        return status


class BotLearner(ZaloLearner):
    """A Zalo user chatting with the bot: only text, choices answered by number."""

    def __init__(self, harness: BotHarness, user_id: str) -> None:
        super().__init__(user_id)
        self.h = harness
        self.last: list[BotMessage] = []

    async def say(self, text: str) -> list[BotMessage]:
        before = len(self.h.fake.bot_messages_to(self.user_id))
        status = await self.h.send(
            self.h.update("bot_message_text_received.json", self.user_id, text=text)
        )
        assert status == 200
        self.last = self.h.fake.bot_messages_to(self.user_id)[before:]
        return self.last

    def choice(self, label: str) -> str:
        """The number of `label` in the numbered menu."""
        for message in reversed(self.last):
            for number, shown in NUMBERED.findall(message.text):
                if shown.removeprefix("☐ ").removeprefix("☑ ") == label:
                    return str(number)
        raise AssertionError(f"no menu entry {label!r} in {[m.text for m in self.last]}")


@asynccontextmanager
async def running_bot(
    storage: Storage,
    catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    mode: str,
    **options: Any,
) -> AsyncIterator[BotHarness]:
    service = ConversationService(storage, catalog, clock=clock.now, places=load_places())
    # With `outbox_interval`, the scheduler drains the outbox as in `hocvuso run`.
    outbox_interval: float | None = options.pop("outbox_interval", None)
    values: dict[str, Any] = {
        "token": BOT_TOKEN,
        "api_base_url": fake.url,
        "clock": clock.now,
        "backoff": FAST,
        "poll_timeout": 1,
        "poll_interval": 0.05,
    }
    if mode == "webhook":
        values |= {"webhook_url": PUBLIC_BOT_URL, "webhook_secret": BOT_SECRET}
    values.update(options)
    runtime = ZaloBotChannel(service, **values)
    async with serving(runtime) as served:
        if mode == "webhook":
            await fake.wait_for(lambda: fake.bot_webhook is not None)
        else:
            await fake.wait_for(lambda: "getUpdates" in fake.bot_calls)  # polling has begun
        scheduler = None
        if outbox_interval is not None:
            scheduler = Scheduler(
                storage,
                zone=ZoneInfo("Asia/Ho_Chi_Minh"),
                retention=None,
                clock=clock.now,
                outbox_interval=outbox_interval,
            )
            scheduler.add_channels([runtime])
            scheduler.start()
        try:
            yield BotHarness(runtime, served, fake, mode)
        finally:
            if scheduler is not None:
                await scheduler.shutdown()


__all__ = [
    "BOT_SECRET",
    "FAST",
    "BotHarness",
    "BotLearner",
    "OAHarness",
    "OALearner",
    "ZaloLearner",
    "assert_first_lesson_recorded",
    "fixture",
    "inbox_rows",
    "oa_runtime",
    "running_bot",
    "running_oa",
    "serving",
    "wait_processed",
]
