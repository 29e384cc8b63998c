"""The report log's rollups: `rollup_hour` (counts per UTC hour × area × group × module) and
`rollup_active` (who learned in which hour), kept in the transaction that writes each event, so
summaries read these and never scan the log; recomputed to check (`hocvuso report reconcile`).

    count()       add (or, with sign -1, take away) log events' counts
    move_actor()  a merged learner's activity becomes the surviving learner's
    counted()     what log events add up to, per rollup key: the same function `count()`
                  uses, so stored and recomputed can only differ when a write path forgot it
    differences() the rollups against a recomputation from the log: empty when they agree

The log is `completion_event` (lessons, quizzes, modules, the course, VNeID reports) and
`tally_event` (enrolled / unenrolled, skills confirmed). A learner's erasure keeps both, with
the area copied at the time, so deleted learners' completions stay counted, anonymously; the
completion events get an opaque `actor` token, which `rollup_active` takes over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import _DIALECTS, as_utc, insert_ignore
from storage.tables import active_t, completion_t, rollup_t, tally_t

COLUMNS: tuple[str, ...] = (
    "enrolled",
    "lessons_completed",
    "quizzes_passed",
    "modules_completed",
    "course_completed",
    "assisted",
    "skills_confirmed",
    "vneid_reported",
)
# event kind -> (rollup column, amount)
_BY_KIND: dict[str, tuple[str, int]] = {
    "lesson_completed": ("lessons_completed", 1),
    "quiz_passed": ("quizzes_passed", 1),
    "module_completed": ("modules_completed", 1),
    "course_completed": ("course_completed", 1),
    "vneid_reported": ("vneid_reported", 1),
    "enrolled": ("enrolled", 1),
    "unenrolled": ("enrolled", -1),
    "skill_confirmed": ("skills_confirmed", 1),
}
# What makes a learner "active" in an hour: learning, not a milestone or a report.
ACTIVITY = frozenset({"lesson_completed", "quiz_passed", "quiz_failed"})
AREA_COLUMNS = ("province_code", "commune_code", "target_group")
_AREA = (*AREA_COLUMNS, "module_id")
_KEY = ("hour", *_AREA)

# (hour, province, commune, group, module): "" for a part the learner did not give.
RollupKey = tuple[datetime, str, str, str, str]
# (hour, province, commune, group, module, actor)
ActiveKey = tuple[datetime, str, str, str, str, str]


@dataclass(frozen=True)
class Difference:
    """A rollup cell that does not match the log: what is stored, what the log adds up to
    (`column` "active" is one actor's presence in an hour: 1 or 0)."""

    key: tuple[Any, ...]
    column: str
    stored: int
    recomputed: int


def hour_of(moment: datetime) -> datetime:
    """The UTC hour a moment falls in (the rollups' unit of time)."""
    return as_utc(moment).replace(minute=0, second=0, microsecond=0)


def learner_actor(learner_id: int) -> str:
    """The actor name of a learner who still exists."""
    return f"L{learner_id}"


def _key(event: Mapping[str, Any]) -> RollupKey:
    return (
        hour_of(event["occurred_at"]),
        event.get("province_code") or "",
        event.get("commune_code") or "",
        event.get("target_group") or "",
        event.get("module_id") or "",
    )


def _actor(event: Mapping[str, Any]) -> str | None:
    if event.get("actor"):
        return str(event["actor"])
    learner = event.get("learner_id")
    return None if learner is None else learner_actor(int(learner))


def counted(events: Iterable[Mapping[str, Any]]) -> dict[RollupKey, dict[str, int]]:
    """The `rollup_hour` increments of log events (mappings with a completion or tally row's
    columns); kinds that are not counted (a failed quiz) add nothing."""
    totals: dict[RollupKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for event in events:
        counter = _BY_KIND.get(event["kind"])
        if counter is None:
            continue
        column, amount = counter
        key = _key(event)
        totals[key][column] += amount
        if column == "lessons_completed" and event.get("assisted"):
            totals[key]["assisted"] += amount
    return dict(totals)


def active(events: Iterable[Mapping[str, Any]]) -> set[ActiveKey]:
    """The `rollup_active` rows of completion events."""
    found = set()
    for event in events:
        actor = _actor(event)
        if event["kind"] in ACTIVITY and actor is not None:
            found.add((*_key(event), actor))
    return found


async def count(conn: AsyncConnection, events: Iterable[Mapping[str, Any]], sign: int = 1) -> None:
    """Add `sign` × the events' counts to the rollups, row by row upserted (two transactions
    counting into one row both land: the database adds, not this process). Taking events
    away (a merge's duplicate milestone) leaves `rollup_active`: milestones are no activity."""
    events = list(events)
    dialect = _DIALECTS[conn.dialect.name]
    for key, values in sorted(counted(events).items()):
        changes = {column: sign * amount for column, amount in values.items() if amount}
        if not changes:
            continue
        statement = dialect.insert(rollup_t).values(**dict(zip(_KEY, key, strict=True)), **changes)
        statement = statement.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={
                column: getattr(rollup_t.c, column) + getattr(statement.excluded, column)
                for column in changes
            },
        )
        await conn.execute(statement)
    if sign > 0:
        rows = [dict(zip((*_KEY, "actor"), key, strict=True)) for key in sorted(active(events))]
        if rows:
            await conn.execute(insert_ignore(conn.dialect.name, active_t), rows)


_other = active_t.alias("other")


async def move_actor(conn: AsyncConnection, old: str, new: str) -> None:
    """Give `old`'s activity rows to `new` (a merged learner, an erased one's token); an hour
    both were active in stays one row."""
    same_cell = and_(*(active_t.c[name] == getattr(_other.c, name) for name in _KEY))
    await conn.execute(
        delete(active_t).where(
            active_t.c.actor == old,
            exists().where(same_cell, _other.c.actor == new),
        )
    )
    await conn.execute(update(active_t).where(active_t.c.actor == old).values(actor=new))


async def stored(conn: AsyncConnection) -> tuple[dict[RollupKey, dict[str, int]], set[ActiveKey]]:
    """Every rollup row."""
    counts = {
        (as_utc(row.hour), *(getattr(row, name) for name in _AREA)): {
            column: int(getattr(row, column)) for column in COLUMNS
        }
        for row in await conn.execute(select(rollup_t))
    }
    actors = {
        (as_utc(row.hour), *(getattr(row, name) for name in _AREA), row.actor)
        for row in await conn.execute(select(active_t))
    }
    return counts, actors


async def recomputed(
    conn: AsyncConnection,
) -> tuple[dict[RollupKey, dict[str, int]], set[ActiveKey]]:
    """The rollups as the log adds up to (the one place reports read the log)."""
    completions = [
        dict(row._mapping)
        async for row in await conn.stream(
            select(
                completion_t.c.kind,
                completion_t.c.occurred_at,
                completion_t.c.province_code,
                completion_t.c.commune_code,
                completion_t.c.target_group,
                completion_t.c.module_id,
                completion_t.c.assisted,
                completion_t.c.learner_id,
                completion_t.c.actor,
            )
        )
    ]
    tallies = [
        dict(row._mapping)
        async for row in await conn.stream(
            select(
                tally_t.c.kind,
                tally_t.c.occurred_at,
                tally_t.c.province_code,
                tally_t.c.commune_code,
                tally_t.c.target_group,
            )
        )
    ]
    return counted([*completions, *tallies]), active(completions)


async def differences(conn: AsyncConnection) -> list[Difference]:
    """Where the rollups and the log disagree (a row of zeros counts as no row)."""
    (have, have_active), (want, want_active) = await stored(conn), await recomputed(conn)
    found = []
    zeros = dict.fromkeys(COLUMNS, 0)
    for key in sorted(set(have) | set(want)):
        got, expected = have.get(key, zeros), want.get(key, zeros)
        found += [
            Difference(key, column, got[column], expected[column])
            for column in COLUMNS
            if got[column] != expected[column]
        ]
    found += [Difference(key, "active", 1, 0) for key in sorted(have_active - want_active)]
    found += [Difference(key, "active", 0, 1) for key in sorted(want_active - have_active)]
    return found


__all__ = [
    "ACTIVITY",
    "AREA_COLUMNS",
    "COLUMNS",
    "ActiveKey",
    "Difference",
    "RollupKey",
    "active",
    "count",
    "counted",
    "differences",
    "hour_of",
    "learner_actor",
    "move_actor",
]
