"""What the push tests share: a clock to move by hand, hand-built summary documents, the example
receiver loaded from docs/, and a fake provincial receiver (with its token endpoint) on
loopback that can be down, slow or up."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import Any

from aiohttp import web

from bot.reports.model import COUNTERS, Filters, Summary, SummaryRow, Target, document
from bot.reports.push_config import PushConfig, ReportAuth
from tests.conftest import ROOT, free_port

SECRET = "test-secret-0123456789abcdef"
CLIENT_ID, CLIENT_SECRET = "hocvuso-client", "client-secret-xyz"
FIXED_HEADERS = (("AppName", "hocvuso"), ("AccessKey", "ak-123"), ("SecretKey", "sk-456"))
START = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def load_example_receiver() -> ModuleType:
    """docs/example_receiver.py as a module (the tests use the very file the docs show)."""
    spec = importlib.util.spec_from_file_location(
        "example_receiver", ROOT / "docs" / "example_receiver.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLE = load_example_receiver()


class Clock:
    """The delivery's clock, moved by the test."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def sample_document(generated_at: datetime = START, enrolled: int = 40) -> dict[str, Any]:
    """A province-wide `hocvuso.summary/1` document as the push sends it (viewer None)."""
    counts = {name: enrolled + index for index, name in enumerate(COUNTERS)}
    summary = Summary(
        generated_at=generated_at,
        admin_data_version="2025-07-01",
        content_version="abc123",
        filters=Filters(),
        start=date(2025, 1, 1),
        end=generated_at.date(),
        rows=(
            SummaryRow("01", "00004", "residents", None, counts, Target(200, 70.0), 44),
            SummaryRow("01", "00008", "pupils", "A", {"enrolled": 3}),
        ),
        totals=counts,
    )
    return document(summary, None)


@dataclass
class FakeReceiver:
    """The provincial system: POST /snapshots (200 new, 409 a known key) and, for oauth2,
    POST /token. Checks each request the way its auth mode says; stores each key once."""

    mode: ReportAuth
    clock: Clock
    port: int = field(default_factory=free_port)
    delay: float = 0.0  # seconds to hold each answer after storing (a slow receiver)
    answers: list[tuple[int, str]] = field(default_factory=list)  # forced answers, in order
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: list[tuple[str, int]] = field(default_factory=list)  # (key, status answered)
    valid_tokens: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    token_life: int = 3600
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/snapshots"

    def config(self, timeout: float = 0.3) -> PushConfig:
        return PushConfig(
            url=self.url,
            auth=self.mode,
            timeout=timeout,
            secret=SECRET,
            token_url=f"http://127.0.0.1:{self.port}/token",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            headers=FIXED_HEADERS,
        )

    async def up(self) -> None:
        app = web.Application()
        app.router.add_post("/snapshots", self._snapshot)
        app.router.add_post("/token", self._token)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def down(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _authentic(self, request: web.Request, raw: bytes) -> bool:
        if self.mode is ReportAuth.HMAC:
            header = request.headers.get("X-Hocvuso-Signature")
            return bool(EXAMPLE.verify(header, raw, SECRET, self.clock().timestamp()))
        if self.mode is ReportAuth.HEADERS:
            return all(request.headers.get(name) == value for name, value in FIXED_HEADERS)
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return bearer in self.valid_tokens

    async def _snapshot(self, request: web.Request) -> web.Response:
        raw = await request.read()
        key = request.headers.get("Idempotency-Key", "")
        if self.answers:
            status, text = self.answers.pop(0)
            self.posts.append((key, status))
            return web.Response(status=status, text=text)
        if not self._authentic(request, raw):
            self.posts.append((key, 401))
            return web.json_response({"error": "unauthorised"}, status=401)
        body = json.loads(raw)
        assert body["idempotency_key"] == key
        if key in self.stored:
            self.posts.append((key, 409))
            return web.json_response({"status": "duplicate"}, status=409)
        self.stored[key] = body
        self.posts.append((key, 200))
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.json_response({"status": "stored"})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        self.tokens_issued += 1
        token = f"token-{self.tokens_issued}"
        self.valid_tokens.add(token)
        return web.json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_life}
        )
