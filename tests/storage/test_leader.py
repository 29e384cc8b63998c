"""The leader lock on PostgreSQL: once `release()` returns, another process gets the lock at once.

Each "process" is its own `Storage` (its own pool and sessions), which is all PostgreSQL sees of
a process. Closing a connection does not free its session's advisory locks by the time the
client is done: the server ends the session, and frees them, only when its backend gets round to
it, which on a busy machine can be after the other process has asked (a full test run once saw
`tests/test_maintenance.py::test_one_process_prunes_at_a_time` fail so).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import Storage, leader
from tests.conftest import PG_ADMIN, fresh_database

NAME = "maintenance"


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (several processes need a server)."""
    with fresh_database("postgresql", request, tmp_path) as url:
        yield url


async def test_release_frees_the_lock_before_the_session_ends(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The holder's connection is closed only after the other process has asked: a server that
    # has not yet ended the holder's session when release() returns.
    lingering: list[AsyncConnection] = []

    async def close_later(conn: AsyncConnection) -> None:
        lingering.append(conn)

    discard = leader._discard
    one, two = Storage.open(pg_url), Storage.open(pg_url)
    try:
        held = one.locks.leader(NAME)
        assert await held.hold()
        assert not await two.locks.leader(NAME).hold()  # taken
        monkeypatch.setattr(leader, "_discard", close_later)
        await held.release()
        monkeypatch.setattr(leader, "_discard", discard)
        assert len(lingering) == 1  # the holder's session is still there
        taker = two.locks.leader(NAME)
        assert await taker.hold()
        await taker.release()
    finally:
        for conn in lingering:
            await discard(conn)
        await one.close()
        await two.close()


async def test_the_lock_passes_between_processes_at_once(pg_url: str) -> None:
    one, two = Storage.open(pg_url), Storage.open(pg_url)
    try:
        for _ in range(25):
            for holder, other in ((one, two), (two, one)):
                lock = holder.locks.leader(NAME)
                assert await lock.hold()
                assert await lock.hold() and lock.held  # still leads
                assert not await other.locks.leader(NAME).hold()
                await lock.release()
                assert not lock.held
                await lock.release()  # a second release does nothing
                taker = other.locks.leader(NAME)
                assert await taker.hold()  # at once, no waiting
                await taker.release()
    finally:
        await one.close()
        await two.close()


async def test_a_broken_holder_connection_still_lets_the_lock_go(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    one, two = Storage.open(pg_url), Storage.open(pg_url)
    try:
        lock = one.locks.leader(NAME)
        assert await lock.hold()
        assert lock._conn is not None
        pid = await lock._conn.scalar(text("SELECT pg_backend_pid()"))
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))  # waits for the end
        with caplog.at_level(logging.WARNING, logger="storage.leader"):
            await lock.release()  # cannot unlock: the session and its lock are gone already
        assert "cannot unlock" in caplog.text and not lock.held
        taker = two.locks.leader(NAME)
        assert await taker.hold()
        await taker.release()
    finally:
        await one.close()
        await two.close()


async def test_release_is_not_left_half_done_when_cancelled(pg_url: str) -> None:
    one, two = Storage.open(pg_url), Storage.open(pg_url)
    try:
        lock = one.locks.leader(NAME)
        assert await lock.hold()
        release = asyncio.ensure_future(lock.release())
        await asyncio.sleep(0)  # the unlock is on its way
        release.cancel()
        with pytest.raises(asyncio.CancelledError):
            await release
        assert not lock.held  # the connection was dropped all the same: the lock goes with it
        taker = two.locks.leader(NAME)
        for _ in range(500):  # the session's end frees it, a moment later
            if await taker.hold():
                break
            await asyncio.sleep(0.01)
        assert taker.held
        await taker.release()
    finally:
        await one.close()
        await two.close()
