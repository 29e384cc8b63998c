"""Families (Gia đình số): who is in which family, its helper, and whether it is a digital
family now (`Storage.families`).

    context()          what a family turn needs (`bot.core.families.FamilyContext`): the
                       learner's family with each member's progress, and the family a code
                       in play names
    record_family()    a family event from a turn (created, joined, helper chosen, left)
    leave_family()     a member removed (leaving, or erasing their data: `erase_learner`)
    refresh_families() the rule applied again, in the turn's transaction, to every family a
                       turn of the batch touched (`storage/turns.py`): a family that meets it
                       becomes digital (counted in its commune; a certificate issued the first
                       time), one that no longer does is no longer counted (its certificate
                       stays valid)
    digital_by_commune(), certificate()   the reports' count and `/verify/<code>`
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.context import CODE_ALPHABET
from bot.core.events import FamilyCreated, FamilyHelperChosen, FamilyJoined, FamilyLeft
from bot.core.families import (
    MAX_MEMBERS,
    MIN_MEMBERS,
    Family,
    FamilyContext,
    FamilyInvite,
    FamilyInviteStatus,
    FamilyMember,
    FamilyRule,
    is_digital,
    normalise_family_code,
)
from bot.core.messages import Reply
from storage.db import as_utc, insert_ignore
from storage.outbox import outbox_row, reachable_identities
from storage.repository import Storage, UnitOfWork
from storage.tables import (
    completion_t,
    family_certificate_t,
    family_member_t,
    family_t,
    identity_t,
    learner_t,
    outbox_t,
)
from storage.villager_rows import describe_villagers

FamilyEvent = FamilyCreated | FamilyJoined | FamilyHelperChosen | FamilyLeft
COURSE_COMPLETED = "course_completed"  # completion_event.kind
FAMILY_NEWS = "family"  # outbox_message.kind of "your family is a Gia đình số"
CERTIFICATE_PREFIX = "GDS"  # a family certificate's code: "GDS" and seven characters


@dataclass(frozen=True)
class FamilyCertificateRecord:
    """A family certificate as `/verify/<code>` shows it: no names, no members' data."""

    code: str
    issued_at: datetime
    province: str | None
    commune: str | None
    members: int


def is_family_certificate(code: str) -> bool:
    return code.upper().startswith(CERTIFICATE_PREFIX)


async def families_of(conn: AsyncConnection, learner_ids: Collection[int]) -> set[int]:
    """The families the learners are in."""
    if not learner_ids:
        return set()
    rows = await conn.execute(
        select(family_member_t.c.family_id).where(family_member_t.c.learner_id.in_(learner_ids))
    )
    return {int(row.family_id) for row in rows}


async def _family_id(conn: AsyncConnection, learner_id: int) -> int | None:
    found = await conn.scalar(
        select(family_member_t.c.family_id).where(family_member_t.c.learner_id == learner_id)
    )
    return int(found) if found is not None else None


async def _member_count(conn: AsyncConnection, family_id: int) -> int:
    return int(
        await conn.scalar(
            select(func.count())
            .select_from(family_member_t)
            .where(family_member_t.c.family_id == family_id)
        )
        or 0
    )


async def record_family(uow: UnitOfWork, learner_id: int, event: FamilyEvent) -> int | None:
    """Write a family event of learner `learner_id`; the family it touched (None: refused, as
    a second family, a full one, or a helper outside the family)."""
    conn, now = uow.connection, uow.now
    current = await _family_id(conn, learner_id)
    if isinstance(event, FamilyCreated):
        if current is not None:
            return None
        family_id = (
            await conn.execute(
                insert(family_t)
                .values(
                    code=normalise_family_code(event.code),
                    helper_learner_id=learner_id,
                    created_at=now,
                    digital=False,
                )
                .returning(family_t.c.id)
            )
        ).scalar_one()
        await _add_member(conn, family_id, learner_id, event.alias, now)
        return int(family_id)
    if isinstance(event, FamilyJoined):
        if current is not None:
            return None
        exists = await conn.scalar(select(family_t.c.id).where(family_t.c.id == event.family_id))
        if exists is None or await _member_count(conn, event.family_id) >= MAX_MEMBERS:
            return None
        await _add_member(conn, event.family_id, learner_id, event.alias, now)
        await conn.execute(
            update(family_t)
            .where(family_t.c.id == event.family_id, family_t.c.helper_learner_id.is_(None))
            .values(helper_learner_id=learner_id)
        )
        return event.family_id
    if isinstance(event, FamilyHelperChosen):
        if current != event.family_id or await _family_id(conn, event.learner_id) != current:
            return None
        await conn.execute(
            update(family_t)
            .where(family_t.c.id == current)
            .values(helper_learner_id=event.learner_id)
        )
        return current
    if current != event.family_id:
        return None
    return await leave_family(uow, learner_id)


async def _add_member(
    conn: AsyncConnection, family_id: int, learner_id: int, alias: str, now: datetime
) -> None:
    await conn.execute(
        insert(family_member_t).values(
            learner_id=learner_id, family_id=family_id, alias=alias[:32], joined_at=now
        )
    )


async def leave_family(uow: UnitOfWork, learner_id: int) -> int | None:
    """Remove the learner from their family (leaving, or erasing their data): a helper who
    leaves leaves the family without one (the others choose), a family left with nobody is
    deleted (its certificate stays), one left too small is no longer digital. The family."""
    conn = uow.connection
    family_id = await _family_id(conn, learner_id)
    if family_id is None:
        return None
    await conn.execute(delete(family_member_t).where(family_member_t.c.learner_id == learner_id))
    await conn.execute(
        update(family_t)
        .where(family_t.c.id == family_id, family_t.c.helper_learner_id == learner_id)
        .values(helper_learner_id=None)
    )
    left = await _member_count(conn, family_id)
    if left == 0:
        await conn.execute(delete(family_t).where(family_t.c.id == family_id))
        return None
    if left < MIN_MEMBERS:
        await conn.execute(
            update(family_t)
            .where(family_t.c.id == family_id)
            .values(digital=False, digital_since=None)
        )
    return family_id


async def merge_family(uow: UnitOfWork, keep: int, drop: int) -> None:
    """Linking two apps (`storage/merge.py`): `drop`'s membership (and helper role) moves to
    `keep` when `keep` is in no family; else `drop` leaves theirs (one family each)."""
    conn = uow.connection
    if await _family_id(conn, drop) is None:
        return
    if await _family_id(conn, keep) is not None:
        await leave_family(uow, drop)
        return
    await conn.execute(
        update(family_member_t).where(family_member_t.c.learner_id == drop).values(learner_id=keep)
    )
    await conn.execute(
        update(family_t).where(family_t.c.helper_learner_id == drop).values(helper_learner_id=keep)
    )


async def _members(conn: AsyncConnection, family_id: int) -> list[Any]:
    rows = await conn.execute(
        select(
            family_member_t.c.learner_id,
            family_member_t.c.alias,
            family_member_t.c.joined_at,
            learner_t.c.age_band,
            learner_t.c.province_code,
            learner_t.c.commune_code,
        )
        .join(learner_t, learner_t.c.id == family_member_t.c.learner_id)
        .where(family_member_t.c.family_id == family_id)
        .order_by(family_member_t.c.joined_at, family_member_t.c.learner_id)
    )
    return list(rows)


async def _completed(conn: AsyncConnection, learner_ids: Collection[int]) -> set[int]:
    if not learner_ids:
        return set()
    rows = await conn.execute(
        select(completion_t.c.learner_id).where(
            completion_t.c.learner_id.in_(learner_ids), completion_t.c.kind == COURSE_COMPLETED
        )
    )
    return {int(row.learner_id) for row in rows}


@dataclass(frozen=True)
class NewlyDigital:
    """A family that became a "Gia đình số" in this transaction, with its certificate."""

    family_id: int
    certificate: str


async def refresh_families(
    uow: UnitOfWork, family_ids: Iterable[int], rule: FamilyRule
) -> list[NewlyDigital]:
    """Apply the rule again to each family (after its members' turns were written); the
    families that became digital."""
    conn, now = uow.connection, uow.now
    newly: list[NewlyDigital] = []
    for family_id in sorted(set(family_ids)):
        row = (await conn.execute(select(family_t).where(family_t.c.id == family_id))).first()
        if row is None:
            continue
        members = await _members(conn, family_id)
        done = await _completed(conn, [m.learner_id for m in members])
        digital = is_digital([(m.age_band, m.learner_id in done) for m in members], rule)
        if digital and not row.digital:
            helper = next((m for m in members if m.learner_id == row.helper_learner_id), None)
            placed = next(
                (m for m in ([helper] if helper else []) + members if m.commune_code), None
            )
            province = placed.province_code if placed is not None else None
            commune = placed.commune_code if placed is not None else None
            code = row.certificate_code
            if code is None:
                code = CERTIFICATE_PREFIX + "".join(
                    secrets.choice(CODE_ALPHABET) for _ in range(7)
                )
                await conn.execute(
                    insert(family_certificate_t).values(
                        code=code,
                        issued_at=now,
                        province_code=province,
                        commune_code=commune,
                        members=len(members),
                    )
                )
            await conn.execute(
                update(family_t)
                .where(family_t.c.id == family_id)
                .values(
                    digital=True,
                    digital_since=now,
                    province_code=province,
                    commune_code=commune,
                    certificate_code=code,
                )
            )
            newly.append(NewlyDigital(family_id, code))
        elif not digital and row.digital:
            await conn.execute(
                update(family_t)
                .where(family_t.c.id == family_id)
                .values(digital=False, digital_since=None)
            )
    return newly


async def queue_family_news(
    uow: UnitOfWork,
    family: NewlyDigital,
    replies: Mapping[str | None, Reply],
    *,
    not_before: datetime,
) -> int:
    """Queue `replies` (by the member's locale; None: the default) for every member of a
    family that just became digital, on the app each wrote on last (none: skipped); once per
    member and certificate. How many were queued."""
    conn, now = uow.connection, uow.now
    members = await _members(conn, family.family_id)
    ids = [m.learner_id for m in members]
    if not ids:
        return 0
    locales = {
        row.id: row.locale
        for row in await conn.execute(
            select(learner_t.c.id, learner_t.c.locale).where(learner_t.c.id.in_(ids))
        )
    }
    rows = [
        outbox_row(
            channel=target.channel,
            recipient=target.external_id,
            payload={
                "replies": [replies.get(locales.get(target.learner_id), replies[None]).to_json()]
            },
            now=now,
            learner_id=target.learner_id,
            kind=FAMILY_NEWS,
            dedupe_key=f"{FAMILY_NEWS}:{family.certificate}:{target.learner_id}",
            not_before=not_before,
        )
        for target in await conn.execute(reachable_identities(identity_t.c.learner_id.in_(ids)))
    ]
    if rows:
        await conn.execute(insert_ignore(uow.dialect, outbox_t), rows)
    return len(rows)


async def _family(conn: AsyncConnection, family_id: int, today: date) -> Family | None:
    row = (await conn.execute(select(family_t).where(family_t.c.id == family_id))).first()
    if row is None:
        return None
    members = await _members(conn, family_id)
    joined = {
        m.learner_id: {
            "joined_at": as_utc(m.joined_at),
            "via": "family",
            "channel": None,
            "alias": None,
        }
        for m in members
    }
    villagers = {v.learner_id: v for v in await describe_villagers(conn, joined, today)}
    done = await _completed(conn, list(joined))
    return Family(
        id=family_id,
        code=row.code,
        members=tuple(
            FamilyMember(
                learner_id=m.learner_id,
                alias=m.alias,
                age_band=m.age_band,
                complete=m.learner_id in done,
                helper=m.learner_id == row.helper_learner_id,
                villager=villagers[m.learner_id],
            )
            for m in members
            if m.learner_id in villagers
        ),
        digital=bool(row.digital),
        certificate=row.certificate_code,
    )


class Families:
    """Families, their members and digital status (`Storage.families`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def context(
        self,
        uow: UnitOfWork,
        learner_id: int,
        code: str | None,
        *,
        today: date,
        rule: FamilyRule,
    ) -> FamilyContext:
        """What a family turn needs: the learner's family (members' progress and nudges from
        `today` on) and the family `code` names, in the turn's transaction."""
        conn = uow.connection
        family_id = await _family_id(conn, learner_id)
        family = await _family(conn, family_id, today) if family_id is not None else None
        invite = None
        if code:
            plain = normalise_family_code(code)
            row = (await conn.execute(select(family_t).where(family_t.c.code == plain))).first()
            if row is None:
                invite = FamilyInvite(plain, FamilyInviteStatus.UNKNOWN)
            else:
                members = await _members(conn, row.id)
                helper = next(
                    (m.alias for m in members if m.learner_id == row.helper_learner_id), None
                )
                status = (
                    FamilyInviteStatus.SAME
                    if row.id == family_id
                    else FamilyInviteStatus.FULL
                    if len(members) >= MAX_MEMBERS
                    else FamilyInviteStatus.FOUND
                )
                invite = FamilyInvite(plain, status, int(row.id), len(members), helper)
        return FamilyContext(learner_id, family, invite, rule)

    async def of_learner(self, learner_id: int, *, today: date) -> Family | None:
        """The learner's family, read on its own (tests, tools)."""
        async with self._storage.reading() as conn:
            family_id = await _family_id(conn, learner_id)
            return await _family(conn, family_id, today) if family_id is not None else None

    async def digital_by_commune(self, province: str | None = None) -> dict[str, int]:
        """Digital families now, per commune code ("" for a family with no commune known),
        in one province or everywhere. Counts are exact: readers suppress small ones."""
        found = await self.digital(province=province)
        return {commune: n for (_province, commune), n in found.items()}

    async def digital(
        self,
        *,
        province: str | None = None,
        communes: Collection[str] | None = None,
        uow: UnitOfWork | None = None,
    ) -> dict[tuple[str, str], int]:
        """Digital families now per (province, commune) ("" where unknown), in an area
        (`communes` None: all of `province`, or everywhere); in `uow` or a read of its own."""
        query = (
            select(family_t.c.province_code, family_t.c.commune_code, func.count())
            .where(family_t.c.digital.is_(True))
            .group_by(family_t.c.province_code, family_t.c.commune_code)
        )
        if province is not None:
            query = query.where(family_t.c.province_code == province)
        if communes is not None:
            query = query.where(family_t.c.commune_code.in_(list(communes)))
        async with self._storage.reading_in(uow) as conn:
            return {(str(p or ""), str(c or "")): int(n) for p, c, n in await conn.execute(query)}

    async def certificate(self, code: str) -> FamilyCertificateRecord | None:
        """A family certificate by its code (any case), for `/verify/<code>`."""
        async with self._storage.reading() as conn:
            row = (
                await conn.execute(
                    select(family_certificate_t).where(
                        family_certificate_t.c.code == code.strip().upper()
                    )
                )
            ).first()
        if row is None:
            return None
        return FamilyCertificateRecord(
            row.code, as_utc(row.issued_at), row.province_code, row.commune_code, row.members
        )


__all__ = [
    "Families",
    "FamilyCertificateRecord",
    "families_of",
    "is_family_certificate",
    "leave_family",
    "merge_family",
    "NewlyDigital",
    "queue_family_news",
    "record_family",
    "refresh_families",
]
