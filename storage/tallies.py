"""The report log's writes beyond completions, each counted into the rollups in the same
transaction (`storage/rollups.py`):

    sync_enrolled()   a learner is counted as enrolled where their profile says (with consent):
                      a change writes `unenrolled` there and `enrolled` here
    record_skill_confirmed()  a skill an ambassador confirmed
    log_completion()  a completion event written and counted
    anonymise()       erasure: the learner's log rows lose their learner, keep their area
    merge_log()       a link merge: the dropped learner's log rows become the survivor's
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import rollups
from storage.tables import completion_t, learner_t, tally_t

_SEPARATOR = "|"


def _area(counted_as: str) -> dict[str, str]:
    province, commune, group = (counted_as.split(_SEPARATOR) + ["", "", ""])[:3]
    return {"province_code": province, "commune_code": commune, "target_group": group}


def counted_as(province: str | None, commune: str | None, group: str | None) -> str:
    """The enrolled tally's key of a profile ("" for a part not said)."""
    return _SEPARATOR.join((province or "", commune or "", group or ""))


async def _tally(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(tally_t), rows)
        await rollups.count(conn, rows)


async def sync_enrolled(
    conn: AsyncConnection,
    learner_ids: Iterable[int],
    now: datetime,
    leaving: Collection[int] = (),
) -> None:
    """Count each learner as enrolled where their stored profile says, if they consented
    (`leaving`: learners about to be erased or merged away, counted nowhere)."""
    ids = sorted(set(learner_ids))
    if not ids:
        return
    rows = await conn.execute(
        select(
            learner_t.c.id,
            learner_t.c.consent_version,
            learner_t.c.province_code,
            learner_t.c.commune_code,
            learner_t.c.target_group,
            learner_t.c.counted_as,
        ).where(learner_t.c.id.in_(ids))
    )
    tallies: list[dict[str, Any]] = []
    moved: list[tuple[int, str | None]] = []
    for row in rows:
        wanted = (
            None
            if row.consent_version is None or row.id in leaving
            else counted_as(row.province_code, row.commune_code, row.target_group)
        )
        if wanted == row.counted_as:
            continue
        base = {"learner_id": row.id, "detail": "", "occurred_at": now}
        if row.counted_as is not None:
            tallies.append({**base, "kind": "unenrolled", **_area(row.counted_as)})
        if wanted is not None:
            tallies.append({**base, "kind": "enrolled", **_area(wanted)})
        moved.append((row.id, wanted))
    await _tally(conn, tallies)
    for learner_id, wanted in moved:
        await conn.execute(
            update(learner_t).where(learner_t.c.id == learner_id).values(counted_as=wanted)
        )


async def record_skill_confirmed(
    conn: AsyncConnection,
    learner_id: int,
    skill: str,
    area: Mapping[str, str | None],
    now: datetime,
) -> None:
    """Log and count one confirmed skill (the caller writes it only the first time)."""
    await _tally(
        conn,
        [
            {
                "learner_id": learner_id,
                "kind": "skill_confirmed",
                "detail": skill[:32],
                "occurred_at": now,
                **{name: area.get(name) or "" for name in rollups.AREA_COLUMNS},
            }
        ],
    )


async def log_completion(conn: AsyncConnection, values: Mapping[str, Any]) -> None:
    """Write one completion event and count it."""
    await conn.execute(insert(completion_t).values(**values))
    await rollups.count(conn, [values])


async def anonymise(conn: AsyncConnection, learner_id: int, now: datetime) -> None:
    """An erased learner's log rows stay counted where they were and point to nobody: no
    longer enrolled from now, their completions' actor an opaque token (so the distinct
    "active" counts of the past week still hold)."""
    await sync_enrolled(conn, [learner_id], now, leaving={learner_id})
    token = "A" + secrets.token_hex(10)
    await conn.execute(
        update(completion_t)
        .where(completion_t.c.learner_id == learner_id)
        .values(learner_id=None, actor=token)
    )
    await rollups.move_actor(conn, rollups.learner_actor(learner_id), token)
    await conn.execute(
        update(tally_t).where(tally_t.c.learner_id == learner_id).values(learner_id=None)
    )


async def merge_log(
    conn: AsyncConnection, keep: int, drop: int, once: Collection[str], now: datetime
) -> None:
    """`drop`'s log rows become `keep`'s: completions (their attempts already renumbered by
    the caller), activity, skills; milestones in `once` and each skill are kept once, the
    earliest, the rest taken out of the rollups. `drop` is counted enrolled nowhere (`keep`'s
    next save counts the survivor)."""
    await sync_enrolled(conn, [drop], now, leaving={drop})
    await conn.execute(
        update(completion_t).where(completion_t.c.learner_id == drop).values(learner_id=keep)
    )
    await rollups.move_actor(conn, rollups.learner_actor(drop), rollups.learner_actor(keep))
    await conn.execute(update(tally_t).where(tally_t.c.learner_id == drop).values(learner_id=keep))
    first_milestones = (
        select(func.min(completion_t.c.id))
        .where(completion_t.c.learner_id == keep, completion_t.c.kind.in_(once))
        .group_by(completion_t.c.kind, completion_t.c.module_id)
    )
    duplicates = (
        completion_t.c.learner_id == keep,
        completion_t.c.kind.in_(once),
        completion_t.c.id.not_in(first_milestones),
    )
    gone = [
        dict(row._mapping) for row in await conn.execute(select(completion_t).where(*duplicates))
    ]
    await conn.execute(delete(completion_t).where(*duplicates))
    await rollups.count(conn, gone, sign=-1)
    first_skills = (
        select(func.min(tally_t.c.id))
        .where(tally_t.c.learner_id == keep, tally_t.c.kind == "skill_confirmed")
        .group_by(tally_t.c.detail)
    )
    twice = (
        tally_t.c.learner_id == keep,
        tally_t.c.kind == "skill_confirmed",
        tally_t.c.id.not_in(first_skills),
    )
    gone = [dict(row._mapping) for row in await conn.execute(select(tally_t).where(*twice))]
    await conn.execute(delete(tally_t).where(*twice))
    await rollups.count(conn, gone, sign=-1)


__all__ = [
    "anonymise",
    "counted_as",
    "log_completion",
    "merge_log",
    "record_skill_confirmed",
    "sync_enrolled",
]
