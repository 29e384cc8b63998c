"""The first start prints an administrator's one-time link, so `make run` shows a working
dashboard with no set-up; later starts print nothing while there is a way in, and the command
to get one otherwise."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.state import OfficialKind
from bot.dashboard.first_run import first_run
from bot.service import utc_now
from storage import SecretKind, Storage
from tests.conftest import BotProcess, free_port
from tests.dashboard.world import NOW

URL = "https://hocvuso.example"


async def test_the_first_administrator_and_what_later_starts_say(storage: Storage) -> None:
    lines = await first_run(storage, public_url=URL, now=NOW)
    text = "\n".join(lines)
    link = re.search(rf"{URL}/dashboard/login/(\S+)", text)
    assert link, text
    (admin,) = await storage.officials.all()
    assert admin.kind is OfficialKind.ADMIN and admin.granted_by == "first-run"
    assert await storage.secrets.authenticate(link.group(1), SecretKind.LOGIN, now=NOW) == admin
    assert f"hocvuso admin login {admin.public_id}" in text

    # The link is still waiting: nothing to say, nobody created.
    assert await first_run(storage, public_url=URL, now=NOW + timedelta(hours=1)) == []
    # Spent and the session over: how to get in.
    session = await storage.secrets.exchange(
        link.group(1), now=NOW + timedelta(hours=1), session_for=timedelta(hours=1)
    )
    assert session is not None
    assert await first_run(storage, public_url=URL, now=NOW + timedelta(hours=1, minutes=1)) == []
    later = await first_run(storage, public_url=URL, now=NOW + timedelta(days=2))
    assert later == [
        f"Officials' dashboard at {URL}/dashboard: print a sign-in link with "
        f"`hocvuso admin login {admin.public_id}` (`hocvuso admin list` shows every official)."
    ]
    assert len(await storage.officials.all()) == 1

    await storage.officials.revoke(admin.public_id, now=NOW + timedelta(days=2))
    (revoked,) = await first_run(storage, public_url=URL, now=NOW + timedelta(days=3))
    assert "hocvuso admin grant --role admin" in revoked


async def test_a_fresh_hocvuso_run_prints_a_working_link(sqlite_url: str) -> None:
    port = free_port()
    server = BotProcess(sqlite_url, port).start()
    output = server.stop()
    link = re.search(rf"http://127\.0\.0\.1:{port}/dashboard/login/(\S+)", output)
    assert link, output
    assert link.group(1) not in output.split("see the lines printed below")[0]
    store = Storage.open(sqlite_url)
    try:
        assert await store.secrets.authenticate(link.group(1), SecretKind.LOGIN, now=utc_now())
    finally:
        await store.close()
    again = BotProcess(sqlite_url, free_port()).start().stop()
    assert "/dashboard/login/" not in again
