"""Zalo OA token rotation: refreshed before expiry, stored before use, single-use refresh
tokens, and a crash between Zalo's answer and our write that must not lock the bot out."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.content import Catalog
from storage import Storage, TokenStore
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.zalo.conftest import OALearner, inbox_rows, oa_runtime, running_oa

USER = "2468458835291979220"
ALMOST_EXPIRED = timedelta(hours=21)  # 25 h tokens; refreshed when under 5 h remain


async def stored(storage: Storage) -> tuple[Any, Any]:
    store = storage.tokens.store("zalo_oa")
    return await store.load(), await store.journal()


async def test_tokens_refresh_before_expiry_and_are_stored_before_use(
    storage: Storage,
    a1_catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored_tokens: list[str] = []
    original = TokenStore.complete_refresh

    async def recording(self: TokenStore, *args: Any) -> Any:
        pair = await original(self, *args)
        # Committed, and Zalo has not seen this access token used yet.
        assert (await self.load()) == pair
        assert not [m for m in fake.oa_messages if m.access_token == pair.access_token]
        stored_tokens.append(pair.access_token)
        return pair

    monkeypatch.setattr(TokenStore, "complete_refresh", recording)
    env_token = fake.consent()
    async with running_oa(storage, a1_catalog, fake, clock, env_token) as oa:
        assert fake.refresh_calls == [env_token]  # seeded from ZALO_OA_REFRESH_TOKEN, used once
        learner = OALearner(oa, USER)
        await learner.follow()
        first, journal = await stored(storage)
        assert first.generation == 1 and journal is None
        assert {m.access_token for m in learner.last} == {first.access_token}

        clock.advance(ALMOST_EXPIRED)
        await learner.say("/tiendo")
        second, _ = await stored(storage)
        assert fake.refresh_calls == [env_token, first.refresh_token]
        assert second.generation == 2
        assert {m.access_token for m in learner.last} == {second.access_token}

    # A restart uses the stored pair; the (already used) environment token is not sent again.
    async with running_oa(storage, a1_catalog, fake, clock, env_token) as oa:
        learner = OALearner(oa, USER)
        await learner.say("menu")
        assert len(fake.refresh_calls) == 2
        assert {m.access_token for m in learner.last} == {second.access_token}

        # Zalo says the token is invalid (-216): refresh once, retry, nothing lost.
        fake.access[second.access_token].revoked = True
        await learner.say("/tiendo")
        third, _ = await stored(storage)
        assert fake.refresh_calls[-1] == second.refresh_token and third.generation == 3
        assert learner.last and {m.access_token for m in learner.last} == {third.access_token}

        # The periodic job refreshes without any traffic.
        clock.advance(ALMOST_EXPIRED)
        await oa.runtime.tokens.refresh_if_due()
        fourth, _ = await stored(storage)
        assert fourth.generation == 4 and fake.refresh_calls[-1] == third.refresh_token
    assert set(stored_tokens) >= {m.access_token for m in fake.oa_messages}


async def test_two_workers_refresh_once(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    env_token = fake.consent()
    one = oa_runtime(storage, a1_catalog, fake, clock, env_token)
    two = oa_runtime(storage, a1_catalog, fake, clock, env_token)
    for runtime in (one, two):
        await runtime.client.start()
    try:
        tokens = await asyncio.gather(one.tokens.access_token(), two.tokens.access_token())
        assert tokens[0] == tokens[1] and fake.refresh_calls == [env_token]
        clock.advance(ALMOST_EXPIRED)
        tokens = await asyncio.gather(two.tokens.access_token(), one.tokens.access_token())
        assert tokens[0] == tokens[1] and len(fake.refresh_calls) == 2
    finally:
        for runtime in (one, two):
            await runtime.client.close()


async def crash_during_refresh(
    storage: Storage,
    catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    env_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Process A asks Zalo for new tokens, gets them, and dies before storing them."""
    answered = asyncio.Event()

    async def die_before_storing(self: TokenStore, *args: Any) -> Any:
        answered.set()
        await asyncio.Event().wait()  # frozen here until the process is killed

    async with running_oa(storage, catalog, fake, clock, env_token) as oa:
        learner = OALearner(oa, USER)
        await learner.follow()
        await learner.choose("Đồng ý")
        clock.advance(ALMOST_EXPIRED)
        monkeypatch.setattr(TokenStore, "complete_refresh", die_before_storing)
        await oa.post(oa.text(USER, "/tiendo"), wait=False)
        await asyncio.wait_for(answered.wait(), 10)
    monkeypatch.undo()


async def test_crash_between_refresh_and_store_is_recovered(
    storage: Storage,
    a1_catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    env_token = fake.consent()
    await crash_during_refresh(storage, a1_catalog, fake, clock, env_token, monkeypatch)
    before, journal = await stored(storage)
    assert journal is not None and journal.state == "in_flight"
    lost = fake.refresh[before.refresh_token].successor  # Zalo's answer that never got stored
    assert lost is not None and before.generation == 1
    assert [row["processed_at"] for row in await inbox_rows(storage, "zalo_oa")][-1] is None

    # The next start finds the interrupted refresh and repeats it with the stored token;
    # Zalo accepts it because the lost pair was never used (see docs/zalo.md).
    clock.advance(timedelta(minutes=2))
    caplog.set_level(logging.WARNING, logger="bot.channels.zalo_oa")
    async with running_oa(storage, a1_catalog, fake, clock, env_token) as oa:
        await oa.runtime.worker.wait_idle()
        after, journal = await stored(storage)
        assert journal is None and after.generation == 2
        assert fake.refresh_calls == [env_token, before.refresh_token, before.refresh_token]
        assert fake.access[lost[0]].revoked  # the lost pair is dead, the stored one works
        replies = [m for m in fake.messages_to(USER) if m.access_token == after.access_token]
        assert any("%" in m.text for m in replies)  # the /tiendo answer that was waiting
        # Not locked out: the next rotation works from the recovered pair.
        clock.advance(ALMOST_EXPIRED)
        await OALearner(oa, USER).say("menu")
        latest, _ = await stored(storage)
        assert latest.generation == 3 and fake.refresh_calls[-1] == after.refresh_token
    assert any("did not finish" in r.getMessage() for r in caplog.records)


async def test_crash_when_zalo_refuses_the_retry_keeps_working_and_recovers(
    storage: Storage,
    a1_catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.refresh_mode = "strict"  # the worst case: a used refresh token is refused at once
    env_token = fake.consent()
    await crash_during_refresh(storage, a1_catalog, fake, clock, env_token, monkeypatch)
    old, _ = await stored(storage)
    clock.advance(timedelta(minutes=2))
    caplog.set_level(logging.ERROR, logger="bot.channels.zalo_oa")
    async with running_oa(storage, a1_catalog, fake, clock, env_token) as oa:
        await oa.runtime.worker.wait_idle()
        _, journal = await stored(storage)
        assert journal is not None and journal.state == "rejected"
        # The old access token still has hours left: learners are still answered.
        replies = fake.messages_to(USER)
        assert replies[-1].access_token == old.access_token
        assert any("%" in m.text for m in replies[-3:])
        assert any("ZALO_OA_REFRESH_TOKEN" in r.getMessage() for r in caplog.records)
        calls = len(fake.refresh_calls)

        # Once it expires, messages wait in the inbox (never dropped, refused token not resent).
        clock.advance(timedelta(hours=5))
        await oa.post(oa.text(USER, "menu"), wait=False)
        await asyncio.sleep(0.3)
        pending = [r for r in await inbox_rows(storage, "zalo_oa") if r["processed_at"] is None]
        assert len(pending) == 1 and pending[0]["attempts"] >= 1
        assert len(fake.refresh_calls) == calls

    # An administrator authorises the app again and sets the new token; one restart fixes it.
    new_env_token = fake.consent()
    async with running_oa(storage, a1_catalog, fake, clock, new_env_token) as oa:
        await oa.runtime.worker.wait_idle()
        pair, journal = await stored(storage)
        assert journal is None and fake.refresh_calls[-1] == new_env_token
        assert fake.messages_to(USER)[-1].access_token == pair.access_token
        assert all(row["processed_at"] for row in await inbox_rows(storage, "zalo_oa"))
