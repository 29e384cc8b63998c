"""Which worker process drains a channel: a PostgreSQL session-level advisory lock per channel.

Several `hocvuso run` processes may share one PostgreSQL database. Every one of them stores the
webhook events it receives, but only the holder of a channel's lock drains that channel's inbox
and outbox, so no event is answered twice and one learner's events stay in order. The holder
keeps the lock on a connection of its own, taken out of the pool for as long as it leads.
`release()` unlocks it on that connection and waits for the answer, so the next process that
asks gets it at once: closing the connection alone would not do, as the server ends the session
(and frees its locks) some time after the client has hung up. When the process exits or dies,
PostgreSQL ends the session and the lock is free soon after. Ask again every few seconds
(`hold()`), which also checks that the holder's connection is alive.

The holder also LISTENs on that connection: a process that stores an event while another one
leads calls `notify()`, so the event is handled at once instead of at the holder's next poll.

On SQLite there is one process (the database is a local file): the lock is always granted and
`notify()` does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.repository import Storage

log = logging.getLogger(__name__)

# pg_try_advisory_lock(int4, int4): the two-key space, separate from the one-bigint keys that
# lock a learner during a turn (storage.turns).
NAMESPACE = 0x68767300  # "hvs\0"
NOTIFY_CHANNEL = "hocvuso_work"
# Find a vanished holder (power cut, network gone) within about a minute, not the kernel's
# default two hours; PostgreSQL frees the lock when it gives the session up.
KEEPALIVE = (
    "tcp_keepalives_idle = 20",
    "tcp_keepalives_interval = 10",
    "tcp_keepalives_count = 3",
)
_ERRORS = (SQLAlchemyError, OSError, TimeoutError)


def lock_key(name: str) -> int:
    """The second lock key for `name`: a stable signed 32-bit number."""
    return int.from_bytes(zlib.crc32(name.encode()).to_bytes(4, "big"), "big", signed=True)


class LeaderLock:
    """The right to drain one channel. Use from one task: `hold()` in its loop, `release()` at
    the end.

    Args:
        storage: the database.
        name: what is led, e.g. the channel name.
        timeout: seconds a lock query may take before the connection counts as lost.
    """

    def __init__(self, storage: Storage, name: str, *, timeout: float = 5.0) -> None:
        self.storage, self.name, self.timeout = storage, name, timeout
        self.shared = storage.shared
        self._key = lock_key(name)
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        """Whether this process leads, as of the last `hold()`."""
        return not self.shared or self._conn is not None

    async def hold(self) -> bool:
        """Whether this process leads now: check the lock it holds, or try to take it.

        Never raises for database trouble: an unreachable database means "not leading"."""
        if not self.shared:
            return True
        if self._conn is not None:
            try:
                await asyncio.wait_for(self._conn.execute(text("SELECT 1")), self.timeout)
                return True
            except Exception as exc:  # noqa: BLE001 - whatever broke, the lock is gone
                log.warning("%s: lost the connection that holds the lock (%s)", self.name, exc)
                await self._drop()
                return False
        try:
            return await asyncio.wait_for(self._try_acquire(), self.timeout)
        except Exception as exc:  # noqa: BLE001 - not leading; asked again at the next poll
            log.debug("%s: cannot ask for the lock (%s)", self.name, exc)
            return False

    async def _try_acquire(self) -> bool:
        conn = await self.storage._engine.connect()
        try:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            granted = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:namespace, :key)"),
                {"namespace": NAMESPACE, "key": self._key},
            )
            if not granted:
                await conn.close()  # back to the pool: it holds nothing
                return False
            for setting in KEEPALIVE:
                await conn.execute(text(f"SET {setting}"))
            await conn.execute(text(f"LISTEN {NOTIFY_CHANNEL}"))
        except BaseException:
            # Whatever it holds goes with the connection.
            await _discard(conn)
            raise
        self._conn = conn
        return True

    async def release(self) -> None:
        """Give the lock up: once this returns, any other process that asks gets it.

        The lock is unlocked on its own connection before that connection is closed. Closing
        alone frees it only when the server has ended the session, which happens after the
        client has hung up (later still on a busy server), so another process asking right
        after this returned could still find it held. If the unlock fails (the connection is
        broken), the lock goes with the session, as when the process dies."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            unlocked = await asyncio.wait_for(
                conn.scalar(
                    text("SELECT pg_advisory_unlock(:namespace, :key)"),
                    {"namespace": NAMESPACE, "key": self._key},
                ),
                self.timeout,
            )
            if not unlocked:  # pragma: no cover - this connection took it and never unlocked
                log.warning("%s: the lock's connection did not hold it", self.name)
        except Exception as exc:  # noqa: BLE001 - the session's end frees it instead
            log.warning("%s: cannot unlock (%s); it is freed with the session", self.name, exc)
        finally:
            await _discard(conn)

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await _discard(conn)

    async def wait(self, wake: asyncio.Event, seconds: float) -> None:
        """Sleep until `wake` is set, another process `notify()`s this name, or `seconds`."""
        waits: list[asyncio.Future[Any]] = [asyncio.ensure_future(wake.wait())]
        if self._conn is not None:
            waits.append(asyncio.ensure_future(self._notified(self._conn)))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            for task in waits:
                try:
                    await task
                except asyncio.CancelledError:
                    pass
                except Exception as exc:  # noqa: BLE001 - the driver's own errors; hold() sees
                    log.debug("%s: stopped listening (%s)", self.name, exc)

    async def _notified(self, conn: AsyncConnection) -> None:
        raw = (await conn.get_raw_connection()).driver_connection
        if raw is None:  # pragma: no cover - only a closed connection has none
            return
        # Closed explicitly: the generator holds the connection's lock while it is open.
        async with contextlib.aclosing(raw.notifies()) as notices:
            async for notice in notices:
                if notice.payload == self.name:
                    return

    async def notify(self) -> None:
        """Tell the holder, in whichever process, that there is new work. Best effort."""
        if not self.shared or self._conn is not None:
            return  # SQLite, or this process leads and wakes itself
        try:
            async with self.storage._engine.connect() as conn:
                await conn.execute(
                    text("SELECT pg_notify(:channel, :name)"),
                    {"channel": NOTIFY_CHANNEL, "name": self.name},
                )
                await conn.commit()
        except _ERRORS as exc:
            log.debug("%s: notify failed (%s); the holder polls anyway", self.name, exc)


class Locks:
    """Who leads what (`Storage.locks`): one `LeaderLock` per name."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def leader(self, name: str, *, timeout: float = 5.0) -> LeaderLock:
        """The lock that names one leader for `name` (a channel, a job) across processes."""
        return LeaderLock(self._storage, name, timeout=timeout)

    async def notify(self, name: str) -> None:
        """Wake whichever process leads `name` (best effort; nothing on SQLite)."""
        await LeaderLock(self._storage, name).notify()


async def _discard(conn: AsyncConnection) -> None:
    """Close a connection for good (never back to the pool): its session, locks and LISTENs
    end with it."""
    with contextlib.suppress(*_ERRORS):
        await conn.invalidate()
    with contextlib.suppress(*_ERRORS):
        await conn.close()


__all__ = ["NAMESPACE", "NOTIFY_CHANNEL", "LeaderLock", "Locks", "lock_key"]
