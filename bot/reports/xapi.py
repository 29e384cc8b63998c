"""The optional xAPI sink: completion statements to a learning record store (LRS) at
`HOCVUSO_XAPI_URL` (docs/reporting-api.md, "xAPI").

Every minute `XapiJob` reads the completions since its last run (with an overlap, so an event
committed late is not missed) and queues one statement each in the outbox (pseudo-channel
`xapi`); `XapiDelivery` POSTs the due ones in batches to `<endpoint>/statements`. A statement's
id is a UUID derived from the completion event (and the deployment's address), so a retry, an
overlap or a restart sends the same id and the LRS keeps one statement. The actor is the
learner's pseudonymous public id on this deployment: no name, no phone.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from bot.reports.push import RETRY_SCHEDULE, RetrySchedule
from storage import CompletionRecord, OutboxItem, Storage, StorageError, XapiFeed

log = logging.getLogger(__name__)

XAPI_CHANNEL = "xapi"
XAPI_VERSION = "1.0.3"
JOB = "xapi"
LOOKBACK = timedelta(days=7)  # at start-up: what a stopped bot may have missed
OVERLAP = timedelta(minutes=10)  # re-read behind the last run: late commits are not missed
BATCH = 50  # statements per POST
PAGE = 1000  # completions read at a time
VERBS = {
    "lesson_completed": ("completed", "http://adlnet.gov/expapi/activities/lesson"),
    "quiz_passed": ("passed", "http://adlnet.gov/expapi/activities/assessment"),
    "module_completed": ("completed", "http://adlnet.gov/expapi/activities/module"),
    "course_completed": ("completed", "http://adlnet.gov/expapi/activities/course"),
}
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"


def statement_id(public_url: str, event_id: int) -> str:
    """The statement's id: the same completion on the same deployment, the same UUID."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{public_url}/xapi/completion/{event_id}"))


def statement(record: CompletionRecord, public_url: str) -> dict[str, Any]:
    """The xAPI statement of one completion."""
    verb, activity_type = VERBS[record.kind]
    thing = record.kind.split("_")[0]
    code = {"course": "course", "module": record.module_id}.get(thing, record.lesson_id)
    result: dict[str, Any] = {"completion": True}
    if record.kind == "quiz_passed":
        result["success"] = True
        if record.score is not None and record.max_score:
            result["score"] = {
                "raw": record.score,
                "min": 0,
                "max": record.max_score,
                "scaled": round(record.score / record.max_score, 4),
            }
    return {
        "id": statement_id(public_url, record.id),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": public_url, "name": record.learner_public_id},
        },
        "verb": {"id": ADL_VERBS + verb, "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": f"{public_url}/xapi/activities/{thing}/{code}",
            "definition": {"type": activity_type},
        },
        "result": result,
        "context": {
            "platform": "hocvuso",
            "extensions": {f"{public_url}/xapi/content-version": record.content_version},
        },
        "timestamp": record.occurred_at.isoformat().replace("+00:00", "Z"),
    }


class XapiJob:
    """Queues the statements of new completions (every minute, one leading process)."""

    def __init__(self, storage: Storage, public_url: str, *, clock: Callable[[], datetime]):
        self.storage, self.public_url, self.clock = storage, public_url, clock
        self.feed = XapiFeed(storage)
        self._since: datetime | None = None

    async def run(self) -> int:
        """Queue what completed since the last run; returns how many statements are new."""
        now = self.clock()
        since = self._since if self._since is not None else now - LOOKBACK
        new = 0
        while True:
            records = await self.feed.completions(since, limit=PAGE)
            rows = [
                (r.learner_id, f"xapi:{r.id}", {"statement": statement(r, self.public_url)})
                for r in records
            ]
            new += await self.feed.queue(now, XAPI_CHANNEL, rows)
            if len(records) < PAGE or records[-1].occurred_at <= since:
                break
            since = records[-1].occurred_at
        self._since = now - OVERLAP
        if new:
            log.info("xapi: %d statement(s) queued", new)
        return new


class XapiDelivery:
    """POSTs the queued statements to the LRS in batches."""

    def __init__(
        self,
        storage: Storage,
        endpoint: str,
        username: str,
        password: str,
        *,
        clock: Callable[[], datetime],
        timeout: float = 30.0,
        schedule: RetrySchedule = RETRY_SCHEDULE,
    ) -> None:
        self.storage, self.clock, self.schedule = storage, clock, schedule
        self.url = endpoint.rstrip("/") + "/statements"
        pair = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._headers = {
            "Authorization": f"Basic {pair}",
            "X-Experience-API-Version": XAPI_VERSION,
            "Content-Type": "application/json",
        }
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._running = asyncio.Lock()

    async def deliver_due(self) -> Counter[str]:
        """POST every due statement, a batch at a time; returns the rows' outcomes."""
        outcomes: Counter[str] = Counter()
        if self._running.locked():
            return outcomes
        async with self._running:
            while True:
                items = await self.storage.outbox.claim(
                    XAPI_CHANNEL, self.clock(), limit=BATCH, lease=timedelta(minutes=5)
                )
                if not items:
                    break
                outcome = await self._batch(items)
                outcomes[outcome] += len(items)
                if outcome != "sent" or len(items) < BATCH:
                    break
        return outcomes

    async def close(self) -> None:
        """Close the HTTP session (at shutdown)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _batch(self, items: list[OutboxItem]) -> str:
        body = json.dumps([item.payload.get("statement") for item in items]).encode("utf-8")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.post(
                self.url, data=body, headers=self._headers, timeout=self._timeout
            ) as answer:
                status, text = answer.status, await answer.text(errors="replace")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return await self._mark(items, "retry", f"no answer from {self.url}: {exc!r}")
        # 409: the LRS has these ids already (a retry after a lost answer).
        if 200 <= status < 300 or status == 409:
            return await self._mark(items, "sent", "")
        error = f"the LRS answered {status}: {' '.join(text.split())[:500]}"
        if status >= 500 or status in (408, 429):
            return await self._mark(items, "retry", error)
        return await self._mark(items, "dead", error)

    async def _mark(self, items: list[OutboxItem], outcome: str, error: str) -> str:
        outbox, now = self.storage.outbox, self.clock()
        try:
            for item in items:
                wait = self.schedule.delay(item.attempts + 1) if outcome == "retry" else None
                if outcome == "sent":
                    await outbox.mark_sent(item.id, now)
                elif wait is None:
                    await outbox.mark_dead(item.id, now, error)
                else:
                    await outbox.retry_later(item.id, now, timedelta(seconds=wait), error)
        except StorageError as exc:
            log.warning("xapi: statements not marked (%s); sent again after the lease", exc)
        if outcome != "sent":
            log.warning("xapi: %d statement(s) not delivered: %s", len(items), error)
        return outcome


__all__ = [
    "JOB",
    "XAPI_CHANNEL",
    "XapiDelivery",
    "XapiJob",
    "statement",
    "statement_id",
]
