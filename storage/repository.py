"""The repository API: everything the bot stores goes through `Storage` and its unit of work.

One inbound message is one unit of work: claim its de-duplication key, load (or create) and lock
the learner, apply the core's outcome. All of it commits together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.events import (
    LessonCompleted,
    LessonStarted,
    QuizFinished,
)
from bot.core.state import LearnerState
from bot.errors import StorageError
from storage.db import create_engine_for, insert_ignore
from storage.tables import (
    ChannelIdentity,
    CompletionEvent,
    Learner,
    LessonProgress,
    OutboxMessage,
    ProcessedMessage,
    QuizAnswer,
)

learner_t: Table = Learner.__table__  # type: ignore[attr-defined]
identity_t: Table = ChannelIdentity.__table__  # type: ignore[attr-defined]
processed_t: Table = ProcessedMessage.__table__  # type: ignore[attr-defined]
progress_t: Table = LessonProgress.__table__  # type: ignore[attr-defined]
answer_t: Table = QuizAnswer.__table__  # type: ignore[attr-defined]
completion_t: Table = CompletionEvent.__table__  # type: ignore[attr-defined]
outbox_t: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LearnerRecord:
    """A learner as the service sees it."""

    id: int
    public_id: str
    state: LearnerState
    created: bool


@dataclass(frozen=True)
class Duplicate:
    """The message key was seen before; `response` is what was answered then (JSON), if kept."""

    response: str | None


class UnitOfWork:
    """One transaction. Obtain it from `Storage.unit_of_work()`."""

    def __init__(self, conn: AsyncConnection, now: datetime) -> None:
        self.conn = conn
        self.now = now

    async def record_progress(
        self,
        learner_id: int,
        event: LessonStarted | LessonCompleted | QuizFinished,
        *,
        channel: str,
        content_version: str,
        module_of: dict[str, str],
    ) -> None:
        """Update lesson progress and append completion events for one lesson event."""
        if isinstance(event, LessonStarted):
            await self._progress(learner_id, event.lesson_id, started=True)
        elif isinstance(event, LessonCompleted):
            await self._progress(learner_id, event.lesson_id, status="read", read=True)
            await self._completion(
                learner_id,
                "lesson_completed",
                event.lesson_id,
                module_of,
                channel,
                content_version,
            )
        else:
            await self._finish_quiz(learner_id, event)
            await self._completion(
                learner_id,
                "quiz_passed" if event.passed else "quiz_failed",
                event.lesson_id,
                module_of,
                channel,
                content_version,
                attempt=event.attempt,
                score=event.points,
                max_score=event.max_points,
            )

    async def _progress(
        self,
        learner_id: int,
        lesson_id: str,
        *,
        started: bool = False,
        status: str | None = None,
        read: bool = False,
    ) -> None:
        await self.conn.execute(
            insert_ignore(self.conn.dialect.name, progress_t).values(
                learner_id=learner_id,
                lesson_id=lesson_id,
                status="started",
                attempts=0,
                started_at=self.now,
                updated_at=self.now,
            )
        )
        changes: dict[str, Any] = {"updated_at": self.now}
        if read:
            changes["read_at"] = func.coalesce(progress_t.c.read_at, self.now)
        if status == "read":
            # Reading again never downgrades a lesson that was already passed or failed.
            await self.conn.execute(
                update(progress_t)
                .where(
                    progress_t.c.learner_id == learner_id,
                    progress_t.c.lesson_id == lesson_id,
                    progress_t.c.status == "started",
                )
                .values(status="read")
            )
        if started or read:
            await self.conn.execute(
                update(progress_t)
                .where(progress_t.c.learner_id == learner_id, progress_t.c.lesson_id == lesson_id)
                .values(**changes)
            )

    async def _finish_quiz(self, learner_id: int, event: QuizFinished) -> None:
        await self._progress(learner_id, event.lesson_id)
        where = and_(
            progress_t.c.learner_id == learner_id, progress_t.c.lesson_id == event.lesson_id
        )
        row = (await self.conn.execute(select(progress_t).where(where))).one()
        ratio = event.points / event.max_points if event.max_points else 0.0
        passed = row.status == "passed" or event.passed
        await self.conn.execute(
            update(progress_t)
            .where(where)
            .values(
                status="passed" if passed else "failed",
                attempts=max(row.attempts, event.attempt),
                best_score=max(row.best_score or 0.0, ratio),
                passed_at=row.passed_at or (self.now if event.passed else None),
                updated_at=self.now,
            )
        )

    async def _completion(
        self,
        learner_id: int,
        kind: str,
        lesson_id: str,
        module_of: dict[str, str],
        channel: str,
        content_version: str,
        **extra: Any,
    ) -> None:
        await self.conn.execute(
            insert(completion_t).values(
                learner_id=learner_id,
                kind=kind,
                lesson_id=lesson_id,
                module_id=module_of.get(lesson_id, lesson_id[:1]),
                channel=channel,
                content_version=content_version,
                occurred_at=self.now,
                **extra,
            )
        )

    async def erase_learner(self, learner_id: int) -> None:
        """Delete a learner's personal data; completion events stay, no longer linked."""
        await self.conn.execute(
            update(completion_t)
            .where(completion_t.c.learner_id == learner_id)
            .values(learner_id=None)
        )
        for table in (answer_t, progress_t, identity_t, outbox_t):
            await self.conn.execute(delete(table).where(table.c.learner_id == learner_id))
        await self.conn.execute(delete(learner_t).where(learner_t.c.id == learner_id))


class Storage:
    """The database behind the bot. Create with `Storage.open(url)`; close with `close()`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Storage:
        """Connect lazily to the database at `url` (sqlite:/// or postgresql+psycopg://)."""
        return cls(create_engine_for(url))

    async def close(self) -> None:
        """Release every pooled connection."""
        await self.engine.dispose()

    @asynccontextmanager
    async def unit_of_work(self, now: datetime) -> AsyncIterator[UnitOfWork]:
        """A transaction; committed when the block ends, rolled back on an exception.

        Raises:
            StorageError: the database is unreachable or refused the transaction.
        """
        try:
            async with self.engine.begin() as conn:
                yield UnitOfWork(conn, now)
        except (OperationalError, InterfaceError, OSError) as exc:
            raise StorageError(f"the database is unreachable: {exc}", transient=True) from exc
        except DBAPIError as exc:
            raise StorageError(f"the database refused the operation: {exc}") from exc

    async def ping(self) -> bool:
        """Whether the database answers."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError, OSError):
            return False
        return True

    # -- read side, for tests, the CLI and later the dashboard ---------------------------------

    async def learner_state(self, channel: str, external_id: str) -> LearnerState | None:
        """The stored state of the learner behind a channel identity, if any."""
        async with self.engine.connect() as conn:
            raw = await conn.scalar(
                select(learner_t.c.state)
                .join(identity_t, identity_t.c.learner_id == learner_t.c.id)
                .where(identity_t.c.channel == channel, identity_t.c.external_id == external_id)
            )
        return None if raw is None else LearnerState.from_json(raw)

    async def completion_events(
        self, learner_public_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Completion events, oldest first, optionally for one learner."""
        query = select(completion_t).order_by(completion_t.c.id)
        if learner_public_id is not None:
            query = query.join(learner_t, learner_t.c.id == completion_t.c.learner_id).where(
                learner_t.c.public_id == learner_public_id
            )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [dict(row) for row in rows]

    async def rows(self, table: str, **where: Any) -> Sequence[dict[str, Any]]:
        """Rows of one table matching simple equality filters (for tests and the CLI)."""
        tables = {
            t.name: t
            for t in (learner_t, identity_t, processed_t, progress_t, answer_t, completion_t)
        }
        chosen = tables[table]
        query = select(chosen).where(*(chosen.c[key] == value for key, value in where.items()))
        async with self.engine.connect() as conn:
            return [
                dict(row) for row in (await conn.execute(query.order_by(chosen.c.id))).mappings()
            ]


def dumps_replies(replies: Sequence[dict[str, Any]]) -> str:
    """JSON for `ProcessedMessage.response`."""
    return json.dumps(list(replies), ensure_ascii=False)
