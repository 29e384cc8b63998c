"""Retention: the nightly prune (APScheduler in `hocvuso run`) and `hocvuso db prune`, on both
databases."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from bot.cli import main
from bot.errors import ConfigurationError
from bot.maintenance import PRUNE_JOB, prune_once, retention
from bot.scheduler import Scheduler
from bot.settings import load_settings
from storage import Storage
from storage.maintenance import LOCK_NAME, Retention
from storage.tables import inbox_t, outbox_t, processed_t

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def seed(storage: Storage, now: datetime = NOW) -> None:
    """Rows on both sides of the default periods (14 days for keys, 30 for sent messages)."""
    inbox = [
        ("old-done", now - 15 * DAY, now - 15 * DAY),
        ("old-given-up", now - 20 * DAY, now - 20 * DAY),
        ("recent-done", now - 15 * DAY, now - 13 * DAY),
        ("old-pending", now - 90 * DAY, None),  # never deleted: it still has to be handled
    ]
    processed = [("old-key", now - 14 * DAY - timedelta(seconds=1)), ("new-key", now - DAY)]
    outbox = [
        ("sent-long-ago", "sent", now - 31 * DAY),
        ("sent-lately", "sent", now - 29 * DAY),
        ("dead-long-ago", "dead", None),  # kept for the operator
        ("pending-long-ago", "pending", None),
    ]
    async with storage.unit_of_work(now) as uow:
        await uow.connection.execute(
            insert(inbox_t),
            [
                {
                    "channel": "zalo_bot",
                    "event_key": key,
                    "payload": "{}",
                    "received_at": received,
                    "processed_at": done,
                    "attempts": 0,
                }
                for key, received, done in inbox
            ],
        )
        await uow.connection.execute(
            insert(processed_t),
            [
                {"channel": "telegram", "message_key": key, "response": "[]", "processed_at": at}
                for key, at in processed
            ],
        )
        await uow.connection.execute(
            insert(outbox_t),
            [
                {
                    "channel": "zalo_oa",
                    "recipient": "1",
                    "payload": json.dumps({"text": key}),
                    "kind": "reminder",
                    "dedupe_key": key,
                    "status": status,
                    "attempts": 1,
                    "not_before": now - 40 * DAY,
                    "created_at": now - 40 * DAY,
                    "sent_at": sent,
                }
                for key, status, sent in outbox
            ],
        )


async def remaining(storage: Storage) -> dict[str, list[Any]]:
    async with storage.reading() as conn:
        return {
            "inbox": list(await conn.scalars(select(inbox_t.c.event_key).order_by("id"))),
            "keys": list(await conn.scalars(select(processed_t.c.message_key).order_by("id"))),
            "outbox": list(await conn.scalars(select(outbox_t.c.dedupe_key).order_by("id"))),
        }


async def test_prune_deletes_only_expired_finished_rows(storage: Storage) -> None:
    await seed(storage)
    pruned = await storage.retention.prune(NOW, Retention(), batch=1)  # one row per transaction
    assert pruned is not None
    assert (pruned.inbox_events, pruned.processed_messages, pruned.outbox_messages) == (2, 1, 1)
    assert pruned.total == 4
    assert await remaining(storage) == {
        "inbox": ["recent-done", "old-pending"],
        "keys": ["new-key"],
        "outbox": ["sent-lately", "dead-long-ago", "pending-long-ago"],
    }
    again = await storage.retention.prune(NOW, Retention())
    assert again is not None and again.total == 0


async def test_retention_periods_come_from_the_settings(storage: Storage) -> None:
    await seed(storage)
    settings = load_settings(_env_file=None, retention_days=30, outbox_retention_days=7)
    pruned = await prune_once(storage, settings, NOW)
    assert pruned is not None
    assert (pruned.inbox_events, pruned.processed_messages, pruned.outbox_messages) == (0, 0, 2)


@pytest.mark.parametrize(
    ("name", "value"), [("HOCVUSO_RETENTION_DAYS", "1"), ("HOCVUSO_OUTBOX_RETENTION_DAYS", "3")]
)
def test_retention_settings_are_validated(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    settings = load_settings(_env_file=None)
    assert (settings.retention_days, settings.outbox_retention_days) == (14, 30)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings(_env_file=None)


async def test_one_process_prunes_at_a_time(db_url: str, storage: Storage) -> None:
    other = Storage.open(db_url)
    lock = other.locks.leader(LOCK_NAME)
    try:
        assert await lock.hold()  # another process is pruning
        result = await storage.retention.prune(NOW, Retention())
        if lock.shared:
            assert result is None
        else:  # SQLite: one process, no lock to wait for
            assert result is not None
    finally:
        await lock.release()
        await other.close()
    assert await storage.retention.prune(NOW, Retention()) is not None


async def test_hocvuso_run_schedules_the_prune_every_night(db_url: str) -> None:
    settings = load_settings(_env_file=None, database_url=db_url)
    storage = Storage.open(db_url)
    scheduler = Scheduler(
        storage, zone=settings.zone, retention=retention(settings), clock=lambda: datetime.now(UTC)
    )
    scheduler.start()
    try:
        job = scheduler._scheduler.get_job(PRUNE_JOB)
        runs = job.next_run_time.astimezone(settings.zone)
        assert (runs.hour, runs.minute) == (3, 30)
        assert runs - datetime.now(settings.zone) <= DAY
        await job.func(*job.args)  # what the scheduler runs: it logs and never raises
    finally:
        await scheduler.shutdown()
        await storage.close()


def test_db_prune_command(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def prepare() -> None:
        storage = Storage.open(db_url)
        try:
            await seed(storage, datetime.now(UTC))  # the command prunes relative to the clock
        finally:
            await storage.close()

    asyncio.run(prepare())
    monkeypatch.setenv("HOCVUSO_DATABASE_URL", db_url)
    assert main(["db", "prune"]) == 0
    out = capsys.readouterr().out
    assert "deleted 2 processed inbox events and 1 processed-message keys older than 14" in out
    assert "1 sent outbox messages older than 30 days" in out
    assert main(["db", "prune"]) == 0
    assert "deleted 0 processed inbox events" in capsys.readouterr().out


async def test_a_job_that_starts_after_shutdown_does_nothing(sqlite_storage: Storage) -> None:
    """APScheduler may hand a run to the event loop just before shutdown(); it starts after
    shutdown() returned (when the storage may be closed) and must not touch anything."""
    scheduler = Scheduler(
        sqlite_storage,
        zone=ZoneInfo("Asia/Ho_Chi_Minh"),
        retention=None,
        clock=lambda: datetime.now(UTC),
    )
    ran: list[str] = []

    async def job() -> None:
        ran.append("job")

    late = asyncio.ensure_future(scheduler._led("late", job))  # submitted, not started yet
    await scheduler.shutdown()
    await late
    assert ran == []


async def test_prune_deletes_old_reminder_records_and_spent_link_codes(storage: Storage) -> None:
    from storage.tables import fire_t, learner_t, link_t

    async with storage.unit_of_work(NOW) as uow:
        learner_id = (
            await uow.connection.execute(
                insert(learner_t).returning(learner_t.c.id),
                {
                    "public_id": "p1",
                    "state": "{}",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "last_seen_at": NOW,
                },
            )
        ).scalar_one()
        await uow.connection.execute(
            insert(fire_t),
            [
                {"learner_id": learner_id, "kind": "reminder", "day": day, "created_at": at}
                for day, at in (
                    ((NOW - 31 * DAY).date(), NOW - 31 * DAY),
                    ((NOW - 2 * DAY).date(), NOW - 2 * DAY),
                )
            ],
        )
        await uow.connection.execute(
            insert(link_t),
            [
                {
                    "code": code,
                    "learner_id": learner_id,
                    "created_at": NOW - 3 * DAY,
                    "expires_at": expires,
                    "used_at": used,
                }
                for code, expires, used in (
                    ("111111", NOW - 2 * DAY, None),  # expired two days ago
                    ("222222", NOW + DAY, NOW - 2 * DAY),  # used two days ago
                    ("333333", NOW - timedelta(hours=1), None),  # just expired: kept a day
                    ("444444", NOW + timedelta(minutes=10), None),  # still valid
                )
            ],
        )
    pruned = await storage.retention.prune(NOW, Retention())
    assert pruned is not None and (pruned.reminder_fires, pruned.link_codes) == (1, 2)
    async with storage.reading() as conn:
        days = list(await conn.scalars(select(fire_t.c.day)))
        codes = sorted(await conn.scalars(select(link_t.c.code)))
    assert days == [(NOW - 2 * DAY).date()] and codes == ["333333", "444444"]
