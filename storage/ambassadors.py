"""Digital ambassadors (Đại sứ số): the codes that appoint them, their invites, who they enrolled.

    issue()          an official or the operator (`hocvuso ambassador code`) issues a code for
                     one commune: the plain code is returned once, only its SHA-256 is stored
    redeem()         `/daisu CODE` in a turn's transaction: appointed, or why not
    appoint()        the `ambassador` row, with a fresh personal invite code
    by_learner()     the ambassador a learner is (None: not one)
    by_invite()      the ambassador an invite code belongs to
    check_invite()   an invite code in a turn (a /start payload or `/thamgia CODE`), for the core
    enrollment()     who brought a learner in (written from the core's `Enrolled` event by
                     `record_enrollment`, in the turn's transaction: first invite wins)

Codes people type use `CODE_ALPHABET` (no 0/O/1/I/L). An ambassador code is 8 characters,
printed as ABCD-EFGH and read back whatever the case, spaces or dashes. An invite code is 6
characters, stored as it is (it is meant to be shared) and valid as a deep-link payload.

An ambassador who erases their data keeps their row with `learner_id` emptied: the villagers
they enrolled stay attributed (to a former ambassador of that commune), and their invite no
longer enrolls anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.context import (
    CODE_ALPHABET,
    AmbassadorCodeResult,
    AmbassadorStatus,
    InviteResult,
    InviteStatus,
    random_code,
)
from bot.core.events import Enrolled
from bot.core.state import AmbassadorRole
from storage.codes import CODE_LENGTH, claim_use, find_code, free_code, hash_code, normalise_code
from storage.db import as_utc, insert_ignore
from storage.repository import Storage, UnitOfWork
from storage.tables import ambassador_code_t, ambassador_t, enrollment_t

AMBASSADOR_CODE_LENGTH = CODE_LENGTH
INVITE_CODE_LENGTH = 6
# Typed codes: whatever the case, with spaces, dots or dashes between the characters.
_SEPARATORS = re.compile(r"[\s.\-_]+")
_INVITE_CODE = re.compile(rf"[{CODE_ALPHABET}]{{{INVITE_CODE_LENGTH}}}")
# A fresh random invite code that is taken already is drawn again, this many times at most.
_DRAWS = 20
normalise_ambassador_code = normalise_code


def normalise_invite_code(raw: str) -> str | None:
    """An invite code as stored, or None when `raw` cannot be one (another /start payload)."""
    code = _SEPARATORS.sub("", raw).upper()
    return code if _INVITE_CODE.fullmatch(code) else None


def format_code(code: str) -> str:
    """An ambassador code as printed for people: two groups of four, "ABCD-EFGH"."""
    return f"{code[:4]}-{code[4:]}" if len(code) == AMBASSADOR_CODE_LENGTH else code


@dataclass(frozen=True)
class IssuedCode:
    """A newly issued ambassador code: `code` is the plain code, shown this once."""

    code: str
    province: str
    commune: str
    max_uses: int
    expires_at: datetime  # timezone-aware UTC


@dataclass(frozen=True)
class AmbassadorRecord:
    """An ambassador row. `learner_id` is None for a former ambassador who erased their data."""

    id: int
    learner_id: int | None
    province: str
    commune: str
    invite_code: str
    since: datetime  # timezone-aware UTC

    @property
    def role(self) -> AmbassadorRole:
        """The role as the learner's state mirrors it."""
        return AmbassadorRole(
            province=self.province, commune=self.commune, invite_code=self.invite_code
        )


@dataclass(frozen=True)
class EnrollmentRecord:
    """Who brought a learner in: which ambassador, on which channel, how, when."""

    learner_id: int
    ambassador_id: int
    channel: str
    via: str  # link | code | assisted
    enrolled_at: datetime  # timezone-aware UTC


def _record(row: object) -> AmbassadorRecord:
    return AmbassadorRecord(
        id=row.id,  # type: ignore[attr-defined]
        learner_id=row.learner_id,  # type: ignore[attr-defined]
        province=row.province_code,  # type: ignore[attr-defined]
        commune=row.commune_code,  # type: ignore[attr-defined]
        invite_code=row.invite_code,  # type: ignore[attr-defined]
        since=as_utc(row.since),  # type: ignore[attr-defined]
    )


async def _ambassador_where(conn: AsyncConnection, *where: object) -> AmbassadorRecord | None:
    row = (await conn.execute(select(ambassador_t).where(*where))).first()  # type: ignore[arg-type]
    return None if row is None else _record(row)


async def _insert_code(
    conn: AsyncConnection,
    province: str,
    commune: str,
    expires_at: datetime,
    max_uses: int,
    issued_by: str,
    admin_version: str | None,
    now: datetime,
) -> IssuedCode:
    code = await free_code(conn, ambassador_code_t)
    await conn.execute(
        insert(ambassador_code_t).values(
            code_hash=hash_code(code),
            province_code=province,
            commune_code=commune,
            admin_version=admin_version,
            max_uses=max_uses,
            uses=0,
            issued_by=issued_by[:64],
            created_at=now,
            expires_at=expires_at,
        )
    )
    return IssuedCode(code, province, commune, max_uses, expires_at)


class Ambassadors:
    """Ambassador codes, ambassadors and enrollments (`Storage.ambassadors`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def issue(
        self,
        *,
        province: str,
        commune: str,
        now: datetime,
        valid_for: timedelta,
        max_uses: int = 1,
        issued_by: str = "cli",
        admin_version: str | None = None,
        uow: UnitOfWork | None = None,
    ) -> IssuedCode:
        """Issue a code that appoints up to `max_uses` ambassadors of `commune` (in `province`)
        until `now + valid_for`, in `uow` when given (else a transaction of its own). The
        caller checks the commune against the admin-unit data.

        Raises:
            ValueError: `max_uses` below 1 or a validity that is not positive.
            StorageError: the database refused the code.
        """
        if max_uses < 1 or valid_for <= timedelta(0):
            raise ValueError("a code needs at least one use and a positive validity")
        if uow is not None:  # an official's `/madaisu`: part of their turn's transaction
            return await _insert_code(
                uow.connection,
                province,
                commune,
                now + valid_for,
                max_uses,
                issued_by,
                admin_version,
                now,
            )
        async with self._storage.unit_of_work(now) as own:
            return await _insert_code(
                own.connection,
                province,
                commune,
                now + valid_for,
                max_uses,
                issued_by,
                admin_version,
                now,
            )

    async def redeem(
        self, uow: UnitOfWork, code: str, *, learner_id: int, commune: str | None
    ) -> AmbassadorCodeResult:
        """`/daisu CODE` typed by learner `learner_id` (whose profile names `commune`, or None),
        inside the turn's transaction `uow`.

        In this order: UNKNOWN (no such code), ALREADY (an ambassador of this commune: the
        code is not used) or WRONG_COMMUNE (of another one), EXPIRED, USED_UP, WRONG_COMMUNE
        (the profile names another commune), else APPOINTED with the new role. Only APPOINTED
        uses the code (one use, claimed atomically: of two learners taking the last use, one is
        appointed).
        """
        conn, now = uow.connection, uow.now
        row = await find_code(conn, ambassador_code_t, code)
        if row is None:
            return AmbassadorCodeResult(AmbassadorStatus.UNKNOWN)
        current = await _ambassador_where(conn, ambassador_t.c.learner_id == learner_id)
        if current is not None:
            status = (
                AmbassadorStatus.ALREADY
                if current.commune == row.commune_code
                else AmbassadorStatus.WRONG_COMMUNE
            )
            return AmbassadorCodeResult(status, current.role, row.commune_code)
        if as_utc(row.expires_at) <= now:
            return AmbassadorCodeResult(AmbassadorStatus.EXPIRED, commune=row.commune_code)
        if row.uses >= row.max_uses:
            return AmbassadorCodeResult(AmbassadorStatus.USED_UP, commune=row.commune_code)
        if commune is not None and commune != row.commune_code:
            return AmbassadorCodeResult(AmbassadorStatus.WRONG_COMMUNE, commune=row.commune_code)
        if not await claim_use(conn, ambassador_code_t, row.id):
            return AmbassadorCodeResult(AmbassadorStatus.USED_UP, commune=row.commune_code)
        record = await self.appoint(
            uow,
            learner_id=learner_id,
            province=row.province_code,
            commune=row.commune_code,
            admin_version=row.admin_version,
            code_id=row.id,
        )
        return AmbassadorCodeResult(AmbassadorStatus.APPOINTED, record.role, row.commune_code)

    async def appoint(
        self,
        uow: UnitOfWork,
        *,
        learner_id: int,
        province: str,
        commune: str,
        admin_version: str | None = None,
        code_id: int | None = None,
    ) -> AmbassadorRecord:
        """Make learner `learner_id` an ambassador of `commune`, with a fresh invite code.

        The caller makes sure the learner is no ambassador yet (`by_learner`).
        """
        conn, now = uow.connection, uow.now
        for _ in range(_DRAWS):
            invite = random_code(INVITE_CODE_LENGTH)
            taken = await conn.scalar(
                select(ambassador_t.c.id).where(ambassador_t.c.invite_code == invite)
            )
            if taken is None:
                break
        else:  # pragma: no cover - 31**6 codes
            raise RuntimeError("no free invite code found")
        new_id = await conn.scalar(
            insert(ambassador_t)
            .values(
                learner_id=learner_id,
                province_code=province,
                commune_code=commune,
                admin_version=admin_version,
                invite_code=invite,
                code_id=code_id,
                since=now,
            )
            .returning(ambassador_t.c.id)
        )
        assert new_id is not None
        return AmbassadorRecord(new_id, learner_id, province, commune, invite, now)

    async def by_learner(
        self, learner_id: int, uow: UnitOfWork | None = None
    ) -> AmbassadorRecord | None:
        """The ambassador learner `learner_id` is, or None (in `uow`, or a read of its own)."""
        if uow is not None:
            return await _ambassador_where(uow.connection, ambassador_t.c.learner_id == learner_id)
        async with self._storage.reading() as conn:
            return await _ambassador_where(conn, ambassador_t.c.learner_id == learner_id)

    async def by_invite(self, code: str, uow: UnitOfWork | None = None) -> AmbassadorRecord | None:
        """The ambassador whose invite code `code` is (any case), or None."""
        normal = normalise_invite_code(code)
        if normal is None:
            return None
        if uow is not None:
            return await _ambassador_where(uow.connection, ambassador_t.c.invite_code == normal)
        async with self._storage.reading() as conn:
            return await _ambassador_where(conn, ambassador_t.c.invite_code == normal)

    async def check_invite(self, uow: UnitOfWork, code: str, *, learner_id: int) -> InviteResult:
        """The invite code `code` in learner `learner_id`'s turn: whose it is, and whether the
        learner is enrolled already. A former ambassador's invite (data erased) is UNKNOWN."""
        ambassador = await self.by_invite(code, uow)
        normal = normalise_invite_code(code) or code
        if ambassador is None or ambassador.learner_id is None:
            return InviteResult(normal, InviteStatus.UNKNOWN)
        if ambassador.learner_id == learner_id:
            return InviteResult(normal, InviteStatus.OWN)
        enrolled = await uow.connection.scalar(
            select(enrollment_t.c.id).where(enrollment_t.c.learner_id == learner_id)
        )
        return InviteResult(
            normal,
            InviteStatus.FOUND,
            ambassador_id=ambassador.id,
            province=ambassador.province,
            commune=ambassador.commune,
            enrolled=enrolled is not None,
        )

    async def enrollment(self, learner_id: int) -> EnrollmentRecord | None:
        """Who brought learner `learner_id` in, or None (came on their own)."""
        async with self._storage.reading() as conn:
            row = (
                await conn.execute(
                    select(enrollment_t).where(enrollment_t.c.learner_id == learner_id)
                )
            ).first()
        if row is None:
            return None
        return EnrollmentRecord(
            row.learner_id, row.ambassador_id, row.channel, row.via, as_utc(row.enrolled_at)
        )


async def record_enrollment(
    uow: UnitOfWork, learner_id: int, event: Enrolled, *, channel: str
) -> None:
    """Write an `Enrolled` event from a turn on `channel`; a learner enrolled already keeps
    their first enrollment."""
    conn = uow.connection
    await conn.execute(
        insert_ignore(conn.dialect.name, enrollment_t).values(
            learner_id=learner_id,
            ambassador_id=event.ambassador_id,
            channel=channel[:16],
            via=event.via[:16],
            enrolled_at=uow.now,
        )
    )


__all__ = [
    "AMBASSADOR_CODE_LENGTH",
    "INVITE_CODE_LENGTH",
    "AmbassadorRecord",
    "Ambassadors",
    "EnrollmentRecord",
    "IssuedCode",
    "format_code",
    "hash_code",
    "normalise_ambassador_code",
    "normalise_invite_code",
    "record_enrollment",
]
