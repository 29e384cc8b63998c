"""The optional xAPI sink on both databases: one statement per completion with an id derived
from it, queued once however often the job runs; delivered to a fake LRS that is down, then
up, and that keeps one statement per id (a repeated batch is 409 and counts as delivered)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from sqlalchemy import insert

from bot.app import xapi_sink
from bot.errors import ConfigurationError
from bot.reports.xapi import XAPI_CHANNEL, XapiDelivery, XapiJob, statement_id
from bot.scheduler import Scheduler
from bot.service import utc_now
from bot.settings import load_settings
from storage import Storage
from storage.tables import completion_t, learner_t
from tests.conftest import free_port
from tests.reports.push_world import Clock

PUBLIC = "https://hocvuso.example.vn"
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


async def completions(storage: Storage) -> None:
    """A learner with a lesson, a passed quiz and a failed one; an erased learner's lesson."""
    async with storage.unit_of_work(NOW) as uow:
        learner = (
            await uow.connection.execute(
                insert(learner_t)
                .values(
                    public_id="pub-123",
                    state="{}",
                    created_at=NOW,
                    updated_at=NOW,
                    last_seen_at=NOW,
                )
                .returning(learner_t.c.id)
            )
        ).scalar_one()
        base = {"channel": "telegram", "content_version": "abc", "module_id": "A"}
        for who, kind, lesson, score, minutes in (
            (learner, "lesson_completed", "A1", None, 50),
            (learner, "quiz_passed", "A1", 3.0, 40),
            (learner, "quiz_failed", "A2", 1.0, 30),
            (None, "lesson_completed", "A1", None, 20),
        ):
            await uow.connection.execute(
                insert(completion_t).values(
                    learner_id=who,
                    kind=kind,
                    lesson_id=lesson,
                    score=score,
                    max_score=4 if score is not None else None,
                    occurred_at=NOW - timedelta(minutes=minutes),
                    **base,
                )
            )


class FakeLrs:
    def __init__(self) -> None:
        self.port = free_port()
        self.statements: dict[str, dict[str, Any]] = {}
        self.answers: list[int] = []
        self._runner: web.AppRunner | None = None

    async def up(self) -> None:
        app = web.Application()
        app.router.add_post("/xapi/statements", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def down(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _post(self, request: web.Request) -> web.Response:
        assert request.headers["X-Experience-API-Version"] == "1.0.3"
        expected = base64.b64encode(b"lrs-user:lrs-pass").decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.Response(status=401)
        if self.answers:
            return web.Response(status=self.answers.pop(0))
        batch = json.loads(await request.read())
        if any(item["id"] in self.statements for item in batch):
            return web.Response(status=409)
        self.statements.update({item["id"]: item for item in batch})
        return web.json_response([item["id"] for item in batch])


@pytest.fixture
async def lrs() -> AsyncIterator[FakeLrs]:
    fake = FakeLrs()
    yield fake
    await fake.down()


async def test_completions_become_statements_once_and_reach_the_lrs_once(
    storage: Storage, lrs: FakeLrs
) -> None:
    await completions(storage)
    clock = Clock(NOW)
    job = XapiJob(storage, PUBLIC, clock=clock)
    assert await job.run() == 2  # the failed quiz and the erased learner's lesson are not sent
    assert await job.run() == 0
    assert await XapiJob(storage, PUBLIC, clock=clock).run() == 0  # a restart, the same ids

    delivery = XapiDelivery(
        storage, f"http://127.0.0.1:{lrs.port}/xapi/", "lrs-user", "lrs-pass", clock=clock
    )
    try:
        assert await delivery.deliver_due() == {"retry": 2}  # the LRS is down
        await lrs.up()
        lrs.answers = [503]
        clock.advance(10)
        assert await delivery.deliver_due() == {"retry": 2}
        clock.advance(30)
        assert await delivery.deliver_due() == {"sent": 2}
        # The same statements again (an answer lost, an operator's retry): 409, delivered.
        assert await storage.outbox.retry_dead(clock()) == 0
        for row in await storage.outbox.entries(XAPI_CHANNEL):
            assert await storage.outbox.requeue(row.id, clock(), channel=XAPI_CHANNEL)
        assert await delivery.deliver_due() == {"sent": 2}
    finally:
        await delivery.close()
    assert len(lrs.statements) == 2
    lesson, quiz = sorted(lrs.statements.values(), key=lambda item: item["timestamp"])
    assert lesson["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert lesson["object"]["id"] == f"{PUBLIC}/xapi/activities/lesson/A1"
    assert lesson["actor"]["account"] == {"homePage": PUBLIC, "name": "pub-123"}
    assert lesson["timestamp"] == "2026-03-02T10:10:00Z"
    assert quiz["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert quiz["result"]["score"] == {"raw": 3.0, "min": 0, "max": 4, "scaled": 0.75}
    assert quiz["id"] != lesson["id"]


def test_statement_ids_are_deterministic_per_deployment_and_event() -> None:
    assert statement_id(PUBLIC, 7) == statement_id(PUBLIC, 7)
    assert statement_id(PUBLIC, 7) != statement_id(PUBLIC, 8)
    assert statement_id(PUBLIC, 7) != statement_id("https://other.example.vn", 7)


def test_the_xapi_settings_come_all_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    with pytest.raises(ConfigurationError) as raised:
        load_settings(xapi_url="https://lrs.example.vn/xapi/")
    assert "HOCVUSO_XAPI_USERNAME and HOCVUSO_XAPI_PASSWORD" in str(raised.value)
    with pytest.raises(ConfigurationError, match="HOCVUSO_XAPI_URL: must be an http"):
        load_settings(xapi_url="lrs", xapi_username="u", xapi_password="p")


async def test_the_xapi_jobs_run_only_with_the_lrs_set(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    on = load_settings(
        xapi_url="https://lrs.example.vn/xapi/", xapi_username="u", xapi_password="p"
    )
    for settings, expected in ((load_settings(), False), (on, True)):
        scheduler = Scheduler(
            sqlite_storage, zone=ZoneInfo("Asia/Ho_Chi_Minh"), retention=None, clock=utc_now
        )
        delivery = xapi_sink(scheduler, sqlite_storage, settings)
        scheduler.start()
        try:
            assert (delivery is not None) is expected
            assert (scheduler.next_run("xapi") is not None) is expected
            assert (scheduler.next_run("outbox:xapi") is not None) is expected
        finally:
            await scheduler.shutdown()
            if delivery is not None:
                await delivery.close()
