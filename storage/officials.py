"""Officials (cán bộ): commune and province officials and administrators, who may see which
area's numbers (`bot.core.scope.Scope`).

    grant()       `hocvuso admin grant`: an official with no learner (signs in by a link later)
    issue()       `hocvuso admin code`: a code for `/canbo CODE`, only its SHA-256 stored
    redeem()      `/canbo CODE` in a turn's transaction: appointed, or why not
    by_learner()  the active official a learner is; by_public_id(), all() for the CLI
    revoke()      the role ends: `revoked_at` set, the learner unlinked (history kept)

Codes look like ambassador codes (8 characters of `CODE_ALPHABET`, printed ABCD-EFGH).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.context import OfficialCodeResult, OfficialStatus
from bot.core.scope import Scope
from bot.core.state import OfficialKind, OfficialRole
from storage.codes import claim_use, find_code, free_code, hash_code
from storage.db import as_utc
from storage.repository import Storage, UnitOfWork
from storage.tables import official_code_t, official_t


@dataclass(frozen=True)
class OfficialRecord:
    """An `official` row."""

    id: int
    public_id: str
    learner_id: int | None
    kind: OfficialKind
    province: str | None
    commune: str | None
    label: str
    granted_by: str
    created_at: datetime  # timezone-aware UTC
    revoked_at: datetime | None

    @property
    def role(self) -> OfficialRole:
        """The role as the learner's state mirrors it."""
        return OfficialRole(
            public_id=self.public_id, kind=self.kind, province=self.province, commune=self.commune
        )

    @property
    def scope(self) -> Scope:
        """The area this official may see."""
        return Scope(self.kind, self.province, self.commune)


@dataclass(frozen=True)
class IssuedOfficialCode:
    """A newly issued `/canbo` code: `code` is the plain code, shown this once."""

    code: str
    kind: OfficialKind
    province: str | None
    commune: str | None
    max_uses: int
    expires_at: datetime  # timezone-aware UTC


def _check_area(kind: OfficialKind, province: str | None, commune: str | None) -> None:
    if kind is OfficialKind.COMMUNE and (province is None or commune is None):
        raise ValueError("a commune official needs a commune (with its province)")
    if kind is OfficialKind.PROVINCE and (province is None or commune is not None):
        raise ValueError("a province official needs a province and no commune")
    if kind is OfficialKind.ADMIN and (province is not None or commune is not None):
        raise ValueError("an administrator has no area")


def _record(row: object) -> OfficialRecord:
    revoked = row.revoked_at  # type: ignore[attr-defined]
    return OfficialRecord(
        id=row.id,  # type: ignore[attr-defined]
        public_id=row.public_id,  # type: ignore[attr-defined]
        learner_id=row.learner_id,  # type: ignore[attr-defined]
        kind=OfficialKind(row.role),  # type: ignore[attr-defined]
        province=row.province_code,  # type: ignore[attr-defined]
        commune=row.commune_code,  # type: ignore[attr-defined]
        label=row.label,  # type: ignore[attr-defined]
        granted_by=row.granted_by,  # type: ignore[attr-defined]
        created_at=as_utc(row.created_at),  # type: ignore[attr-defined]
        revoked_at=None if revoked is None else as_utc(revoked),
    )


async def _where(conn: AsyncConnection, *where: object) -> OfficialRecord | None:
    row = (await conn.execute(select(official_t).where(*where))).first()  # type: ignore[arg-type]
    return None if row is None else _record(row)


async def _insert(
    conn: AsyncConnection,
    *,
    kind: OfficialKind,
    province: str | None,
    commune: str | None,
    label: str,
    granted_by: str,
    now: datetime,
    learner_id: int | None,
) -> OfficialRecord:
    public_id = secrets.token_hex(8)
    new_id = await conn.scalar(
        insert(official_t)
        .values(
            public_id=public_id,
            learner_id=learner_id,
            role=kind.value,
            province_code=province,
            commune_code=commune,
            label=label[:80],
            granted_by=granted_by[:64],
            created_at=now,
        )
        .returning(official_t.c.id)
    )
    assert new_id is not None
    return OfficialRecord(
        new_id,
        public_id,
        learner_id,
        kind,
        province,
        commune,
        label[:80],
        granted_by[:64],
        now,
        None,
    )


class Officials:
    """Officials and their `/canbo` codes (`Storage.officials`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def grant(
        self,
        *,
        kind: OfficialKind,
        province: str | None = None,
        commune: str | None = None,
        label: str = "",
        granted_by: str = "cli",
        now: datetime,
    ) -> OfficialRecord:
        """A new official with no learner linked. The caller checks the area against the
        admin-unit data.

        Raises:
            ValueError: an area that does not fit the role.
            StorageError: the database refused the row.
        """
        _check_area(kind, province, commune)
        async with self._storage.unit_of_work(now) as uow:
            return await _insert(
                uow.connection,
                kind=kind,
                province=province,
                commune=commune,
                label=label,
                granted_by=granted_by,
                now=now,
                learner_id=None,
            )

    async def issue(
        self,
        *,
        kind: OfficialKind,
        province: str | None = None,
        commune: str | None = None,
        now: datetime,
        valid_for: timedelta,
        max_uses: int = 1,
        issued_by: str = "cli",
    ) -> IssuedOfficialCode:
        """A code that makes up to `max_uses` learners officials of this role and area until
        `now + valid_for`.

        Raises:
            ValueError: an area that does not fit the role, no use or no validity.
            StorageError: the database refused the code.
        """
        _check_area(kind, province, commune)
        if max_uses < 1 or valid_for <= timedelta(0):
            raise ValueError("a code needs at least one use and a positive validity")
        expires_at = now + valid_for
        async with self._storage.unit_of_work(now) as uow:
            conn = uow.connection
            code = await free_code(conn, official_code_t)
            await conn.execute(
                insert(official_code_t).values(
                    code_hash=hash_code(code),
                    role=kind.value,
                    province_code=province,
                    commune_code=commune,
                    max_uses=max_uses,
                    uses=0,
                    issued_by=issued_by[:64],
                    created_at=now,
                    expires_at=expires_at,
                )
            )
        return IssuedOfficialCode(code, kind, province, commune, max_uses, expires_at)

    async def redeem(self, uow: UnitOfWork, code: str, *, learner_id: int) -> OfficialCodeResult:
        """`/canbo CODE` typed by learner `learner_id`, inside the turn's transaction.

        In this order: UNKNOWN, ALREADY (an official already, of any role: the code is not
        used; an administrator grants a different role), EXPIRED, USED_UP, else APPOINTED.
        Only APPOINTED uses the code (claimed atomically: of two learners taking the last use,
        one is appointed).
        """
        conn, now = uow.connection, uow.now
        row = await find_code(conn, official_code_t, code)
        if row is None:
            return OfficialCodeResult(OfficialStatus.UNKNOWN)
        current = await self.by_learner(learner_id, uow)
        if current is not None:
            return OfficialCodeResult(OfficialStatus.ALREADY, current.role)
        if as_utc(row.expires_at) <= now:
            return OfficialCodeResult(OfficialStatus.EXPIRED)
        if not await claim_use(conn, official_code_t, row.id):
            return OfficialCodeResult(OfficialStatus.USED_UP)
        record = await _insert(
            conn,
            kind=OfficialKind(row.role),
            province=row.province_code,
            commune=row.commune_code,
            label="",
            granted_by=f"code:{row.issued_by}",
            now=now,
            learner_id=learner_id,
        )
        return OfficialCodeResult(OfficialStatus.APPOINTED, record.role)

    async def by_learner(
        self, learner_id: int, uow: UnitOfWork | None = None
    ) -> OfficialRecord | None:
        """The active official learner `learner_id` is, or None."""
        where = (official_t.c.learner_id == learner_id, official_t.c.revoked_at.is_(None))
        if uow is not None:
            return await _where(uow.connection, *where)
        async with self._storage.reading() as conn:
            return await _where(conn, *where)

    async def by_public_id(self, public_id: str) -> OfficialRecord | None:
        """The official (active or revoked) with this public id, or None."""
        async with self._storage.reading() as conn:
            return await _where(conn, official_t.c.public_id == public_id)

    async def all(self) -> list[OfficialRecord]:
        """Every official, revoked ones too, oldest first."""
        async with self._storage.reading() as conn:
            rows = await conn.execute(select(official_t).order_by(official_t.c.id))
            return [_record(row) for row in rows]

    async def revoke(self, public_id: str, *, now: datetime) -> bool:
        """End an active official's role; False when there is none with this id. The row
        stays (who granted what, when) with the learner unlinked, so they may be appointed
        again later."""
        async with self._storage.unit_of_work(now) as uow:
            done = await uow.connection.execute(
                update(official_t)
                .where(official_t.c.public_id == public_id, official_t.c.revoked_at.is_(None))
                .values(revoked_at=now, learner_id=None)
            )
            return bool(done.rowcount == 1)


__all__ = ["IssuedOfficialCode", "OfficialRecord", "Officials"]
