"""Completions for the optional xAPI sink (`bot/reports/xapi.py`): the completion events of
learners who are still known (an erased learner's events have no learner and are never sent),
and the queueing of their statements in the outbox in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.db import as_utc, insert_ignore
from storage.outbox import outbox_row
from storage.repository import Storage
from storage.tables import completion_t, learner_t, outbox_t

# The kinds a statement is made of: finishing something (a failed quiz is not a completion).
COMPLETION_KINDS = ("lesson_completed", "quiz_passed", "module_completed", "course_completed")


@dataclass(frozen=True)
class CompletionRecord:
    """One completion event and the pseudonymous learner behind it."""

    id: int
    learner_id: int
    learner_public_id: str
    kind: str
    lesson_id: str
    module_id: str
    score: float | None
    max_score: int | None
    content_version: str
    occurred_at: datetime


class XapiFeed:
    """Reads completions and queues statements (`XapiFeed(storage)`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def completions(self, since: datetime, *, limit: int = 1000) -> list[CompletionRecord]:
        """Completion events at or after `since`, oldest first, of learners not erased."""
        query = (
            select(completion_t, learner_t.c.public_id)
            .join(learner_t, learner_t.c.id == completion_t.c.learner_id)
            .where(
                completion_t.c.occurred_at >= since,
                completion_t.c.kind.in_(COMPLETION_KINDS),
            )
            .order_by(completion_t.c.occurred_at, completion_t.c.id)
            .limit(limit)
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            CompletionRecord(
                row["id"],
                row["learner_id"],
                row["public_id"],
                row["kind"],
                row["lesson_id"],
                row["module_id"],
                row["score"],
                row["max_score"],
                row["content_version"],
                as_utc(row["occurred_at"]),
            )
            for row in rows
        ]

    async def queue(
        self, now: datetime, channel: str, statements: list[tuple[int, str, dict[str, Any]]]
    ) -> int:
        """Queue (learner id, dedupe key, payload) rows of `channel` in one transaction; a
        key queued before is skipped. Returns how many were new."""
        if not statements:
            return 0
        rows = [
            outbox_row(
                channel=channel,
                recipient="lrs",
                payload=payload,
                now=now,
                learner_id=learner,
                kind="statement",
                dedupe_key=key,
                not_before=None,
            )
            for learner, key, payload in statements
        ]
        async with self._storage.unit_of_work(now) as uow:
            result = await uow.connection.execute(
                insert_ignore(uow.dialect, outbox_t).returning(outbox_t.c.id), rows
            )
            return len(result.all())


__all__ = ["COMPLETION_KINDS", "CompletionRecord", "XapiFeed"]
