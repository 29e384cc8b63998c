"""Zalo OA access tokens: refreshed before they expire, stored before they are used.

Zalo's refresh token is single-use: the refresh call returns a new pair and the old refresh
token stops working. The order here is therefore fixed:

1. claim the refresh in the database (a journal row with a lease; one refresher at a time
   across workers) and commit;
2. call Zalo with the stored refresh token;
3. store the new pair and drop the journal in one committed transaction;
4. only then hand out the new access token.

A crash between 2 and 3 loses Zalo's answer. The next worker finds the journal with an
expired lease, takes it over and refreshes again with the same (stored) refresh token. That
works if Zalo still accepts a refresh token whose successor pair was never used (we rely on
this; it is unconfirmed, see docs/zalo.md). If Zalo refuses it, the journal is marked
"rejected", the old access token keeps working until it expires (we refresh hours early),
errors are logged with the fix, and a new ZALO_OA_REFRESH_TOKEN from an administrator is
taken on the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.channels.zalo_oa.client import OAClient, TokenRejected, ZaloApiError, ZaloTransportError
from bot.errors import ChannelError, StorageError
from bot.retry import Backoff
from storage import Claim, TokenPair, TokenStore

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(hours=5)  # 25 h tokens are refreshed after about 20 h
LEASE = timedelta(seconds=60)  # longer than the OAuth call's timeout
RETRY_AFTER = timedelta(seconds=30)  # after a failed refresh while the old token still works
# Storing a fresh pair: 8 tries, 0.2 s doubling (about 50 s in all) before the refresh is retried.
STORE_BACKOFF = Backoff(initial=0.2, maximum=25.6, attempts=8)
FIX = (
    "An OA administrator must authorise the app again to get a new refresh token (see "
    "docs/zalo.md), put it in ZALO_OA_REFRESH_TOKEN and restart hocvuso."
)


class CredentialsUnavailable(ChannelError):
    """No usable access token: Zalo refused the refresh token, or cannot be reached now."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class TokenManager:
    """Hands out a valid access token; the only code that refreshes."""

    def __init__(
        self,
        store: TokenStore,
        client: OAClient,
        seed_refresh_token: str,
        *,
        clock: Callable[[], datetime],
        refresh_margin: timedelta = REFRESH_MARGIN,
        lease: timedelta = LEASE,
        busy_poll: float = 0.2,
    ) -> None:
        self.store = store
        self.client = client
        self._seed = seed_refresh_token
        self.clock = clock
        self.refresh_margin = refresh_margin
        self.lease = lease
        self.busy_poll = busy_poll
        self._lock = asyncio.Lock()
        self._pair: TokenPair | None = None
        self._last_alarm: datetime | None = None
        self._quiet_until: datetime | None = None

    async def prepare(self) -> None:
        """At start: seed from ZALO_OA_REFRESH_TOKEN when nothing is stored, or replace a
        refused token with a new one from the administrator; then refresh if due."""
        now = self.clock()
        pair = await self.store.load()
        if pair is None:
            pair = await self.store.seed(self._seed, now)
            log.info("zalo_oa: stored the refresh token from ZALO_OA_REFRESH_TOKEN")
        else:
            reseeded = await self.store.reseed(self._seed, now)
            if reseeded is not None:
                pair = reseeded
                log.warning(
                    "zalo_oa: the stored refresh token had been refused; using the new "
                    "ZALO_OA_REFRESH_TOKEN"
                )
        self._pair = pair
        try:
            await self.access_token()
        except CredentialsUnavailable as exc:
            log.error("zalo_oa: no access token at start: %s", exc)

    async def _current(self) -> TokenPair:
        if self._pair is None:
            self._pair = await self.store.load()
            if self._pair is None:
                self._pair = await self.store.seed(self._seed, self.clock())
        return self._pair

    def _due(self, pair: TokenPair, now: datetime) -> bool:
        return not pair.access_token or pair.access_expires_at - now <= self.refresh_margin

    async def access_token(self) -> str:
        """A token valid for a while yet, refreshing first when it is due.

        Raises:
            CredentialsUnavailable: no valid token and no way to get one right now.
        """
        pair = await self._current()
        if not self._due(pair, self.clock()):
            return pair.access_token
        return (await self._refresh_from(pair)).access_token

    async def token_failed(self, token: str) -> str:
        """Zalo said `token` is invalid or expired (-216/-220): refresh once, return the new
        token (or the one another refresher stored meanwhile)."""
        pair = await self._current()
        if pair.access_token != token:
            return pair.access_token
        stored = await self.store.load()
        if stored is not None and stored.access_token != token:
            self._pair = stored
            return stored.access_token
        return (await self._refresh_from(pair, force=True)).access_token

    async def refresh_if_due(self) -> None:
        """For the periodic job: refresh when the token is within the margin of expiry."""
        self._pair = await self.store.load() or self._pair
        await self.access_token()

    async def _refresh_from(self, pair: TokenPair, *, force: bool = False) -> TokenPair:
        now = self.clock()
        quiet = self._quiet_until is not None and now < self._quiet_until
        if quiet and not force and pair.usable(now):
            return pair  # a refresh failed a moment ago; the old token still works
        try:
            fresh = await self._refresh(pair.generation, force=force)
        except CredentialsUnavailable:
            now = self.clock()
            self._quiet_until = now + RETRY_AFTER
            if not force and pair.usable(now):
                return pair  # the old token still works for a while; errors were logged
            raise
        self._quiet_until = None
        self._pair = fresh
        return fresh

    async def _refresh(self, seen_generation: int, *, force: bool) -> TokenPair:
        async with self._lock:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 2 * self.lease.total_seconds()
            while True:
                now = self.clock()
                try:
                    current = await self.store.load()
                except StorageError as exc:
                    raise CredentialsUnavailable(str(exc), permanent=False) from exc
                if current is None:
                    current = await self.store.seed(self._seed, now)
                if current.generation != seen_generation and current.usable(now):
                    return current  # refreshed by someone else meanwhile
                if not force and not self._due(current, now):
                    return current
                try:
                    claim = await self.store.claim_refresh(current.generation, now, self.lease)
                except StorageError as exc:
                    raise CredentialsUnavailable(str(exc), permanent=False) from exc
                if claim is Claim.STALE:
                    seen_generation = -1
                    continue
                if claim is Claim.BUSY:
                    if loop.time() > deadline:
                        raise CredentialsUnavailable(
                            "another worker's token refresh did not finish", permanent=False
                        )
                    await asyncio.sleep(self.busy_poll)
                    continue
                if claim is Claim.REJECTED:
                    self._alarm("Zalo refused the stored refresh token earlier")
                    raise CredentialsUnavailable(
                        "the refresh token was refused; " + FIX, permanent=True
                    )
                if claim is Claim.TAKEN_OVER:
                    log.warning(
                        "zalo_oa: an earlier token refresh did not finish (crash or timeout); "
                        "retrying it with the same stored refresh token"
                    )
                return await self._call_zalo(current, now)

    async def _call_zalo(self, current: TokenPair, now: datetime) -> TokenPair:
        try:
            issued = await self.client.refresh(current.refresh_token)
        except TokenRejected as exc:
            await self.store.reject(current.generation, self.clock())
            self._alarm(str(exc))
            raise CredentialsUnavailable(f"{exc}; {FIX}", permanent=True) from exc
        except (ZaloApiError, ZaloTransportError) as exc:
            # Zalo may or may not have used the token; the retry sends the same one again.
            await self._release(current.generation)
            raise CredentialsUnavailable(f"token refresh failed: {exc}", permanent=False) from exc
        stored_at = self.clock()
        expires = stored_at + timedelta(seconds=issued.expires_in)
        fresh = await self._store(
            current.generation, issued.access_token, issued.refresh_token, expires, stored_at
        )
        log.info(
            "zalo_oa: access token refreshed (generation %d, valid until %s)",
            fresh.generation,
            fresh.access_expires_at.isoformat(timespec="minutes"),
        )
        return fresh

    async def _store(
        self, generation: int, access: str, refresh: str, expires: datetime, now: datetime
    ) -> TokenPair:
        for attempt in range(STORE_BACKOFF.attempts):
            try:
                return await self.store.complete_refresh(generation, access, refresh, expires, now)
            except StorageError as exc:
                # The new pair exists only in memory now: keep trying to store it before use.
                log.error("zalo_oa: cannot store the new tokens yet (%s); retrying", exc)
                await asyncio.sleep(STORE_BACKOFF.delay(attempt))
        raise CredentialsUnavailable(
            "the database refused the new Zalo tokens; the refresh is retried later",
            permanent=False,
        )

    async def _release(self, generation: int) -> None:
        try:
            await self.store.release(generation, self.clock())
        except StorageError:
            log.warning("zalo_oa: could not release the refresh claim; it expires by itself")

    def _alarm(self, reason: str) -> None:
        now = self.clock()
        if self._last_alarm is None or now - self._last_alarm > timedelta(minutes=10):
            self._last_alarm = now
            log.error("zalo_oa: cannot refresh the access token: %s. %s", reason, FIX)


__all__ = ["REFRESH_MARGIN", "CredentialsUnavailable", "TokenManager"]
