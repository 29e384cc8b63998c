"""Contests (`Storage.contests`, decision 41): what officials set up, each learner's one attempt,
and the results written once at the close.

    create()          a contest, its questions stored whole (JSON)
    get(), listed()   contests, newest first
    open_for()        the contest open now for a learner's commune, province and group
    attempt()         a learner's attempt at a contest (None: not played)
    attempts()        every attempt at a contest (standings are computed from these)
    due()             closed contests whose results are not written yet
    close()           ranks and each player's result message, in one transaction, once
    by_certificate()  a finished attempt, by its participation code

An attempt is written from the turn's events (`record_contest_event`, called by
`storage/turns.py`): a started attempt inserts the (contest, learner) row, which the unique
constraint allows once; each answer updates that row only, so players never wait on each
other (no shared counter, no table lock).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update

from bot.core.events import ContestAnswered, ContestFinished, ContestStarted
from storage.db import as_utc, insert_ignore
from storage.outbox import outbox_row, reachable_identities
from storage.repository import Storage, UnitOfWork
from storage.tables import contest_attempt_t, contest_t, learner_t, outbox_t


@dataclass(frozen=True)
class ContestRecord:
    """A contest as stored. `questions` are quiz questions as JSON dictionaries."""

    id: int
    title: str
    opens_at: datetime
    closes_at: datetime
    province: str | None
    commune: str | None
    group: str | None
    seconds: int
    questions: tuple[dict[str, Any], ...]
    source: str
    created_by: str
    created_at: datetime
    results_at: datetime | None


@dataclass(frozen=True)
class AttemptRecord:
    """One learner's attempt (`learner_id` None once they erased their data)."""

    id: int
    contest_id: int
    learner_id: int | None
    province: str
    commune: str
    group: str
    started_at: datetime
    answered: int
    score: int
    total_ms: int
    finished_at: datetime | None
    rank: int | None
    certificate_code: str | None


def _contest(row: Any) -> ContestRecord:
    return ContestRecord(
        row["id"],
        row["title"],
        as_utc(row["opens_at"]),
        as_utc(row["closes_at"]),
        row["province_code"],
        row["commune_code"],
        row["target_group"],
        row["seconds"],
        tuple(json.loads(row["questions"])),
        row["source"],
        row["created_by"],
        as_utc(row["created_at"]),
        as_utc(row["results_at"]),
    )


def _attempt(row: Any) -> AttemptRecord:
    return AttemptRecord(
        row["id"],
        row["contest_id"],
        row["learner_id"],
        row["province_code"],
        row["commune_code"],
        row["target_group"],
        as_utc(row["started_at"]),
        row["answered"],
        row["score"],
        row["total_ms"],
        as_utc(row["finished_at"]),
        row["rank"],
        row["certificate_code"],
    )


class Contests:
    """Contests and attempts (`Storage.contests`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def create(
        self,
        now: datetime,
        *,
        title: str,
        opens_at: datetime,
        closes_at: datetime,
        seconds: int,
        questions: Sequence[Mapping[str, Any]],
        province: str | None = None,
        commune: str | None = None,
        group: str | None = None,
        source: str = "",
        official_id: int | None = None,
        created_by: str = "",
    ) -> ContestRecord:
        """Store a new contest (checked by the caller: `bot.contests.create`).

        Raises:
            StorageError: nothing was stored.
        """
        values = {
            "title": title,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "province_code": province,
            "commune_code": commune,
            "target_group": group,
            "seconds": seconds,
            "questions": json.dumps(list(questions), ensure_ascii=False),
            "source": source[:200],
            "official_id": official_id,
            "created_by": created_by[:64],
            "created_at": now,
        }
        async with self._storage.unit_of_work(now) as uow:
            inserted = await uow.connection.execute(
                insert(contest_t).values(**values).returning(contest_t.c.id)
            )
            new_id = inserted.scalar_one()
            row = (
                (await uow.connection.execute(select(contest_t).where(contest_t.c.id == new_id)))
                .mappings()
                .one()
            )
        return _contest(row)

    async def get(self, contest_id: int, uow: UnitOfWork | None = None) -> ContestRecord | None:
        """One contest, or None."""
        async with self._storage.reading_in(uow) as conn:
            row = (
                (await conn.execute(select(contest_t).where(contest_t.c.id == contest_id)))
                .mappings()
                .first()
            )
        return None if row is None else _contest(row)

    async def listed(self, *, limit: int = 100) -> list[ContestRecord]:
        """The latest contests, newest first (callers keep those in the reader's scope)."""
        query = select(contest_t).order_by(contest_t.c.opens_at.desc(), contest_t.c.id.desc())
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query.limit(limit))).mappings().all()
        return [_contest(row) for row in rows]

    async def open_for(
        self,
        uow: UnitOfWork,
        *,
        province: str | None,
        commune: str | None,
        group: str | None,
    ) -> ContestRecord | None:
        """The contest open at `uow.now` for a learner of this commune, province and group
        (the one closing first when several are)."""
        c, now = contest_t.c, uow.now
        query = (
            select(contest_t)
            .where(
                c.opens_at <= now,
                c.closes_at > now,
                or_(c.province_code.is_(None), c.province_code == province),
                or_(c.commune_code.is_(None), c.commune_code == commune),
                or_(c.target_group.is_(None), c.target_group == group),
            )
            .order_by(c.closes_at, c.id)
            .limit(1)
        )
        row = (await uow.connection.execute(query)).mappings().first()
        return None if row is None else _contest(row)

    async def attempt(
        self, contest_id: int, learner_id: int, uow: UnitOfWork | None = None
    ) -> AttemptRecord | None:
        """The learner's attempt at the contest, or None."""
        a = contest_attempt_t.c
        query = select(contest_attempt_t).where(
            a.contest_id == contest_id, a.learner_id == learner_id
        )
        async with self._storage.reading_in(uow) as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _attempt(row)

    async def attempts(self, contest_id: int) -> list[AttemptRecord]:
        """Every attempt at the contest, in the order they started."""
        query = (
            select(contest_attempt_t)
            .where(contest_attempt_t.c.contest_id == contest_id)
            .order_by(contest_attempt_t.c.id)
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_attempt(row) for row in rows]

    async def due(self, now: datetime) -> list[ContestRecord]:
        """Contests closed by `now` whose results are not written yet."""
        c = contest_t.c
        query = (
            select(contest_t)
            .where(c.closes_at <= now, c.results_at.is_(None))
            .order_by(c.closes_at, c.id)
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_contest(row) for row in rows]

    async def close(
        self,
        now: datetime,
        contest_id: int,
        *,
        ranks: Mapping[int, int],
        payloads: Mapping[int, dict[str, Any]],
        kind: str = "announcement",
        not_before: datetime | None = None,
    ) -> int | None:
        """Write the results once: each attempt's rank (`ranks`: attempt id -> rank) and each
        player's message (`payloads`: learner id -> outbox payload) to the identity they were
        last seen on, sent from `not_before` (quiet hours). None (nothing written) when another
        run wrote them first; else how many messages were queued.

        Raises:
            StorageError: nothing was written.
        """
        async with self._storage.unit_of_work(now) as uow:
            conn = uow.connection
            claimed = await conn.execute(
                update(contest_t)
                .where(contest_t.c.id == contest_id, contest_t.c.results_at.is_(None))
                .values(results_at=now)
            )
            if claimed.rowcount != 1:
                return None
            if ranks:
                await conn.execute(
                    update(contest_attempt_t)
                    .where(contest_attempt_t.c.id == bindparam("b_id"))
                    .values(rank=bindparam("b_rank")),
                    [{"b_id": key, "b_rank": rank} for key, rank in ranks.items()],
                )
            if not payloads:
                return 0
            queued = 0
            learners = list(payloads)
            for start in range(0, len(learners), 500):
                chunk = learners[start : start + 500]
                chosen = reachable_identities(learner_t.c.id.in_(chunk)).subquery()
                found = (await conn.execute(select(chosen))).all()
                rows = [
                    outbox_row(
                        channel=r.channel,
                        recipient=r.external_id,
                        payload=payloads[r.learner_id],
                        now=now,
                        learner_id=r.learner_id,
                        kind=kind,
                        dedupe_key=f"contest:{contest_id}:result:{r.learner_id}",
                        not_before=not_before,
                    )
                    for r in found
                ]
                if rows:
                    result = await conn.execute(
                        insert_ignore(uow.dialect, outbox_t).returning(outbox_t.c.id), rows
                    )
                    queued += len(result.all())
            return queued

    async def by_certificate(self, code: str) -> tuple[ContestRecord, AttemptRecord] | None:
        """The finished attempt with this participation code, and its contest."""
        query = select(contest_attempt_t).where(
            func.upper(contest_attempt_t.c.certificate_code) == code.strip().upper(),
            contest_attempt_t.c.finished_at.is_not(None),
        )
        async with self._storage.reading() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        attempt = _attempt(row)
        contest = await self.get(attempt.contest_id)
        return None if contest is None else (contest, attempt)


async def record_contest_event(
    uow: UnitOfWork,
    learner_id: int,
    event: ContestStarted | ContestAnswered | ContestFinished,
) -> None:
    """Write one contest event of a turn: start the attempt (once: the unique row), add an
    answer to it, or finish it. Only the learner's own row is touched; nothing is written to
    a contest whose results are out."""
    conn, a = uow.connection, contest_attempt_t.c
    if isinstance(event, ContestStarted):
        await conn.execute(
            insert(contest_attempt_t).values(
                contest_id=event.contest_id,
                learner_id=learner_id,
                province_code=event.province[:2],
                commune_code=event.commune[:5],
                target_group=event.group[:24],
                started_at=uow.now,
                answered=0,
                score=0,
                total_ms=0,
            )
        )
        return
    mine = and_(
        a.contest_id == event.contest_id,
        a.learner_id == learner_id,
        a.finished_at.is_(None),
        a.rank.is_(None),
    )
    if isinstance(event, ContestAnswered):
        await conn.execute(
            update(contest_attempt_t)
            .where(mine)
            .values(
                answered=a.answered + 1,
                score=a.score + int(event.correct),
                total_ms=a.total_ms + event.ms,
            )
        )
        return
    await conn.execute(
        update(contest_attempt_t)
        .where(mine)
        .values(finished_at=uow.now, certificate_code=event.certificate_code or None)
    )


__all__ = ["AttemptRecord", "ContestRecord", "Contests", "record_contest_event"]
