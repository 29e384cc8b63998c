"""`hocvuso admin grant|code|list|revoke` run as the operator runs them (a subprocess): roles
with their areas checked against the admin-unit data, codes printed once and stored hashed,
mistakes explained in one line with exit status 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from storage import Storage, normalise_ambassador_code
from storage.ambassadors import hash_code
from tests.conftest import ROOT


def admin(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOCVUSO_DATABASE_URL": database_url, "HOCVUSO_TIMEZONE": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "admin", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def rows(database_url: str, table: str) -> list[dict[str, object]]:
    store = Storage.open(database_url)
    try:
        return await store.rows(table)
    finally:
        await store.close()


async def test_grant_list_and_revoke(db_url: str) -> None:
    done = admin(db_url, "grant", "--role", "commune", "--commune", "4", "--label", "UBND xã")
    assert done.returncode == 0, done.stderr
    found = re.search(r"official: ([0-9a-f]{16})", done.stdout)
    assert found, done.stdout
    assert "Phường Ba Đình, Thành phố Hà Nội (00004)" in done.stdout
    commune_official = found.group(1)
    done = admin(db_url, "grant", "--role", "province", "--province", "Hà Nội")
    assert done.returncode == 0 and "Thành phố Hà Nội (01)" in done.stdout, done.stderr
    assert admin(db_url, "grant", "--role", "admin").returncode == 0
    stored = await rows(db_url, "official")
    assert [(r["role"], r["province_code"], r["commune_code"]) for r in stored] == [
        ("commune", "01", "00004"),
        ("province", "01", None),
        ("admin", None, None),
    ]
    assert stored[0]["label"] == "UBND xã" and stored[0]["granted_by"] == "cli"

    assert admin(db_url, "revoke", commune_official.upper()).returncode == 0
    listed = admin(db_url, "list").stdout.splitlines()
    assert len(listed) == 3
    assert listed[0].startswith(commune_official) and "revoked" in listed[0]
    assert "province" in listed[1] and "active" in listed[1] and "everywhere" in listed[2]
    again = admin(db_url, "revoke", commune_official)
    assert again.returncode == 2 and "no active official" in again.stderr


async def test_a_code_for_the_chat_is_printed_once_and_stored_hashed(db_url: str) -> None:
    done = admin(db_url, "code", "--role", "province", "--province", "1", "--uses", "3")
    assert done.returncode == 0, done.stderr
    found = re.search(r"official code: ([A-Z0-9]{4}-[A-Z0-9]{4})", done.stdout)
    assert found, done.stdout
    assert f"/canbo {found.group(1)}" in done.stdout
    code = normalise_ambassador_code(found.group(1))
    assert code is not None
    [row] = await rows(db_url, "official_code")
    assert row["code_hash"] == hash_code(code) and code not in str(row)
    assert (row["role"], row["province_code"], row["commune_code"], row["max_uses"]) == (
        "province",
        "01",
        None,
        3,
    )


async def test_mistakes_are_explained_and_nothing_is_stored(db_url: str) -> None:
    cases = [
        (("grant", "--role", "commune"), "--role commune needs --commune"),
        (("grant", "--role", "province", "--commune", "4"), "--role province needs --province"),
        (("code", "--role", "admin", "--province", "01"), "--role admin has no area"),
        (("grant", "--role", "commune", "--commune", "99999"), "no commune with code 99999"),
        (("grant", "--role", "province", "--province", "99"), "there is no province '99'"),
    ]
    for args, message in cases:
        done = admin(db_url, *args)
        assert done.returncode == 2, (args, done.stdout)
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert await rows(db_url, "official") == []
    assert await rows(db_url, "official_code") == []
