"""Learning together ("học cùng"): villagers without a smartphone, on an ambassador's phone.

    villagers()    the ambassador's villagers for /hoccung's numbered list
    load()         a villager's learner for a session's turn (only the ambassador's own
                   villagers; locked like any learner whose turn is being run)
    add()          a villager the ambassador added: a learner with no channel identity, their
                   consent (attested by the ambassador), the `assisted_learner` row and the
                   enrollment "assisted", in the turn's transaction
    erase()        a villager's data deleted from /hoccung (as /xoadulieu would)
    completions()  a commune's completion events, assisted ones apart from self-completed

A villager's turns are saved by `Turns.save` like anyone's, flagged assisted: their completion
events carry `assisted = true` and the villager's own profile snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, insert, select

from bot.core.events import VillagerAdded
from bot.core.state import LearnerState
from storage.db import as_utc
from storage.progress import erase_learner
from storage.repository import Storage, UnitOfWork
from storage.tables import ambassador_t, assisted_t, completion_t, enrollment_t, learner_t
from storage.tallies import sync_enrolled
from storage.turns import LearnerRecord, LoadedTurn, TurnKey, _profile_columns

ASSISTED = "assisted"  # enrollment.via
# The numbered list shows the ambassador's most recently added villagers, this many.
MAX_LISTED = 30


@dataclass(frozen=True)
class VillagerRecord:
    """A villager as /hoccung lists them."""

    public_id: str
    alias: str
    attested_at: datetime  # timezone-aware UTC


@dataclass(frozen=True)
class AssistedSplit:
    """Completion events of one kind: made in an assisted session, or by the learner alone."""

    own: int = 0
    assisted: int = 0


def _villager_of(ambassador_learner_id: int, *where: ColumnElement[bool]) -> Select[Any]:
    """Learner rows of the villagers whose ambassador is learner `ambassador_learner_id`."""
    return (
        select(learner_t.c.id, learner_t.c.public_id, learner_t.c.state)
        .add_columns(learner_t.c.consent_version, learner_t.c.consent_at, assisted_t.c.alias)
        .join(assisted_t, assisted_t.c.learner_id == learner_t.c.id)
        .join(ambassador_t, ambassador_t.c.id == assisted_t.c.ambassador_id)
        .where(ambassador_t.c.learner_id == ambassador_learner_id, *where)
    )


def _key(channel: str, public_id: str) -> TurnKey:
    # A villager has no identity: the key names the channel the ambassador writes on (their
    # completion events record it) and carries no message key (the ambassador's turn has it).
    return TurnKey(channel, f"assisted:{public_id}")


class Assisted:
    """Villagers learning on an ambassador's phone (`Storage.assisted`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def villagers(self, uow: UnitOfWork, ambassador_learner_id: int) -> list[VillagerRecord]:
        """The villagers of the ambassador who is learner `ambassador_learner_id`, oldest
        first (the `MAX_LISTED` most recently added)."""
        rows = await uow.connection.execute(
            select(learner_t.c.public_id, assisted_t.c.alias, assisted_t.c.attested_at)
            .join(assisted_t, assisted_t.c.learner_id == learner_t.c.id)
            .join(ambassador_t, ambassador_t.c.id == assisted_t.c.ambassador_id)
            .where(ambassador_t.c.learner_id == ambassador_learner_id)
            .order_by(assisted_t.c.attested_at.desc(), learner_t.c.id.desc())
            .limit(MAX_LISTED)
        )
        found = [VillagerRecord(r.public_id, r.alias, as_utc(r.attested_at)) for r in rows]
        return found[::-1]

    async def load(
        self, uow: UnitOfWork, *, ambassador_learner_id: int, public_id: str, channel: str
    ) -> LoadedTurn | None:
        """Villager `public_id` for a turn the ambassador runs on `channel`; None when no such
        villager is this ambassador's (deleted, or someone else's)."""
        query = _villager_of(ambassador_learner_id, learner_t.c.public_id == public_id)
        row = (await uow.connection.execute(query.with_for_update(of=learner_t))).first()
        if row is None:
            return None
        record = LearnerRecord(row.id, row.public_id, LearnerState.from_json(row.state), False)
        return LoadedTurn(
            _key(channel, public_id), record, None, row.consent_version, row.consent_at
        )

    async def add(
        self,
        uow: UnitOfWork,
        *,
        ambassador_learner_id: int,
        event: VillagerAdded,
        state: LearnerState,
        channel: str,
    ) -> LoadedTurn | None:
        """Create the villager `event` describes, with first state `state`: consent given now
        (the ambassador's attestation), their assisted row and their enrollment. None when
        the learner is no ambassador any more."""
        conn, now = uow.connection, uow.now
        ambassador_id = await conn.scalar(
            select(ambassador_t.c.id).where(ambassador_t.c.learner_id == ambassador_learner_id)
        )
        if ambassador_id is None:
            return None
        learner_id = await conn.scalar(
            insert(learner_t)
            .values(
                public_id=event.public_id,
                locale=state.locale,
                state=state.to_json(),
                consent_version=event.consent_version,
                consent_at=now,
                created_at=now,
                updated_at=now,
                last_seen_at=now,
                **_profile_columns(state),
            )
            .returning(learner_t.c.id)
        )
        assert learner_id is not None
        await sync_enrolled(conn, [learner_id], now)
        await conn.execute(
            insert(assisted_t).values(
                learner_id=learner_id,
                ambassador_id=ambassador_id,
                alias=event.alias[:40],
                attested_at=now,
            )
        )
        await conn.execute(
            insert(enrollment_t).values(
                learner_id=learner_id,
                ambassador_id=ambassador_id,
                channel=channel[:16],
                via=ASSISTED,
                enrolled_at=now,
            )
        )
        record = LearnerRecord(learner_id, event.public_id, state, True)
        return LoadedTurn(_key(channel, event.public_id), record, None, event.consent_version, now)

    async def erase(self, uow: UnitOfWork, *, ambassador_learner_id: int, public_id: str) -> bool:
        """Delete villager `public_id`'s personal data, if they are this ambassador's; whether
        anything was deleted. Completion events stay, unlinked (as for /xoadulieu)."""
        query = _villager_of(ambassador_learner_id, learner_t.c.public_id == public_id)
        row = (await uow.connection.execute(query)).first()
        if row is None:
            return False
        await erase_learner(uow, row.id)
        return True

    async def completions(
        self, commune: str, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, AssistedSplit]:
        """A commune's completion events by kind ("lesson_completed", "quiz_passed", …),
        assisted apart from self-completed, in [since, until) when given: for the officials'
        reports, which must never mix the two."""
        where = [completion_t.c.commune_code == commune]
        if since is not None:
            where.append(completion_t.c.occurred_at >= since)
        if until is not None:
            where.append(completion_t.c.occurred_at < until)
        query = (
            select(completion_t.c.kind, completion_t.c.assisted, func.count().label("n"))
            .where(*where)
            .group_by(completion_t.c.kind, completion_t.c.assisted)
        )
        found: dict[str, AssistedSplit] = {}
        async with self._storage.reading() as conn:
            for row in await conn.execute(query):
                split = found.get(row.kind, AssistedSplit())
                if row.assisted:
                    split = AssistedSplit(split.own, split.assisted + row.n)
                else:
                    split = AssistedSplit(split.own + row.n, split.assisted)
                found[row.kind] = split
        return found


__all__ = ["ASSISTED", "MAX_LISTED", "Assisted", "AssistedSplit", "VillagerRecord"]
