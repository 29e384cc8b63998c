"""`hocvuso announce --to province|commune CODE --group G [--dry-run]` run as an operator runs
it, on both databases: the count and the area's names printed, only that area's learners
queued (the dry run queues nobody)."""

from __future__ import annotations

import asyncio

import pytest

from storage import Storage
from tests.outbox.scoped import populate, recipients
from tests.outbox.test_announce import run_cli

TEXT = "Thông báo: thứ Bảy này phường hướng dẫn cài VNeID tại nhà văn hoá."
SENDS = "; the running bot sends them (see `hocvuso outbox status`)\n"


async def seeded(db_url: str) -> Storage:
    storage = Storage.open(db_url)
    await populate(storage)
    return storage


async def test_an_official_reaches_only_their_commune_and_group(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = await seeded(db_url)
    try:
        dry = ["announce", "--text", TEXT, "--to", "commune", "4", "--dry-run"]
        code, out, err = await asyncio.to_thread(run_cli, dry, capsys, monkeypatch, db_url)
        assert code == 0, err
        assert out == (
            "dry run: 2 learner(s) would receive it in Phường Ba Đình, Thành phố Hà Nội "
            "(00004); nothing was queued\n"
        )
        assert await recipients(storage) == []

        scoped = ["--to", "province", "01", "--to", "commune", "Ba Đình", "--group", "residents"]
        code, out, err = await asyncio.to_thread(
            run_cli, ["announce", "--text", TEXT, *scoped], capsys, monkeypatch, db_url
        )
        assert code == 0, err
        assert out == (
            "queued 1 announcement message(s) in Phường Ba Đình, Thành phố Hà Nội (00004) "
            "for the group residents" + SENDS
        )
        assert await recipients(storage) == ["an"]

        by_province = ["announce", "--text", TEXT, "--to", "province", "Hồ Chí Minh"]
        code, out, err = await asyncio.to_thread(
            run_cli, [*by_province, "--channel", "telegram"], capsys, monkeypatch, db_url
        )
        assert code == 0, err
        assert out == (
            "queued 1 announcement message(s) in Thành phố Hồ Chí Minh (79) on telegram" + SENDS
        )
        assert await recipients(storage) == ["an", "chi"]

        everyone = ["announce", "--text", TEXT, "--to", "all", "--group", "PUPILS", "--dry-run"]
        code, out, err = await asyncio.to_thread(run_cli, everyone, capsys, monkeypatch, db_url)
        assert code == 0, err
        assert out.startswith("dry run: 1 learner(s) would receive it everywhere for the group")
    finally:
        await storage.close()
