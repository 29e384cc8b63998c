"""Setting the push up: the settings' errors name the variable to fix; the scheduler registers
the daily job at the configured local time only when HOCVUSO_REPORT_URL is set; the daily job
queues one snapshot per local day; `hocvuso report push|outbox|replay`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import report_push
from bot.cli import main
from bot.errors import ConfigurationError
from bot.reports.delivery import SnapshotDelivery
from bot.reports.push import PUSH_JOB, REPORT_CHANNEL, DailySnapshot
from bot.reports.push_config import PushConfig, ReportAuth, parse_headers
from bot.scheduler import Scheduler
from bot.service import utc_now
from bot.settings import load_settings
from storage import Storage
from tests.conftest import free_port
from tests.reports.push_world import SECRET, Clock, sample_document

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "https://lgsp.example.gov.vn/hocvuso/snapshots"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"report_url": URL}, "HOCVUSO_REPORT_SECRET must be set"),
        ({"report_url": URL, "report_secret": "short"}, "HOCVUSO_REPORT_SECRET must be set"),
        ({"report_url": "lgsp.example.gov.vn", "report_secret": SECRET}, "HOCVUSO_REPORT_URL:"),
        (
            {"report_url": URL, "report_auth": "oauth2", "report_client_id": "x"},
            "needs HOCVUSO_REPORT_TOKEN_URL, HOCVUSO_REPORT_CLIENT_SECRET",
        ),
        ({"report_url": URL, "report_auth": "headers"}, "needs HOCVUSO_REPORT_HEADERS"),
        ({"report_url": URL, "report_auth": "basic"}, "HOCVUSO_REPORT_AUTH: must be one of"),
        (
            {"report_url": URL, "report_auth": "headers", "report_headers": "AppName"},
            "HOCVUSO_REPORT_HEADERS: 'AppName' has no value",
        ),
        ({"report_secret": SECRET}, "set HOCVUSO_REPORT_URL to the receiver's address"),
        ({"report_schedule": "6pm"}, "HOCVUSO_REPORT_SCHEDULE: must be a time of day"),
        ({"report_timeout": "0"}, "HOCVUSO_REPORT_TIMEOUT"),
    ],
)
def test_bad_push_settings_name_the_variable_to_fix(
    variables: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")  # no .env
    with pytest.raises(ConfigurationError) as raised:
        load_settings(**variables)
    assert named in str(raised.value)
    assert "short" not in str(raised.value).replace("shorter", "")


def test_push_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert load_settings().report_push is None
    monkeypatch.setenv("HOCVUSO_REPORT_URL", URL)
    monkeypatch.setenv("HOCVUSO_REPORT_AUTH", "headers")
    monkeypatch.setenv("HOCVUSO_REPORT_HEADERS", "AppName=hocvuso; AccessKey=k=1;SecretKey=s")
    monkeypatch.setenv("HOCVUSO_REPORT_SCHEDULE", "7:30")
    push = load_settings().report_push
    assert push is not None
    assert (push.url, push.auth, push.at) == (URL, ReportAuth.HEADERS, time(7, 30))
    assert push.headers == (("AppName", "hocvuso"), ("AccessKey", "k=1"), ("SecretKey", "s"))
    assert "SecretKey" not in repr(push) and "k=1" not in repr(push)
    assert parse_headers('{"AppName": "x", "AccessKey": "y"}') == (
        ("AppName", "x"),
        ("AccessKey", "y"),
    )


async def fixed_source(now: datetime) -> dict[str, Any]:
    return sample_document(generated_at=now)


async def test_the_daily_job_is_scheduled_at_the_configured_local_time_only_with_a_url(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    monkeypatch.setattr("bot.app.province_snapshot", lambda storage, settings: fixed_source)
    for settings, expected in (
        (load_settings(), None),
        (load_settings(report_url=URL, report_secret=SECRET, report_schedule="07:30"), (7, 30)),
        (load_settings(report_url=URL, report_secret=SECRET), (18, 0)),
    ):
        scheduler = Scheduler(sqlite_storage, zone=ZONE, retention=None, clock=utc_now)
        delivery = report_push(scheduler, sqlite_storage, settings)
        scheduler.start()
        try:
            job = scheduler.next_run(PUSH_JOB)
            if expected is None:
                assert delivery is None and job is None
                assert scheduler.next_run(f"outbox:{REPORT_CHANNEL}") is None
                continue
            assert delivery is not None and job is not None
            local = job.astimezone(ZONE)
            assert (local.hour, local.minute) == expected
            assert 0 < (job - utc_now()).total_seconds() <= 24 * 3600
            assert scheduler.next_run(f"outbox:{REPORT_CHANNEL}") is not None
        finally:
            await scheduler.shutdown()
            if delivery is not None:
                await delivery.close()


async def test_the_daily_job_queues_one_snapshot_per_local_day(storage: Storage) -> None:
    calls: list[datetime] = []

    async def counted(now: datetime) -> dict[str, Any]:
        calls.append(now)
        return sample_document(generated_at=now)

    clock = Clock(datetime(2026, 3, 2, 10, 59, tzinfo=UTC))  # 17:59 in Hà Nội
    daily = DailySnapshot(storage, counted, at=time(18, 0), zone=ZONE, clock=clock)
    assert await daily.run() is None
    clock.advance(60)
    first = await daily.run()
    assert first is not None and first.id is not None
    for _ in range(3):  # later the same day, in this process or another
        clock.advance(600)
        assert await daily.run() is None
    clock.advance(12 * 3600)  # 06:30 the next day: not yet
    assert await daily.run() is None
    clock.advance(12 * 3600)  # 18:30
    second = await daily.run()
    assert second is not None and second.id is not None and second.key != first.key
    assert len(calls) == 2
    rows = await storage.outbox.entries(REPORT_CHANNEL)
    assert [row.payload["key"] for row in rows] == [second.key, first.key]


def test_report_commands(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir("/")
    monkeypatch.setenv("HOCVUSO_DATABASE_URL", sqlite_url)
    assert main(["report", "push"]) == 2
    assert "HOCVUSO_REPORT_URL is not set" in capsys.readouterr().err

    monkeypatch.setenv("HOCVUSO_REPORT_URL", URL)
    monkeypatch.setenv("HOCVUSO_REPORT_SECRET", SECRET)
    assert main(["report", "outbox"]) == 0
    assert "no snapshot was queued yet" in capsys.readouterr().out

    # The real summary (of an empty database), as the schedule takes it.
    assert main(["report", "push"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("queued snapshot 1 with key hocvuso-")
    key = out.split("key ", 1)[1].split(";")[0]

    assert main(["report", "replay", "1"]) == 0
    assert "is pending: it goes out anyway" in capsys.readouterr().out
    assert main(["report", "replay", "2"]) == 1
    assert "there is no snapshot 2" in capsys.readouterr().err

    async def fail_it() -> None:
        storage = Storage.open(sqlite_url)
        try:
            await storage.outbox.mark_dead(1, utc_now(), "the receiver answered 403: nope")
        finally:
            await storage.close()

    asyncio.run(fail_it())
    assert main(["report", "outbox"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:5] == ["id", "key", "status", "tries", "next"]
    assert listing[1].split()[:4] == ["1", key, "dead", "1"]
    assert listing[1].endswith("the receiver answered 403: nope")

    assert main(["report", "replay", "1"]) == 0
    assert f"queued again with its key {key}" in capsys.readouterr().out
    assert main(["report", "outbox"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:4] == ["1", key, "pending", "0"]


async def test_a_process_started_after_the_time_queues_the_days_snapshot_at_once(
    sqlite_storage: Storage,
) -> None:
    daily = DailySnapshot(sqlite_storage, fixed_source, at=time(0, 0), zone=ZONE, clock=utc_now)
    config = PushConfig(
        url=f"http://127.0.0.1:{free_port()}/", auth=ReportAuth.HMAC, secret=SECRET
    )
    delivery = SnapshotDelivery(sqlite_storage, config, clock=utc_now)
    scheduler = Scheduler(sqlite_storage, zone=ZONE, retention=None, clock=utc_now)
    scheduler.add_report_push(daily, delivery)
    scheduler.start()
    try:
        for _ in range(500):
            rows = await sqlite_storage.outbox.entries(REPORT_CHANNEL)
            if rows:
                break
            await asyncio.sleep(0.02)
        # Queued by the start-up run, not at the next day's 00:00.
        assert [row.payload["key"][:8] for row in rows] == ["hocvuso-"]
        assert await sqlite_storage.outbox.has_key(
            DailySnapshot.day_key(utc_now().astimezone(ZONE).date().isoformat())
        )
    finally:
        await scheduler.shutdown()
        await delivery.close()
