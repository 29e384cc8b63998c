"""Officials' secrets (`Storage.secrets`): what an official signs in or calls the API with.

    issue()        a new secret for an official: the plain secret is returned this once, only
                   its SHA-256 is stored
    authenticate() the active official a presented secret belongs to, or None: unknown,
                   expired, revoked, already used (a login link), or the official revoked
    exchange()     a one-time login link traded for a dashboard session, in one transaction
                   (of two requests presenting the same link, one gets the session)
    revoke()       a secret ends (sign out, a token withdrawn); listing() for the CLI

Kinds: `login` (a one-time link, minutes), `session` (the dashboard's cookie, hours), `api`
(a bearer token for the pull API, until revoked). Every check re-reads the official's row, so a
revoked official's links, sessions and tokens stop working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import as_utc
from storage.officials import OfficialRecord, _record
from storage.repository import Storage, UnitOfWork
from storage.tables import official_secret_t, official_t

# 32 random bytes, URL-safe: unguessable, fits a link and a header.
_SECRET_BYTES = 32


class SecretKind(StrEnum):
    """What a secret opens."""

    LOGIN = "login"
    SESSION = "session"
    API = "api"
    # The chart `/baocao` links to: reusable until it expires (chat apps fetch link previews).
    CHART = "chart"


@dataclass(frozen=True)
class IssuedSecret:
    """A new secret: `secret` is the plain value, shown or set this once."""

    id: int
    secret: str
    kind: SecretKind
    official: OfficialRecord
    expires_at: datetime | None  # timezone-aware UTC; None: until revoked


@dataclass(frozen=True)
class SecretRecord:
    """A stored secret, without its value (for `hocvuso admin tokens`)."""

    id: int
    kind: SecretKind
    official_public_id: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    used_at: datetime | None
    revoked_at: datetime | None


def hash_secret(secret: str) -> str:
    """The stored form of a secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


class Secrets:
    """Login links, dashboard sessions and API tokens (`Storage.secrets`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def issue(
        self,
        official: OfficialRecord,
        kind: SecretKind,
        *,
        now: datetime,
        valid_for: timedelta | None,
        label: str = "",
        uow: UnitOfWork | None = None,
    ) -> IssuedSecret:
        """A new secret of `kind` for `official`, valid until `now + valid_for` (None: until
        revoked).

        Raises:
            ValueError: a non-positive validity, or a revoked official.
            StorageError: the database refused the row.
        """
        if valid_for is not None and valid_for <= timedelta(0):
            raise ValueError("a secret needs a positive validity")
        if official.revoked_at is not None:
            raise ValueError("a revoked official gets no new secret")
        if uow is not None:  # in the caller's transaction (a chat turn's)
            return await _issue(uow.connection, official, kind, now, valid_for, label)
        async with self._storage.unit_of_work(now) as own:
            return await _issue(own.connection, official, kind, now, valid_for, label)

    async def authenticate(
        self, secret: str, kind: SecretKind, *, now: datetime
    ) -> OfficialRecord | None:
        """The active official whose live secret of `kind` this is, or None. A login link is
        not consumed here: `exchange()` does that."""
        async with self._storage.reading() as conn:
            found = await _live(conn, secret, kind, now)
            return None if found is None else found[1]

    async def exchange(
        self, login: str, *, now: datetime, session_for: timedelta
    ) -> IssuedSecret | None:
        """Trade a one-time login link for a session: the link is used up and a session
        secret issued in one transaction. None when the link is not live (or was just used by
        another request)."""
        async with self._storage.unit_of_work(now) as uow:
            conn = uow.connection
            found = await _live(conn, login, SecretKind.LOGIN, now)
            if found is None:
                return None
            secret_id, official = found
            claimed = await conn.execute(
                update(official_secret_t)
                .where(official_secret_t.c.id == secret_id, official_secret_t.c.used_at.is_(None))
                .values(used_at=now)
            )
            if claimed.rowcount != 1:
                return None
            return await _issue(conn, official, SecretKind.SESSION, now, session_for, "")

    async def revoke(
        self, secret_id: int, *, now: datetime, kind: SecretKind | None = None
    ) -> bool:
        """End a secret by its id (of `kind`, when given); False when none is live."""
        where = [official_secret_t.c.id == secret_id, official_secret_t.c.revoked_at.is_(None)]
        if kind is not None:
            where.append(official_secret_t.c.kind == kind.value)
        async with self._storage.unit_of_work(now) as uow:
            done = await uow.connection.execute(
                update(official_secret_t).where(*where).values(revoked_at=now)
            )
            return bool(done.rowcount == 1)

    async def revoke_secret(self, secret: str, kind: SecretKind, *, now: datetime) -> bool:
        """End a secret by its value (signing out); False when it is not stored."""
        async with self._storage.unit_of_work(now) as uow:
            done = await uow.connection.execute(
                update(official_secret_t)
                .where(
                    official_secret_t.c.secret_hash == hash_secret(secret),
                    official_secret_t.c.kind == kind.value,
                    official_secret_t.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
            return bool(done.rowcount == 1)

    async def listing(self, kind: SecretKind | None = None) -> list[SecretRecord]:
        """Every stored secret (of `kind`), oldest first, without values."""
        query = (
            select(official_secret_t, official_t.c.public_id)
            .join(official_t, official_t.c.id == official_secret_t.c.official_id)
            .order_by(official_secret_t.c.id)
        )
        if kind is not None:
            query = query.where(official_secret_t.c.kind == kind.value)
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).all()
        return [
            SecretRecord(
                id=row.id,
                kind=SecretKind(row.kind),
                official_public_id=row.public_id,
                label=row.label,
                created_at=as_utc(row.created_at),
                expires_at=_maybe_utc(row.expires_at),
                used_at=_maybe_utc(row.used_at),
                revoked_at=_maybe_utc(row.revoked_at),
            )
            for row in rows
        ]


async def _issue(
    conn: AsyncConnection,
    official: OfficialRecord,
    kind: SecretKind,
    now: datetime,
    valid_for: timedelta | None,
    label: str,
) -> IssuedSecret:
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    expires_at = None if valid_for is None else now + valid_for
    new_id = await conn.scalar(
        insert(official_secret_t)
        .values(
            official_id=official.id,
            kind=kind.value,
            secret_hash=hash_secret(secret),
            label=label[:80],
            created_at=now,
            expires_at=expires_at,
        )
        .returning(official_secret_t.c.id)
    )
    assert new_id is not None
    return IssuedSecret(new_id, secret, kind, official, expires_at)


async def _live(
    conn: AsyncConnection, secret: str, kind: SecretKind, now: datetime
) -> tuple[int, OfficialRecord] | None:
    if not secret or len(secret) > 200:
        return None
    row = (
        await conn.execute(
            select(official_secret_t)
            .join(official_t, official_t.c.id == official_secret_t.c.official_id)
            .where(
                official_secret_t.c.secret_hash == hash_secret(secret),
                official_secret_t.c.kind == kind.value,
                official_secret_t.c.revoked_at.is_(None),
                official_t.c.revoked_at.is_(None),
            )
        )
    ).first()
    if row is None:
        return None
    expires = row.expires_at
    if expires is not None and as_utc(expires) <= now:
        return None
    if kind is SecretKind.LOGIN and row.used_at is not None:
        return None
    official = await conn.execute(select(official_t).where(official_t.c.id == row.official_id))
    return row.id, _record(official.one())


__all__ = ["IssuedSecret", "SecretKind", "SecretRecord", "Secrets", "hash_secret"]
