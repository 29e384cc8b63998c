"""`hocvuso admin login|token|tokens|untoken` as the operator runs them: a sign-in link and an
API token printed once (only hashes stored), tokens listed without their value, withdrawn."""

from __future__ import annotations

import re

from bot.service import utc_now
from storage import SecretKind, Storage
from tests.officials.test_cli import admin


async def test_links_and_tokens_from_the_command_line(sqlite_url: str) -> None:
    granted = admin(sqlite_url, "grant", "--role", "province", "--province", "01")
    public_id = re.search(r"official: ([0-9a-f]{16})", granted.stdout).group(1)  # type: ignore[union-attr]

    login = admin(sqlite_url, "login", public_id)
    assert login.returncode == 0, login.stderr
    link = re.search(r"(http://127\.0\.0\.1:8080/dashboard/login/(\S+))", login.stdout)
    assert link, login.stdout
    token = admin(sqlite_url, "token", public_id, "--label", "tỉnh BI", "--days", "30")
    assert token.returncode == 0, token.stderr
    token_id, value = re.search(r"API token (\d+) .*\n\s+(\S+)", token.stdout).groups()  # type: ignore[union-attr]

    store = Storage.open(sqlite_url)
    try:
        now = utc_now()
        assert await store.secrets.authenticate(link.group(2), SecretKind.LOGIN, now=now)
        assert await store.secrets.authenticate(value, SecretKind.API, now=now)
        listed = admin(sqlite_url, "tokens")
        assert public_id in listed.stdout and "tỉnh BI" in listed.stdout
        assert value not in listed.stdout and "active" in listed.stdout
        assert admin(sqlite_url, "untoken", token_id).returncode == 0
        assert await store.secrets.authenticate(value, SecretKind.API, now=utc_now()) is None
        assert "withdrawn" in admin(sqlite_url, "tokens").stdout
    finally:
        await store.close()
    again = admin(sqlite_url, "untoken", token_id)
    assert again.returncode == 2 and "no active API token" in again.stderr
    nobody = admin(sqlite_url, "login", "0123456789abcdef")
    assert nobody.returncode == 2 and "no active official" in nobody.stderr
