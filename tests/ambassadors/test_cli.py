"""`hocvuso ambassador code` run as the operator runs it (a subprocess): the code printed once,
its hash stored, the commune checked against the admin-unit data, mistakes explained."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from storage import Storage, normalise_ambassador_code
from storage.ambassadors import hash_code
from tests.conftest import ROOT


def hocvuso(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOCVUSO_DATABASE_URL": database_url, "HOCVUSO_TIMEZONE": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "ambassador", "code", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_issues_a_code_that_is_stored_hashed(db_url: str) -> None:
    done = hocvuso(db_url, "--commune", "4", "--uses", "3", "--days", "5")
    assert done.returncode == 0, done.stderr
    found = re.search(r"ambassador code: ([A-Z0-9]{4}-[A-Z0-9]{4})", done.stdout)
    assert found, done.stdout
    assert "Phường Ba Đình, Thành phố Hà Nội (00004)" in done.stdout
    assert f"/daisu {found.group(1)}" in done.stdout
    code = normalise_ambassador_code(found.group(1))
    assert code is not None
    store = Storage.open(db_url)
    try:
        [row] = await store.rows("ambassador_code")
    finally:
        await store.close()
    assert row["code_hash"] == hash_code(code) and code not in str(row)
    assert (row["commune_code"], row["province_code"], row["max_uses"]) == ("00004", "01", 3)
    expires = row["expires_at"].replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=5))) < timedelta(minutes=2)
    assert f"valid until: {expires:%Y-%m-%d %H:%M}" in done.stdout


def test_the_defaults_and_a_commune_named(sqlite_url: str) -> None:
    done = hocvuso(sqlite_url, "--commune", "phuong Ngoc Ha, Ha Noi")
    assert done.returncode == 0, done.stderr
    assert "(00008)" in done.stdout and "usable once" in done.stdout


def test_mistakes_say_what_to_fix(sqlite_url: str) -> None:
    unknown = hocvuso(sqlite_url, "--commune", "99999")
    assert unknown.returncode == 2
    assert "there is no commune with code 99999" in unknown.stderr
    several = hocvuso(sqlite_url, "--commune", "Tân Phú")
    assert several.returncode == 2 and "give the code of the one you mean" in several.stderr
    assert re.search(r"^  \d{5}  Xã Tân Phú, ", several.stderr, re.MULTILINE), several.stderr
    none = hocvuso(sqlite_url, "--commune", "Xyzzy")
    assert none.returncode == 2 and "no commune or ward is called 'Xyzzy'" in none.stderr
    uses = hocvuso(sqlite_url, "--commune", "00004", "--uses", "0")
    assert uses.returncode == 2 and "--uses: give a whole number from 1 to 1000" in uses.stderr
    days = hocvuso(sqlite_url, "--commune", "00004", "--days", "soon")
    assert days.returncode == 2 and "--days: give a whole number from 1 to 365" in days.stderr
    store_is_empty = "ambassador code:" not in unknown.stdout + several.stdout + uses.stdout
    assert store_is_empty
