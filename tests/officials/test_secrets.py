"""`Storage.secrets` on SQLite and PostgreSQL: login links are used once and traded for a
session, sessions and API tokens expire or are revoked, and every secret stops working the moment
its official is revoked. Only hashes are stored."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.state import OfficialKind
from storage import OfficialRecord, SecretKind, Storage, hash_secret

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
MINUTES_15 = timedelta(minutes=15)


async def official(storage: Storage, commune: str = "00004") -> OfficialRecord:
    return await storage.officials.grant(
        kind=OfficialKind.COMMUNE, province="01", commune=commune, now=NOW
    )


async def test_a_login_link_is_traded_once_for_a_session(storage: Storage) -> None:
    who = await official(storage)
    link = await storage.secrets.issue(who, SecretKind.LOGIN, now=NOW, valid_for=MINUTES_15)
    assert (await storage.secrets.authenticate(link.secret, SecretKind.LOGIN, now=NOW)) == who
    # A link is not a session, and a session is not an API token.
    assert await storage.secrets.authenticate(link.secret, SecretKind.SESSION, now=NOW) is None
    session = await storage.secrets.exchange(link.secret, now=NOW, session_for=timedelta(hours=8))
    assert session is not None and session.kind is SecretKind.SESSION
    assert session.expires_at == NOW + timedelta(hours=8)
    found = await storage.secrets.authenticate(session.secret, SecretKind.SESSION, now=NOW)
    assert found is not None and found.public_id == who.public_id
    assert await storage.secrets.authenticate(session.secret, SecretKind.API, now=NOW) is None
    # Used: neither a second exchange nor a check works.
    assert await storage.secrets.exchange(link.secret, now=NOW, session_for=MINUTES_15) is None
    assert await storage.secrets.authenticate(link.secret, SecretKind.LOGIN, now=NOW) is None


async def test_two_requests_with_one_link_get_one_session(storage: Storage) -> None:
    who = await official(storage)
    link = await storage.secrets.issue(who, SecretKind.LOGIN, now=NOW, valid_for=MINUTES_15)
    results = await asyncio.gather(
        *(
            storage.secrets.exchange(link.secret, now=NOW, session_for=MINUTES_15)
            for _ in range(4)
        ),
        return_exceptions=True,
    )
    sessions = [result for result in results if result is not None]
    # A loser may see None, or the database's serialisation refusal: never a second session.
    assert len([s for s in sessions if not isinstance(s, BaseException)]) == 1


async def test_secrets_expire_and_are_revoked(storage: Storage) -> None:
    who = await official(storage)
    link = await storage.secrets.issue(who, SecretKind.LOGIN, now=NOW, valid_for=MINUTES_15)
    late = NOW + MINUTES_15
    assert await storage.secrets.authenticate(link.secret, SecretKind.LOGIN, now=late) is None
    assert await storage.secrets.exchange(link.secret, now=late, session_for=MINUTES_15) is None

    token = await storage.secrets.issue(
        who, SecretKind.API, now=NOW, valid_for=None, label="provincial dashboard"
    )
    years_later = NOW + timedelta(days=3650)
    assert await storage.secrets.authenticate(token.secret, SecretKind.API, now=years_later) == who
    assert await storage.secrets.revoke(token.id, now=NOW, kind=SecretKind.API)
    assert not await storage.secrets.revoke(token.id, now=NOW)
    assert await storage.secrets.authenticate(token.secret, SecretKind.API, now=NOW) is None

    session = await storage.secrets.issue(who, SecretKind.SESSION, now=NOW, valid_for=MINUTES_15)
    assert await storage.secrets.revoke_secret(session.secret, SecretKind.SESSION, now=NOW)
    assert await storage.secrets.authenticate(session.secret, SecretKind.SESSION, now=NOW) is None
    assert not await storage.secrets.revoke_secret("not-a-secret", SecretKind.SESSION, now=NOW)


async def test_a_revoked_official_loses_every_secret(storage: Storage) -> None:
    who = await official(storage)
    other = await official(storage, "00008")
    token = await storage.secrets.issue(who, SecretKind.API, now=NOW, valid_for=None)
    theirs = await storage.secrets.issue(other, SecretKind.API, now=NOW, valid_for=None)
    session = await storage.secrets.issue(who, SecretKind.SESSION, now=NOW, valid_for=MINUTES_15)
    assert await storage.officials.revoke(who.public_id, now=NOW)
    assert await storage.secrets.authenticate(token.secret, SecretKind.API, now=NOW) is None
    assert await storage.secrets.authenticate(session.secret, SecretKind.SESSION, now=NOW) is None
    assert await storage.secrets.authenticate(theirs.secret, SecretKind.API, now=NOW) == other
    revoked = await storage.officials.by_public_id(who.public_id)
    assert revoked is not None
    with pytest.raises(ValueError, match="revoked"):
        await storage.secrets.issue(revoked, SecretKind.LOGIN, now=NOW, valid_for=MINUTES_15)


async def test_only_hashes_are_stored_and_listed_without_values(storage: Storage) -> None:
    who = await official(storage)
    token = await storage.secrets.issue(who, SecretKind.API, now=NOW, valid_for=None, label="LGSP")
    await storage.secrets.issue(who, SecretKind.LOGIN, now=NOW, valid_for=MINUTES_15)
    assert len(token.secret) >= 40
    listed = await storage.secrets.listing(SecretKind.API)
    assert [(r.id, r.official_public_id, r.label, r.revoked_at) for r in listed] == [
        (token.id, who.public_id, "LGSP", None)
    ]
    assert len(await storage.secrets.listing()) == 2
    assert hash_secret(token.secret) != token.secret
    with pytest.raises(ValueError):
        await storage.secrets.issue(who, SecretKind.LOGIN, now=NOW, valid_for=timedelta(0))
    # A presented value that is absurdly long or empty is refused before any query.
    assert await storage.secrets.authenticate("", SecretKind.API, now=NOW) is None
    assert await storage.secrets.authenticate("x" * 500, SecretKind.API, now=NOW) is None
