"""The storage front door: `Storage` and its repositories.

    Storage.open(url)
    ├── turns       learners' turns: lock, de-duplicate, load, save (storage/turns.py)
    ├── inbox       raw platform events stored before acknowledging (storage/inbox.py)
    ├── outbox      messages the bot sends: replies, announcements, reminders (storage/outbox.py)
    ├── identities  who a learner is on a channel, and whether they can be reached
    ├── tokens      rotating platform credentials (storage/tokens.py)
    ├── locks       which process leads a job or a channel (storage/leader.py)
    ├── links       link codes: redeeming one merges two apps' learners (storage/links.py)
    ├── reminders   who may be due a reminder; each fire recorded once (storage/reminders.py)
    ├── retention   deleting what is no longer needed (storage/maintenance.py)
    ├── certificates  issued certificates, read by their code (storage/certificates.py)
    ├── ambassadors   ambassador codes (hashed), ambassadors, invites, enrollments
    │                 (storage/ambassadors.py)
    ├── officials   commune/province officials and admins, their /canbo codes
    ├── secrets     officials' login links, dashboard sessions, API tokens (hashed)
    ├── reports     rollups of the completion log; summaries; reconcile (storage/reports.py)
    ├── roster      an ambassador's villagers, nudges, confirmed skills, weekly summaries
                    (storage/roster.py)
    ├── assisted    villagers learning on an ambassador's phone (storage/assisted.py)
    ├── targets     population and target share per commune, group and year (storage/targets.py)
    └── contests    contests, one attempt per learner, results at the close (storage/contests.py)

Nothing outside `storage/` sees an engine, a connection or a table: callers get plain records
back, hand `UnitOfWork` objects back in, and catch `StorageError` (mapped once, in
`storage/errors.py`, for reads and writes alike).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.state import LearnerState
from storage.db import create_engine_for
from storage.errors import mapped
from storage.tables import (
    active_t,
    ambassador_code_t,
    ambassador_t,
    answer_t,
    assisted_t,
    certificate_t,
    completion_t,
    contest_attempt_t,
    contest_t,
    enrollment_t,
    family_certificate_t,
    family_member_t,
    family_t,
    fire_t,
    identity_t,
    inbox_t,
    learner_t,
    link_t,
    official_code_t,
    official_secret_t,
    official_t,
    outbox_t,
    processed_t,
    progress_t,
    rollup_t,
    skill_t,
    tally_t,
)


class UnitOfWork:
    """One transaction, handed to repository methods that take part in it.

    Obtain it from `Storage.unit_of_work()`; its connection is for `storage/` modules only.
    """

    def __init__(self, conn: AsyncConnection, now: datetime) -> None:
        self._conn = conn
        self.now = now

    @property
    def connection(self) -> AsyncConnection:
        """The transaction's connection (storage modules only)."""
        return self._conn

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self._conn.dialect.name


class Storage:
    """The database behind the bot. Create with `Storage.open(url)`; close with `close()`."""

    def __init__(self, engine: AsyncEngine) -> None:
        # Imported here: each repository module imports this one for `Storage`/`UnitOfWork`.
        from storage.ambassadors import Ambassadors
        from storage.assisted import Assisted
        from storage.certificates import Certificates
        from storage.contests import Contests
        from storage.families import Families
        from storage.identities import Identities
        from storage.inbox import Inbox
        from storage.leader import Locks
        from storage.links import Links
        from storage.maintenance import RetentionRepository
        from storage.officials import Officials
        from storage.outbox import Outbox
        from storage.reminders import Reminders
        from storage.reports import Reports
        from storage.roster import Rosters
        from storage.secrets import Secrets
        from storage.targets import Targets
        from storage.tokens import Tokens
        from storage.turns import Turns

        self._engine = engine
        self.turns = Turns(self)
        self.inbox = Inbox(self)
        self.outbox = Outbox(self)
        self.identities = Identities(self)
        self.tokens = Tokens(self)
        self.locks = Locks(self)
        self.reminders = Reminders(self)
        self.retention = RetentionRepository(self)
        self.certificates = Certificates(self)
        self.links = Links(self)
        self.ambassadors = Ambassadors(self)
        self.roster = Rosters(self)
        self.assisted = Assisted(self)
        self.targets = Targets(self)
        self.officials = Officials(self)
        self.secrets = Secrets(self)
        self.reports = Reports(self)
        self.families = Families(self)
        self.contests = Contests(self)

    @classmethod
    def open(cls, url: str) -> Storage:
        """Connect lazily to the database at `url` (sqlite:/// or postgresql+psycopg://)."""
        return cls(create_engine_for(url))

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self._engine.dialect.name

    @property
    def shared(self) -> bool:
        """Whether several processes may share this database (PostgreSQL)."""
        return self.dialect == "postgresql"

    async def close(self) -> None:
        """Release every pooled connection."""
        await self._engine.dispose()

    @asynccontextmanager
    async def unit_of_work(self, now: datetime) -> AsyncIterator[UnitOfWork]:
        """A transaction; committed when the block ends, rolled back on an exception.

        Raises:
            StorageError: the database is unreachable or refused the transaction.
        """
        with mapped():
            async with self._engine.begin() as conn:
                yield UnitOfWork(conn, now)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (storage modules only), errors mapped.

        Raises:
            StorageError: the database is unreachable or refused the query.
        """
        with mapped():
            async with self._engine.connect() as conn:
                yield conn

    @asynccontextmanager
    async def reading_in(self, uow: UnitOfWork | None) -> AsyncIterator[AsyncConnection]:
        """`uow`'s connection when a transaction is open (a chat turn's: on SQLite a second
        connection would wait for it), else a connection for reads."""
        if uow is not None:
            yield uow.connection
            return
        async with self.reading() as conn:
            yield conn

    async def ping(self) -> bool:
        """Whether the database answers."""
        try:
            async with self.reading() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False
        return True

    # -- read side, for tests, the CLI and later the dashboard ---------------------------------

    async def learner_state(self, channel: str, external_id: str) -> LearnerState | None:
        """The stored state of the learner behind a channel identity, if any."""
        async with self.reading() as conn:
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
        async with self.reading() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [dict(row) for row in rows]

    async def rows(self, table: str, **where: Any) -> Sequence[dict[str, Any]]:
        """Rows of one table matching simple equality filters (for tests and the CLI)."""
        tables = {
            t.name: t
            for t in (
                learner_t,
                identity_t,
                processed_t,
                progress_t,
                answer_t,
                completion_t,
                inbox_t,
                outbox_t,
                fire_t,
                certificate_t,
                link_t,
                ambassador_code_t,
                ambassador_t,
                assisted_t,
                enrollment_t,
                skill_t,
                official_t,
                official_code_t,
                tally_t,
                rollup_t,
                active_t,
                official_secret_t,
                family_t,
                family_member_t,
                family_certificate_t,
                contest_t,
                contest_attempt_t,
            )
        }
        chosen = tables[table]
        query = select(chosen).where(*(chosen.c[key] == value for key, value in where.items()))
        async with self.reading() as conn:
            return [
                dict(row)
                for row in (
                    await conn.execute(query.order_by(*chosen.primary_key.columns))
                ).mappings()
            ]


def dumps_replies(replies: Sequence[dict[str, Any]]) -> str:
    """JSON for `ProcessedMessage.response`."""
    return json.dumps(list(replies), ensure_ascii=False)


__all__ = ["Storage", "UnitOfWork", "dumps_replies"]
