"""The webhook as Meta uses it: the subscription handshake, signed event batches stored before
the 200 and recognised when delivered again, forged or unsigned bodies refused with nothing
stored, receipts and echoes not kept, a database outage answered 503 (Meta retries), and events
stored just before a crash answered after the restart."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.channels.messenger.adapter import CHANNEL
from bot.content import Catalog
from bot.errors import StorageError
from storage import Storage
from tests.fakes.fake_graph import VERIFY_TOKEN, FakeGraph, sign
from tests.fakes.fake_zalo import Clock
from tests.messenger.conftest import MessengerLearner, fixture, running_messenger
from tests.zalo.conftest import inbox_rows

LAN, MAI = "6783432641705982", "7011223344556677"


async def get(url: str, **params: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, params=params) as response:
        return response.status, await response.text()


async def test_the_subscription_handshake(
    sqlite_storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        right = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN}
        assert await get(page.url, **right, **{"hub.challenge": "1158201444"}) == (
            200,
            "1158201444",
        )
        wrong = {**right, "hub.verify_token": "guessed", "hub.challenge": "1"}
        assert (await get(page.url, **wrong))[0] == 403
        assert (await get(page.url, **{**right, "hub.mode": "unsubscribe"}))[0] == 403
        assert (await get(page.url))[0] == 403


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "sha256=" + "0" * 64,
        "sha1=4f0c1b5b0f2f6d5b3d1f0e9c1a2b3c4d5e6f7a8b",
        sign(b"another body"),
        sign(json.dumps(fixture("text.json")).encode(), secret="not-the-app-secret"),
    ],
    ids=["missing", "zeros", "sha1", "other-body", "other-secret"],
)
async def test_unsigned_and_forged_bodies_are_refused_and_nothing_is_stored(
    sqlite_storage: Storage,
    a1_catalog: Catalog,
    graph: FakeGraph,
    clock: Clock,
    signature: str | None,
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        status = await page.post(page.text(LAN, "/start"), signature=signature)
        assert status == 401
        assert await inbox_rows(sqlite_storage, CHANNEL) == []
        assert graph.messages_to(LAN) == []


async def test_a_batch_is_stored_before_the_200_and_a_redelivery_is_answered_once(
    storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(storage, a1_catalog, graph, clock) as page:
        batch = page.body("batch.json", LAN)
        batch["entry"][1]["messaging"][0]["sender"]["id"] = MAI
        assert await page.post(batch) == 200
        rows = await inbox_rows(storage, CHANNEL)
        assert len(rows) == 2 and all(row["processed_at"] for row in rows)
        answered = {psid: len(graph.messages_to(psid)) for psid in (LAN, MAI)}
        assert all(answered.values())

        assert await page.post(batch) == 200  # Meta did not see our 200: it sends it again
        assert len(await inbox_rows(storage, CHANNEL)) == 2
        assert {psid: len(graph.messages_to(psid)) for psid in (LAN, MAI)} == answered


async def test_echoes_receipts_and_other_objects_are_acknowledged_not_kept(
    sqlite_storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        for name in ("echo.json", "delivery.json", "read.json"):
            assert await page.post(page.body(name, LAN)) == 200
        assert await page.post({"object": "instagram", "entry": []}) == 200
        assert await inbox_rows(sqlite_storage, CHANNEL) == []
        assert graph.messages_to(LAN) == []
        signed_garbage = b'{"object": "page", "entry": [tru'
        assert (await graph.post_webhook(page.url, signed_garbage))[0] == 400
        weird = {"object": "page", "entry": [{"messaging": [{"sender": {}}, 7, {"message": 1}]}]}
        assert await page.post(weird) == 200
        assert await inbox_rows(sqlite_storage, CHANNEL) == []


async def test_a_database_outage_answers_503_and_the_retry_is_answered(
    sqlite_storage: Storage,
    a1_catalog: Catalog,
    graph: FakeGraph,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        body = page.text(LAN, "/start")
        real_store = sqlite_storage.inbox.store

        async def down(*args: object, **kwargs: object) -> None:
            raise StorageError("database is locked")

        monkeypatch.setattr(sqlite_storage.inbox, "store", down)
        assert await page.post(body) == 503
        assert graph.messages_to(LAN) == []
        monkeypatch.setattr(sqlite_storage.inbox, "store", real_store)
        assert await page.post(body) == 200
        assert "Học vụ số" in graph.messages_to(LAN)[0].text


async def test_events_stored_before_a_crash_are_answered_after_the_restart(
    storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(storage, a1_catalog, graph, clock) as page:
        lan = MessengerLearner(page, LAN)
        await lan.get_started()
        await lan.choose("Đồng ý")
        graph.hold()  # the answer is being sent when the process dies
        await page.post(page.text(LAN, "menu"), wait=False)
        await graph.wait_for(lambda: graph.held == 1)
        before = len(graph.messages_to(LAN))
        [pending] = [r for r in await inbox_rows(storage, CHANNEL) if r["processed_at"] is None]
        # The process stops here, its send never answered: the event stays unprocessed.
    rows = {r["id"]: r for r in await inbox_rows(storage, CHANNEL)}
    assert rows[pending["id"]]["processed_at"] is None
    graph.release()
    async with running_messenger(storage, a1_catalog, graph, clock) as page:
        await page.runtime.worker.wait_idle()
        rows = {r["id"]: r for r in await inbox_rows(storage, CHANNEL)}
        assert rows[pending["id"]]["processed_at"] is not None
        menu = graph.messages_to(LAN)[before:]
        assert menu and any(m.buttons or m.quick_replies for m in menu)
