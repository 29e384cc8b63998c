"""/readyz says "starting" until `hocvuso run` is through its start-up (channels on, scheduler
running): the port opens before that, and a load balancer must not send learners yet."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.content import load_catalog
from bot.service import ConversationService
from bot.web import Readiness, build_app
from storage import Storage


async def test_readyz_waits_for_the_end_of_start_up(sqlite_url: str) -> None:
    storage = Storage.open(sqlite_url)
    readiness = Readiness(ready=False)
    app = build_app(ConversationService(storage, load_catalog()), readiness=readiness)
    async with TestClient(TestServer(app)) as client:
        starting = await client.get("/readyz")
        assert starting.status == 503 and (await starting.json())["status"] == "starting"
        assert (await client.get("/healthz")).status == 200  # alive all the same
        readiness.started()
        ready = await client.get("/readyz")
        assert ready.status == 200 and (await ready.json())["status"] == "ok"
    await storage.close()
