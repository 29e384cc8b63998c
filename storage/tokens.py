"""Rotating platform credentials (Zalo OA): the current token pair and a refresh journal.

Both live in `channel_token`, one row each, so no schema change is needed:

* row `<channel>` holds the pair in use: access token, refresh token, when the access token
  expires, and a `generation` counter that grows by one with every stored refresh.
* row `<channel>.refresh` (the journal) exists only while a refresh is under way or after
  the platform refused one. Its `refresh_token` is the token being spent, `generation` the
  generation it replaces, `access_expires_at` the lease (until when the refresher owns the
  refresh) and `access_token` the state: "in_flight" or "rejected".

The journal is the cross-worker lock (unique `channel`), the record of a refresh that a crash
interrupted (the next worker takes over the expired lease and retries with the same token),
and the durable "the platform refused this refresh token" flag that only a new token from an
administrator clears. The new pair and the journal's removal commit in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import as_utc, insert_ignore
from storage.repository import Storage
from storage.tables import token_t

NO_EXPIRY = datetime(1970, 1, 1, tzinfo=UTC)  # "no access token yet": always due for refresh
JOURNAL_SUFFIX = ".refresh"
IN_FLIGHT = "in_flight"
REJECTED = "rejected"


@dataclass(frozen=True)
class TokenPair:
    """The credentials in use, as stored."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    generation: int

    def usable(self, now: datetime) -> bool:
        """Whether the access token exists and has not expired yet."""
        return bool(self.access_token) and self.access_expires_at > now


@dataclass(frozen=True)
class RefreshJournal:
    """A refresh that was started (and not finished), or that the platform refused."""

    refresh_token: str
    generation: int
    lease_until: datetime
    state: str
    started_at: datetime

    @property
    def rejected(self) -> bool:
        """The platform refused `refresh_token`: only a new token from an administrator helps."""
        return self.state == REJECTED


class Claim(StrEnum):
    """What `TokenStore.claim_refresh` found."""

    CLAIMED = "claimed"  # this caller may refresh now
    TAKEN_OVER = "taken_over"  # ... and an earlier refresh was interrupted (crash, timeout)
    BUSY = "busy"  # someone else is refreshing right now; wait and reload
    STALE = "stale"  # the stored pair is newer than the caller's; reload, no refresh needed
    REJECTED = "rejected"  # the refresh token was refused before; do not send it again


def _pair(row: Any) -> TokenPair:
    return TokenPair(
        row["access_token"],
        row["refresh_token"],
        as_utc(row["access_expires_at"]),
        row["generation"],
    )


def _journal(row: Any) -> RefreshJournal:
    return RefreshJournal(
        row["refresh_token"],
        row["generation"],
        as_utc(row["access_expires_at"]),
        row["access_token"],
        as_utc(row["updated_at"]),
    )


class TokenStore:
    """The stored credentials of one channel (e.g. "zalo_oa")."""

    def __init__(self, storage: Storage, channel: str) -> None:
        if len(channel) + len(JOURNAL_SUFFIX) > 16:
            raise ValueError(f"channel name {channel!r} is too long for channel_token")
        self.storage = storage
        self.channel = channel
        self.journal_channel = channel + JOURNAL_SUFFIX

    async def _row(self, conn: AsyncConnection, channel: str, lock: bool = False) -> Any:
        query = select(token_t).where(token_t.c.channel == channel)
        if lock:
            query = query.with_for_update()
        return (await conn.execute(query)).mappings().first()

    async def _read(self, channel: str) -> Any:
        async with self.storage.reading() as conn:
            return await self._row(conn, channel)

    async def load(self) -> TokenPair | None:
        """The pair in use, or None before the first seed."""
        row = await self._read(self.channel)
        return None if row is None else _pair(row)

    async def journal(self) -> RefreshJournal | None:
        """The unfinished or refused refresh, if any."""
        row = await self._read(self.journal_channel)
        return None if row is None else _journal(row)

    async def seed(self, refresh_token: str, now: datetime) -> TokenPair:
        """Store the administrator's first refresh token, unless a pair is stored already.

        The seed has no access token yet (it expires at the epoch), so the first use refreshes.
        Returns the stored pair (the existing one when there was one).
        """
        async with self.storage.unit_of_work(now) as uow:
            await uow.connection.execute(
                insert_ignore(uow.dialect, token_t).values(
                    channel=self.channel,
                    access_token="",
                    refresh_token=refresh_token,
                    access_expires_at=NO_EXPIRY,
                    generation=0,
                    updated_at=now,
                )
            )
            row = await self._row(uow.connection, self.channel)
        return _pair(row)

    async def reseed(self, refresh_token: str, now: datetime) -> TokenPair | None:
        """Replace a refused refresh token with a new one from the administrator.

        Only when the journal says the stored token was refused and the new token differs
        from it; the access token is kept (it may still be valid). Returns the new pair, or
        None when nothing was changed.
        """
        async with self.storage.unit_of_work(now) as uow:
            current = await self._row(uow.connection, self.channel, lock=True)
            journal = await self._row(uow.connection, self.journal_channel)
            if current is None or journal is None or journal["access_token"] != REJECTED:
                return None
            if refresh_token == journal["refresh_token"]:
                return None
            await uow.connection.execute(
                update(token_t)
                .where(token_t.c.channel == self.channel)
                .values(
                    refresh_token=refresh_token,
                    generation=current["generation"] + 1,
                    updated_at=now,
                )
            )
            await uow.connection.execute(
                delete(token_t).where(token_t.c.channel == self.journal_channel)
            )
            row = await self._row(uow.connection, self.channel)
        return _pair(row)

    async def claim_refresh(self, generation: int, now: datetime, lease: timedelta) -> Claim:
        """Try to become the one refresher of the pair at `generation` until `now + lease`.

        The claim is committed before the caller contacts the platform, so a crash after the
        platform answered leaves a visible, expiring journal that the next worker takes over.
        """
        async with self.storage.unit_of_work(now) as uow:
            current = await self._row(uow.connection, self.channel, lock=True)
            if current is None or current["generation"] != generation:
                return Claim.STALE
            journal = await self._row(uow.connection, self.journal_channel)
            if journal is None:
                await uow.connection.execute(
                    insert(token_t).values(
                        channel=self.journal_channel,
                        access_token=IN_FLIGHT,
                        refresh_token=current["refresh_token"],
                        access_expires_at=now + lease,
                        generation=generation,
                        updated_at=now,
                    )
                )
                return Claim.CLAIMED
            entry = _journal(journal)
            if entry.generation != generation or entry.refresh_token != current["refresh_token"]:
                # Cannot happen while completion and journal removal share a transaction;
                # a leftover from another generation says nothing about this one.
                await uow.connection.execute(
                    update(token_t)
                    .where(token_t.c.channel == self.journal_channel)
                    .values(
                        access_token=IN_FLIGHT,
                        refresh_token=current["refresh_token"],
                        access_expires_at=now + lease,
                        generation=generation,
                        updated_at=now,
                    )
                )
                return Claim.CLAIMED
            if entry.rejected:
                return Claim.REJECTED
            if entry.lease_until > now:
                return Claim.BUSY
            taken = await uow.connection.execute(
                update(token_t)
                .where(
                    token_t.c.channel == self.journal_channel,
                    token_t.c.access_expires_at == journal["access_expires_at"],
                )
                .values(access_expires_at=now + lease)
            )
            return Claim.TAKEN_OVER if taken.rowcount == 1 else Claim.BUSY

    async def complete_refresh(
        self,
        generation: int,
        access_token: str,
        refresh_token: str,
        access_expires_at: datetime,
        now: datetime,
    ) -> TokenPair:
        """Store the new pair and clear the journal, in one committed transaction.

        Raises:
            RuntimeError: the stored generation moved on (another refresher won), which the
                claim makes impossible; the new pair is not stored.
        """
        async with self.storage.unit_of_work(now) as uow:
            done = await uow.connection.execute(
                update(token_t)
                .where(token_t.c.channel == self.channel, token_t.c.generation == generation)
                .values(
                    access_token=access_token,
                    refresh_token=refresh_token,
                    access_expires_at=access_expires_at,
                    generation=generation + 1,
                    updated_at=now,
                )
            )
            if done.rowcount != 1:
                raise RuntimeError(
                    f"{self.channel} tokens moved past generation {generation} during a refresh"
                )
            await uow.connection.execute(
                delete(token_t).where(token_t.c.channel == self.journal_channel)
            )
            row = await self._row(uow.connection, self.channel)
        return _pair(row)

    async def release(self, generation: int, now: datetime) -> None:
        """Give up a claim after a transient failure, so the next attempt need not wait."""
        async with self.storage.unit_of_work(now) as uow:
            await uow.connection.execute(
                delete(token_t).where(
                    token_t.c.channel == self.journal_channel,
                    token_t.c.generation == generation,
                    token_t.c.access_token == IN_FLIGHT,
                )
            )

    async def reject(self, generation: int, now: datetime) -> None:
        """Remember that the platform refused the refresh token of `generation`."""
        async with self.storage.unit_of_work(now) as uow:
            await uow.connection.execute(
                update(token_t)
                .where(
                    token_t.c.channel == self.journal_channel,
                    token_t.c.generation == generation,
                )
                .values(access_token=REJECTED, updated_at=now)
            )


class Tokens:
    """Rotating platform credentials (`Storage.tokens`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def store(self, channel: str) -> TokenStore:
        """The stored credentials of one channel (e.g. "zalo_oa")."""
        return TokenStore(self._storage, channel)


__all__ = ["NO_EXPIRY", "Claim", "RefreshJournal", "TokenPair", "TokenStore", "Tokens"]
