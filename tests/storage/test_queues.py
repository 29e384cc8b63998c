"""The inbox written in bulk (`Inbox.store_many`, `mark_processed_many`, `mark_failed_many`),
on SQLite and PostgreSQL: the same answers as one event at a time, in one statement each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from storage import Storage
from storage.tables import inbox_t

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def rows(storage: Storage) -> dict[int, dict[str, Any]]:
    async with storage.reading() as conn:
        result = await conn.execute(select(inbox_t).order_by(inbox_t.c.id))
        return {row["id"]: dict(row) for row in result.mappings()}


def at(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (UTC)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


async def test_store_many_answers_ids_in_order_and_none_for_duplicates(storage: Storage) -> None:
    inbox = storage.inbox
    first = await inbox.store_many("telegram", [("1:1", "a"), ("1:2", "b"), ("1:1", "c")], NOW)
    assert isinstance(first[0], int) and isinstance(first[1], int) and first[2] is None
    assert first[0] < first[1]
    again = await inbox.store_many("telegram", [("1:3", "d"), ("1:2", "e")], NOW)
    assert isinstance(again[0], int) and again[1] is None
    # The same key on another channel is another event.
    [other] = await inbox.store_many("zalo", [("1:1", "f")], NOW)
    assert isinstance(other, int)
    assert await inbox.store_many("telegram", [], NOW) == []

    stored = await rows(storage)
    assert [(r["channel"], r["event_key"], r["payload"]) for r in stored.values()] == [
        ("telegram", "1:1", "a"),
        ("telegram", "1:2", "b"),
        ("telegram", "1:3", "d"),
        ("zalo", "1:1", "f"),
    ]
    assert all(r["attempts"] == 0 and r["processed_at"] is None for r in stored.values())
    assert {at(r["received_at"]) for r in stored.values()} == {NOW}


async def test_store_and_store_many_agree(storage: Storage) -> None:
    inbox = storage.inbox
    long_key = "9:" + "x" * 200
    [stored] = await inbox.store_many("telegram", [(long_key, "{}")], NOW)
    assert stored is not None
    # Keys are cut to 128 characters either way, so the single store sees a duplicate.
    assert await inbox.store("telegram", long_key, "{}", NOW) is None
    assert await inbox.store("telegram", "9:1", "{}", NOW) is not None
    assert await inbox.store_many("telegram", [("9:1", "{}")], NOW) == [None]
    assert [len(r["event_key"]) for r in (await rows(storage)).values()] == [128, 3]


async def test_a_large_batch_gets_every_id(storage: Storage) -> None:
    inbox = storage.inbox
    events = [(f"1:{n}", f'{{"update_id": {n}}}') for n in range(1500)]
    ids = await inbox.store_many("telegram", events, NOW)
    assert len(set(ids)) == 1500 and all(isinstance(i, int) for i in ids)
    stored = await rows(storage)
    assert [stored[i]["event_key"] for i in ids if i is not None] == [k for k, _p in events]


async def test_marks_in_bulk(storage: Storage) -> None:
    inbox = storage.inbox
    ids = await inbox.store_many("telegram", [(f"1:{n}", "{}") for n in range(5)], NOW)
    a, b, c, d, e = (i for i in ids if i is not None)
    later = NOW + timedelta(seconds=3)
    await inbox.mark_processed_many([a, c], later)
    await inbox.mark_processed_many([], later)
    await inbox.mark_failed_many([(b, "boom" * 1000)], later, give_up=True)
    await inbox.mark_failed_many([(d, "again"), (e, "later")], later, give_up=False)
    await inbox.mark_failed_many([(d, "twice")], later, give_up=False)

    stored = await rows(storage)
    assert at(stored[a]["processed_at"]) == later and stored[a]["attempts"] == 0
    assert at(stored[c]["processed_at"]) == later
    assert at(stored[b]["processed_at"]) == later and stored[b]["attempts"] == 1
    assert stored[b]["last_error"] == ("boom" * 1000)[:2000]
    assert stored[d]["processed_at"] is None and stored[d]["attempts"] == 2
    assert stored[d]["last_error"] == "twice" and stored[e]["last_error"] == "later"
    assert [item.id for item in await inbox.pending("telegram")] == [d, e]


async def test_single_marks_are_the_bulk_ones(storage: Storage) -> None:
    inbox = storage.inbox
    first = await inbox.store("telegram", "1:1", "{}", NOW)
    second = await inbox.store("telegram", "1:2", "{}", NOW)
    assert first is not None and second is not None
    await inbox.mark_processed(first, NOW)
    await inbox.mark_failed(second, "x", NOW, give_up=False)
    [left] = await inbox.pending("telegram")
    assert left.id == second and left.attempts == 1


async def test_bulk_writes_share_the_callers_transaction(storage: Storage) -> None:
    inbox = storage.inbox
    [done] = await inbox.store_many("telegram", [("1:0", "{}")], NOW)
    assert done is not None
    with pytest.raises(RuntimeError):
        async with storage.unit_of_work(NOW) as uow:
            await inbox.store_many("telegram", [("1:1", "{}")], NOW, uow=uow)
            await inbox.mark_processed_many([done], NOW, uow=uow)
            raise RuntimeError("rolled back")
    # Nothing of the rolled-back transaction is left.
    [left] = await inbox.pending("telegram")
    assert left.id == done
    async with storage.unit_of_work(NOW) as uow:
        [stored] = await inbox.store_many("telegram", [("1:1", "{}")], NOW, uow=uow)
        await inbox.mark_processed_many([done], NOW, uow=uow)
    assert [item.id for item in await inbox.pending("telegram")] == [stored]
