"""The repository API: everything the bot stores goes through `Storage` and its unit of work.

One inbound message is one unit of work: claim its de-duplication key, load (or create) and lock
the learner, apply the core's outcome. All of it commits together or not at all.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.engine import Outcome
from bot.core.events import (
    ConsentChanged,
    DataErased,
    LessonCompleted,
    LessonStarted,
    LocaleChanged,
    QuestionAnswered,
    QuizFinished,
)
from bot.core.state import LearnerState
from bot.errors import StorageError
from storage.db import create_engine_for
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


_FRESH = timedelta(minutes=1)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns; they are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


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
        self._dialect = conn.dialect.name

    def _insert_ignore(self, table: Table) -> Any:
        if self._dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        if self._dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        raise StorageError(f"unsupported database dialect {self._dialect}")

    async def claim_message(self, channel: str, message_key: str) -> Duplicate | None:
        """Record that this message is being processed; a Duplicate if it already was."""
        claimed = await self.conn.scalar(
            self._insert_ignore(processed_t)
            .values(channel=channel, message_key=message_key[:128], processed_at=self.now)
            .returning(processed_t.c.id)
        )
        if claimed is not None:
            return None
        response = await self.conn.scalar(
            select(processed_t.c.response).where(
                processed_t.c.channel == channel, processed_t.c.message_key == message_key[:128]
            )
        )
        return Duplicate(response)

    async def remember_response(self, channel: str, message_key: str, response: str) -> None:
        """Keep the replies of a processed message, so a retried request gets the same answer."""
        await self.conn.execute(
            update(processed_t)
            .where(
                processed_t.c.channel == channel, processed_t.c.message_key == message_key[:128]
            )
            .values(response=response)
        )

    async def _lock_identity(self, channel: str, external_id: str) -> None:
        if self._dialect == "postgresql":
            digest = hashlib.blake2b(f"{channel}\0{external_id}".encode(), digest_size=8).digest()
            key = int.from_bytes(digest, "big", signed=True)
            await self.conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    async def learner_for(self, channel: str, external_id: str) -> LearnerRecord:
        """The learner behind a channel identity, created on first contact, locked until commit.

        Two workers handling the same person serialise here (an advisory lock on PostgreSQL;
        SQLite's IMMEDIATE transactions serialise all writers anyway).
        """
        await self._lock_identity(channel, external_id)
        row = (
            await self.conn.execute(
                select(
                    learner_t.c.id,
                    learner_t.c.public_id,
                    learner_t.c.state,
                    identity_t.c.id.label("identity_id"),
                    identity_t.c.unreachable_since,
                    identity_t.c.last_inbound_at,
                )
                .join(identity_t, identity_t.c.learner_id == learner_t.c.id)
                .where(identity_t.c.channel == channel, identity_t.c.external_id == external_id)
            )
        ).first()
        if row is not None:
            # Any message from the learner makes them reachable again on this channel. The
            # last-inbound time feeds reply windows measured in days: a minute's precision
            # spares a write on most messages.
            last = _aware(row.last_inbound_at)
            if row.unreachable_since is not None or last is None or self.now - last > _FRESH:
                await self.conn.execute(
                    update(identity_t)
                    .where(identity_t.c.id == row.identity_id)
                    .values(
                        last_inbound_at=self.now, unreachable_since=None, unreachable_reason=None
                    )
                )
            return LearnerRecord(row.id, row.public_id, LearnerState.from_json(row.state), False)
        public_id = secrets.token_hex(8)
        learner_id = await self.conn.scalar(
            insert(learner_t)
            .values(
                public_id=public_id,
                state="{}",
                created_at=self.now,
                updated_at=self.now,
                last_seen_at=self.now,
            )
            .returning(learner_t.c.id)
        )
        assert learner_id is not None
        await self.conn.execute(
            insert(identity_t).values(
                channel=channel,
                external_id=external_id,
                learner_id=learner_id,
                created_at=self.now,
                last_inbound_at=self.now,
            )
        )
        return LearnerRecord(learner_id, public_id, LearnerState(), True)

    async def apply(
        self,
        learner: LearnerRecord,
        outcome: Outcome,
        *,
        channel: str,
        content_version: str,
        module_of: dict[str, str],
    ) -> None:
        """Write the core's outcome: state, progress, every answer, completion events."""
        if any(isinstance(event, DataErased) for event in outcome.events):
            await self.erase_learner(learner.id)
            return
        values: dict[str, Any] = {
            "state": outcome.state.to_json(),
            "locale": outcome.state.locale,
            "updated_at": self.now,
            "last_seen_at": self.now,
        }
        for event in outcome.events:
            if isinstance(event, ConsentChanged):
                values["consent_version"] = event.version if event.given else None
                values["consent_at"] = self.now if event.given else None
            elif isinstance(event, LocaleChanged):
                values["locale"] = event.locale
            elif isinstance(event, LessonStarted):
                await self._progress(learner.id, event.lesson_id, started=True)
            elif isinstance(event, LessonCompleted):
                await self._progress(learner.id, event.lesson_id, status="read", read=True)
                await self._completion(
                    learner.id,
                    "lesson_completed",
                    event.lesson_id,
                    module_of,
                    channel,
                    content_version,
                )
            elif isinstance(event, QuestionAnswered):
                await self.conn.execute(
                    insert(answer_t).values(
                        learner_id=learner.id,
                        lesson_id=event.lesson_id,
                        attempt=event.attempt,
                        question_id=event.question_id,
                        answer=event.answer[:200],
                        correct=event.correct,
                        points=event.points,
                        content_version=content_version,
                        answered_at=self.now,
                    )
                )
            elif isinstance(event, QuizFinished):
                await self._finish_quiz(learner.id, event)
                await self._completion(
                    learner.id,
                    "quiz_passed" if event.passed else "quiz_failed",
                    event.lesson_id,
                    module_of,
                    channel,
                    content_version,
                    attempt=event.attempt,
                    score=event.points,
                    max_score=event.max_points,
                )
        await self.conn.execute(
            update(learner_t).where(learner_t.c.id == learner.id).values(**values)
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
            self._insert_ignore(progress_t).values(
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
        except (OperationalError, DBAPIError, OSError) as exc:
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
