"""The delivery of queued snapshots: claim the due `report` outbox rows, POST each to
HOCVUSO_REPORT_URL, mark what became of it.

Run every few seconds by the scheduler (job `outbox:report`, one leading process). What the
receiver's answer means:

    2xx, 409          delivered (409: it had the key already, e.g. from a try whose answer
                      was lost): `sent`
    401 (oauth2)      the token is fetched again and the POST repeated once
    408, 429, 5xx     the receiver is busy or down: tried again later (`RETRY_SCHEDULE`:
    timeout,          10 s, 30 s, 1 min, 5 min, then hourly; a try failing a day after the
    no connection     first is the last, and the row is `dead`)
    other 4xx         refused for good (a wrong secret, a wrong address, a rejected body):
                      `dead` at once, the answer's first 500 characters in the row's error;
                      after fixing the cause, `hocvuso report replay ID` sends it again
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import aiohttp

from bot.reports.auth import ERROR_TEXT, Authenticator, TokenError, authenticator
from bot.reports.push import REPORT_CHANNEL, RETRY_SCHEDULE, RetrySchedule
from bot.reports.push_config import PushConfig
from storage import OutboxItem, Storage, StorageError

log = logging.getLogger(__name__)

KEY_HEADER = "Idempotency-Key"
DELIVERED = frozenset({409})  # besides 2xx
RETRIED = frozenset({408, 429})  # besides 5xx
CHUNK = 20  # rows claimed at a time; snapshots come one a day, a backlog is small


class SnapshotDelivery:
    """POSTs the queued snapshots.

    Args:
        storage: the database (the outbox).
        config: the receiver's address, auth and timeout.
        clock: the current time (UTC).
        auth: how to authenticate (default: what `config` says).
        schedule: when to try again.
    """

    def __init__(
        self,
        storage: Storage,
        config: PushConfig,
        *,
        clock: Callable[[], datetime],
        auth: Authenticator | None = None,
        schedule: RetrySchedule = RETRY_SCHEDULE,
    ) -> None:
        self.storage, self.config, self.clock, self.schedule = storage, config, clock, schedule
        self.auth = auth if auth is not None else authenticator(config)
        # Long enough for a POST and a token fetch to time out, so no second drainer takes a
        # row that is still on its way.
        self.lease = timedelta(seconds=max(120.0, 4 * config.timeout))
        self._session: aiohttp.ClientSession | None = None
        self._running = asyncio.Lock()

    async def deliver_due(self) -> Counter[str]:
        """Try every due snapshot once, oldest first; returns the outcomes ("sent", "retry",
        "dead"). A delivery already running in this process makes this one return at once.

        Raises:
            StorageError: the outbox could not be read (the next run tries again).
        """
        outcomes: Counter[str] = Counter()
        if self._running.locked():
            return outcomes
        async with self._running:
            items = await self.storage.outbox.claim(
                REPORT_CHANNEL, self.clock(), limit=CHUNK, lease=self.lease
            )
            for item in items:
                try:
                    outcomes[await self._one(item)] += 1
                except StorageError as exc:
                    # Left claimed: after the lease the next run sends it again (a receiver
                    # that got it answers 409).
                    log.warning("report snapshot %d: not marked (%s)", item.id, exc)
        return outcomes

    async def close(self) -> None:
        """Close the HTTP session (at shutdown)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _one(self, item: OutboxItem) -> str:
        key, body = item.payload.get("key"), item.payload.get("body")
        if not isinstance(key, str) or not isinstance(body, dict):
            await self.storage.outbox.mark_dead(item.id, self.clock(), "the row holds no snapshot")
            return "dead"
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            status, text = await self._post(raw, key)
            if status == 401 and self.auth.rejected():
                status, text = await self._post(raw, key)
        except TokenError as exc:
            if exc.permanent:
                return await self._dead(item, str(exc))
            return await self._retry(item, str(exc))
        except (aiohttp.ClientError, TimeoutError) as exc:
            return await self._retry(item, f"no answer from {self.config.url}: {exc!r}")
        if 200 <= status < 300 or status in DELIVERED:
            await self.storage.outbox.mark_sent(item.id, self.clock())
            log.info("report snapshot %d delivered (%d, key %s)", item.id, status, key)
            return "sent"
        answer = f"the receiver answered {status}: {' '.join(text.split())[:ERROR_TEXT]}"
        if status >= 500 or status in RETRIED:
            return await self._retry(item, answer)
        return await self._dead(item, answer)

    async def _post(self, raw: bytes, key: str) -> tuple[int, str]:
        session = self._session
        if session is None or session.closed:
            session = self._session = aiohttp.ClientSession()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            KEY_HEADER: key,
            **await self.auth.headers(session, raw, self.clock()),
        }
        async with session.post(
            self.config.url,
            data=raw,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=self.config.timeout),
        ) as answer:
            return answer.status, await answer.text(errors="replace")

    async def _retry(self, item: OutboxItem, error: str) -> str:
        tries = item.attempts + 1
        wait = self.schedule.delay(tries)
        if wait is None:
            return await self._dead(item, f"gave up after {tries} tries over a day: {error}")
        log.warning(
            "report snapshot %d: try %d failed (%s); again in %.0f s", item.id, tries, error, wait
        )
        await self.storage.outbox.retry_later(
            item.id, self.clock(), timedelta(seconds=wait), error
        )
        return "retry"

    async def _dead(self, item: OutboxItem, error: str) -> str:
        log.error(
            "report snapshot %d dead-lettered: %s; fix the cause, then `hocvuso report replay %d`",
            item.id,
            error,
            item.id,
        )
        await self.storage.outbox.mark_dead(item.id, self.clock(), error)
        return "dead"


__all__ = ["KEY_HEADER", "SnapshotDelivery"]
