"""The storage front door: every read and write maps database failures to StorageError, and
the outbox's row life (claim, sent, skipped, dead, retried) holds on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core import InboundMessage, InputKind
from bot.errors import StorageError
from bot.service import ConversationService
from storage import Storage

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2"


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s.inbox.pending("telegram"),
        lambda s: s.outbox.due("telegram", NOW),
        lambda s: s.outbox.counts(),
        lambda s: s.outbox.claim("telegram", NOW, lease=timedelta(minutes=1)),
        lambda s: s.identities.reach("telegram", "1"),
        lambda s: s.identities.is_reachable("telegram", "1"),
        lambda s: s.learner_state("telegram", "1"),
        lambda s: s.completion_events(),
        lambda s: s.rows("learner"),
        lambda s: s.tokens.store("zalo_oa").load(),
    ],
    ids=[
        "inbox.pending",
        "outbox.due",
        "outbox.counts",
        "outbox.claim",
        "identities.reach",
        "identities.is_reachable",
        "learner_state",
        "completion_events",
        "rows",
        "tokens.load",
    ],
)
async def test_reads_on_a_database_that_is_down_raise_a_transient_storage_error(read) -> None:
    store = Storage.open(DOWN)
    try:
        with pytest.raises(StorageError) as caught:
            await read(store)
        assert caught.value.transient
    finally:
        await store.close()


def inbound(user: str, text: str) -> InboundMessage:
    return InboundMessage(
        channel="telegram", user_ref=user, kind=InputKind.TEXT, text=text, received_at=NOW
    )


async def consented(service: ConversationService, user: str) -> None:
    await service.handle(inbound(user, "/start"))
    await service.handle(inbound(user, "dong y"))


async def test_broadcast_reaches_each_consenting_reachable_learner_once(
    service: ConversationService, storage: Storage
) -> None:
    for user in ("an", "binh", "chi"):
        await consented(service, user)
    await service.handle(inbound("dung", "/start"))  # never agreed: not written to
    await storage.identities.mark_unreachable("telegram", "chi", "blocked", NOW)

    payload = {"replies": [{"text": "Thông báo"}]}
    assert await storage.outbox.broadcast(NOW, payload=payload, key="a1") == 2
    assert await storage.outbox.broadcast(NOW, payload=payload, key="a1") == 0  # same key
    assert await storage.outbox.broadcast(NOW, payload=payload, key="a1", channel="zalo_oa") == 0
    rows = await storage.rows("outbox_message")
    assert sorted(r["recipient"] for r in rows) == ["an", "binh"]
    assert {r["kind"] for r in rows} == {"announcement"}
    assert await storage.outbox.counts() == {
        "telegram": {"pending": 2, "sending": 0, "sent": 0, "skipped": 0, "dead": 0}
    }


async def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(
    storage: Storage,
) -> None:
    lease = timedelta(minutes=5)
    first = await storage.outbox.add(NOW, channel="telegram", recipient="1", payload={"a": 1})
    second = await storage.outbox.add(
        NOW, channel="telegram", recipient="2", payload={}, not_before=NOW + timedelta(hours=1)
    )
    assert first is not None and second is not None
    [item] = await storage.outbox.claim("telegram", NOW, lease=lease)
    assert item.id == first and item.payload == {"a": 1}
    assert await storage.outbox.claim("telegram", NOW + timedelta(minutes=1), lease=lease) == []
    # The drainer died mid-send: after the lease the row goes out again (at most once more).
    [again] = await storage.outbox.claim("telegram", NOW + timedelta(minutes=6), lease=lease)
    assert again.id == first
    await storage.outbox.mark_sent(first, NOW + timedelta(minutes=6))
    later = NOW + timedelta(hours=2)
    [due] = await storage.outbox.claim("telegram", later, lease=lease)
    assert due.id == second
    assert await storage.outbox.claim("telegram", later + timedelta(minutes=1), lease=lease) == []


async def test_dead_rows_come_back_with_retry_dead_and_skipped_rows_do_not(
    storage: Storage,
) -> None:
    lease = timedelta(minutes=5)
    ids = [
        await storage.outbox.add(NOW, channel=channel, recipient=str(n), payload={})
        for n, channel in enumerate(("telegram", "telegram", "zalo_oa"))
    ]
    for item in await storage.outbox.claim("telegram", NOW, lease=lease):
        await storage.outbox.retry_later(item.id, NOW, timedelta(seconds=30), "timeout")
    assert await storage.outbox.claim("telegram", NOW, lease=lease) == []
    items = await storage.outbox.claim("telegram", NOW + timedelta(minutes=1), lease=lease)
    assert [i.attempts for i in items] == [1, 1]
    await storage.outbox.mark_dead(items[0].id, NOW, "refused")
    await storage.outbox.mark_skipped(items[1].id, NOW, "blocked")
    [oa] = await storage.outbox.claim("zalo_oa", NOW, lease=lease)
    await storage.outbox.mark_dead(oa.id, NOW, "refused")

    assert await storage.outbox.retry_dead(NOW, channel="zalo_oa") == 1
    assert await storage.outbox.retry_dead(NOW) == 1
    assert await storage.outbox.retry_dead(NOW) == 0
    statuses = {
        r["id"]: (r["status"], r["attempts"]) for r in await storage.rows("outbox_message")
    }
    assert statuses == {ids[0]: ("pending", 0), ids[1]: ("skipped", 1), ids[2]: ("pending", 0)}


async def test_take_hands_a_recipient_their_due_rows_once(storage: Storage) -> None:
    for text in ("một", "hai"):
        await storage.outbox.add(NOW, channel="webchat", recipient="c", payload={"text": text})
    await storage.outbox.add(NOW, channel="webchat", recipient="other", payload={"text": "x"})
    taken = await storage.outbox.take("webchat", "c", NOW)
    assert [item.payload["text"] for item in taken] == ["một", "hai"]
    assert await storage.outbox.take("webchat", "c", NOW) == []
