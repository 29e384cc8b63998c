"""The push's delivery against a fake provincial receiver on loopback, in each auth mode, on
both databases: down, then slow, then up gives exactly one stored snapshot per key; the retry
schedule and its dead-letter after a day; refusals; replay with the same key; the oauth2
token's caching and its one refresh on a 401. No real waiting: the delivery's clock is moved
by hand and each delivery step is called directly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.reports.auth import OAuth2Auth
from bot.reports.delivery import SnapshotDelivery
from bot.reports.push import REPORT_CHANNEL, RETRY_SCHEDULE, idempotency_key, queue_snapshot
from bot.reports.push_config import ReportAuth
from storage import OutboxEntry, Storage
from tests.reports.push_world import Clock, FakeReceiver, sample_document


@pytest.fixture
async def receiver(request: pytest.FixtureRequest) -> AsyncIterator[FakeReceiver]:
    mode = getattr(request, "param", ReportAuth.HMAC)
    fake = FakeReceiver(mode, Clock())
    yield fake
    await fake.down()


@pytest.fixture
async def delivery(storage: Storage, receiver: FakeReceiver) -> AsyncIterator[SnapshotDelivery]:
    sender = SnapshotDelivery(storage, receiver.config(), clock=receiver.clock)
    yield sender
    await sender.close()


async def entry(storage: Storage, row: int | None) -> OutboxEntry:
    assert row is not None
    found = await storage.outbox.entry(row)
    assert found is not None
    return found


@pytest.mark.parametrize("receiver", list(ReportAuth), indirect=True, ids=str)
async def test_down_then_slow_then_up_stores_each_snapshot_exactly_once(
    storage: Storage, receiver: FakeReceiver, delivery: SnapshotDelivery
) -> None:
    clock = receiver.clock
    first = await queue_snapshot(storage, sample_document(), clock())
    second = await queue_snapshot(storage, sample_document(enrolled=50), clock())
    assert first.key != second.key

    # Down: nothing listens (for oauth2 not even the token endpoint).
    assert await delivery.deliver_due() == {"retry": 2}
    row = await entry(storage, first.id)
    assert (row.status, row.attempts, row.not_before) == (
        "pending",
        1,
        clock() + timedelta(seconds=10),
    )
    assert "no answer" in (row.last_error or "") or "token endpoint" in (row.last_error or "")
    assert await delivery.deliver_due() == {}  # not due again before 10 s

    # Slow: it stores the snapshots but answers after the client gave up.
    await receiver.up()
    receiver.delay = 1.0
    clock.advance(10)
    assert await delivery.deliver_due() == {"retry": 2}
    assert set(receiver.stored) == {first.key, second.key}
    assert (await entry(storage, first.id)).not_before == clock() + timedelta(seconds=30)

    # Up: the retries meet keys it has, answered 409, which counts as delivered.
    receiver.delay = 0.0
    clock.advance(30)
    assert await delivery.deliver_due() == {"sent": 2}
    assert receiver.posts[-2:] == [(first.key, 409), (second.key, 409)]
    assert set(receiver.stored) == {first.key, second.key}
    stored = receiver.stored[first.key]
    assert stored["idempotency_key"] == first.key
    assert stored["schema"] == "hocvuso.summary/1"
    assert (stored["admin_data_version"], stored["content_version"]) == ("2025-07-01", "abc123")
    for queued in (first, second):
        row = await entry(storage, queued.id)
        assert (row.status, row.attempts, row.sent_at) == ("sent", 2, clock())
    clock.advance(3600)
    assert await delivery.deliver_due() == {}


def test_the_retry_schedule_is_10s_30s_1min_5min_then_hourly_for_a_day() -> None:
    delays = []
    tries = 1
    while (wait := RETRY_SCHEDULE.delay(tries)) is not None:
        delays.append(wait)
        tries += 1
    assert delays[:5] == [10, 30, 60, 300, 3600]
    assert set(delays[4:]) == {3600}
    # The last try is the first one planned a day or more after the first.
    assert tries == 29
    assert RETRY_SCHEDULE.planned(tries - 1) == 400 + 24 * 3600
    assert RETRY_SCHEDULE.planned(tries - 2) < 24 * 3600


async def test_a_receiver_down_for_a_day_gets_every_try_then_the_snapshot_is_dead(
    storage: Storage, receiver: FakeReceiver, delivery: SnapshotDelivery
) -> None:
    clock = receiver.clock
    await receiver.up()
    receiver.answers = [(503, "maintenance")] * 40
    queued = await queue_snapshot(storage, sample_document(), clock())
    first_try, tries = clock(), 0
    while True:
        outcome = await delivery.deliver_due()
        tries += 1
        row = await entry(storage, queued.id)
        if row.status == "dead":
            break
        assert outcome == {"retry": 1}
        clock.now = row.not_before
    assert tries == len(receiver.posts) == 29
    assert clock() - first_try >= timedelta(days=1)
    assert "gave up after 29 tries" in (row.last_error or "")
    assert "503: maintenance" in (row.last_error or "")


async def test_a_refusal_is_dead_at_once_with_the_answer_in_the_error(
    storage: Storage, receiver: FakeReceiver, delivery: SnapshotDelivery
) -> None:
    await receiver.up()
    receiver.answers = [(422, "bad field " + "x" * 2000), (429, "slow down"), (408, "")]
    refused = await queue_snapshot(storage, sample_document(), receiver.clock())
    assert await delivery.deliver_due() == {"dead": 1}
    row = await entry(storage, refused.id)
    assert row.status == "dead"
    assert (row.last_error or "").startswith("the receiver answered 422: bad field xxx")
    assert len(row.last_error or "") < 560
    # 429 and 408 are "later", not "never".
    busy = await queue_snapshot(storage, sample_document(enrolled=9), receiver.clock())
    assert await delivery.deliver_due() == {"retry": 1}
    receiver.clock.advance(10)
    assert await delivery.deliver_due() == {"retry": 1}
    assert (await entry(storage, busy.id)).attempts == 2


async def test_replay_sends_the_same_key_and_a_409_counts_as_delivered(
    storage: Storage, receiver: FakeReceiver, delivery: SnapshotDelivery
) -> None:
    clock = receiver.clock
    await receiver.up()
    queued = await queue_snapshot(storage, sample_document(), clock())
    assert queued.key == idempotency_key(sample_document())
    assert await delivery.deliver_due() == {"sent": 1}
    assert not await storage.outbox.requeue(queued.id or 0, clock(), channel="telegram")
    clock.advance(60)
    assert await storage.outbox.requeue(queued.id or 0, clock(), channel=REPORT_CHANNEL)
    assert not await storage.outbox.requeue(queued.id or 0, clock(), channel=REPORT_CHANNEL)
    assert await delivery.deliver_due() == {"sent": 1}
    assert receiver.posts == [(queued.key, 200), (queued.key, 409)]
    assert len(receiver.stored) == 1
    # The same document queued again is the same snapshot: not queued twice.
    again = await queue_snapshot(storage, sample_document(), clock())
    assert (again.id, again.key) == (None, queued.key)
    listed = await storage.outbox.entries(REPORT_CHANNEL)
    assert [(e.id, e.status, e.payload["key"]) for e in listed] == [
        (queued.id, "sent", queued.key)
    ]


@pytest.mark.parametrize("receiver", [ReportAuth.OAUTH2], indirect=True, ids=str)
async def test_oauth2_keeps_its_token_refreshes_it_before_expiry_and_once_on_a_401(
    storage: Storage, receiver: FakeReceiver, delivery: SnapshotDelivery
) -> None:
    clock = receiver.clock
    await receiver.up()
    for enrolled in (10, 11):
        await queue_snapshot(storage, sample_document(enrolled=enrolled), clock())
    assert await delivery.deliver_due() == {"sent": 2}
    assert receiver.tokens_issued == 1  # one token for both

    # Shortly before it expires (3600 s, a minute's margin) a new one is fetched.
    clock.advance(3600 - 61)
    await queue_snapshot(storage, sample_document(enrolled=12), clock())
    assert await delivery.deliver_due() == {"sent": 1}
    assert receiver.tokens_issued == 1
    clock.advance(2)
    await queue_snapshot(storage, sample_document(enrolled=13), clock())
    assert await delivery.deliver_due() == {"sent": 1}
    assert receiver.tokens_issued == 2

    # The receiver forgets the token: a 401, one new token, the POST again.
    receiver.valid_tokens.clear()
    queued = await queue_snapshot(storage, sample_document(enrolled=14), clock())
    assert await delivery.deliver_due() == {"sent": 1}
    assert receiver.tokens_issued == 3
    assert receiver.posts[-2:] == [(queued.key, 401), (queued.key, 200)]

    # A receiver that refuses every token: one refresh only, then dead (not a loop).
    receiver.answers = [(401, "no"), (401, "still no")]
    refused = await queue_snapshot(storage, sample_document(enrolled=15), clock())
    assert await delivery.deliver_due() == {"dead": 1}
    assert receiver.tokens_issued == 4
    assert [status for key, status in receiver.posts if key == refused.key] == [401, 401]
    assert isinstance(delivery.auth, OAuth2Auth) and delivery.auth.fetched == 4


@pytest.mark.parametrize("receiver", [ReportAuth.OAUTH2], indirect=True, ids=str)
async def test_oauth2_wrong_client_credentials_are_dead_with_what_to_fix(
    storage: Storage, receiver: FakeReceiver
) -> None:
    await receiver.up()
    config = receiver.config()
    wrong = SnapshotDelivery(
        storage,
        type(config)(**{**config.__dict__, "client_secret": "wrong"}),
        clock=receiver.clock,
    )
    try:
        queued = await queue_snapshot(storage, sample_document(), receiver.clock())
        assert await wrong.deliver_due() == {"dead": 1}
    finally:
        await wrong.close()
    error = (await entry(storage, queued.id)).last_error or ""
    assert "refused the client credentials (401" in error
    assert "HOCVUSO_REPORT_CLIENT_SECRET" in error
    assert receiver.posts == []
