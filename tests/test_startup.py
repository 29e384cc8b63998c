"""Every start-up failure an operator can cause, through the real `hocvuso run`: one line on
stderr naming the setting to fix, exit code 2, no traceback."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.fakes.fake_bot_api import TOKEN, FakeBotApi

SETPRIV = shutil.which("setpriv")


def hocvuso_run(
    env: dict[str, str], cwd: Path, *, drop: str | None = None, command: str = "run"
) -> subprocess.CompletedProcess[str]:
    """`hocvuso run` as an operator starts it, in `cwd` (so no developer's .env is read).

    `drop`: a capability taken away from the process even when the tests run as root (as in
    CI), so that file permissions apply to it as to any other user.
    """
    argv = [sys.executable, "-m", "bot", *command.split()]
    if drop and os.geteuid() == 0:
        if SETPRIV is None:
            pytest.fail("setpriv (util-linux) is needed to drop root's powers in this test")
        argv = [SETPRIV, "--bounding-set", f"-{drop}", "--", *argv]
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOCVUSO_HTTP_HOST": "127.0.0.1"}
    base.setdefault("HOCVUSO_HTTP_PORT", str(free_port()))
    return subprocess.run(
        argv,
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_naming(result: subprocess.CompletedProcess[str], variable: str) -> str:
    """The operator sees exactly one line, naming `variable`, and the process exits with 2."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hocvuso: ") and variable in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port some other program is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_the_port_already_in_use(sqlite_url: str, busy_port: int, tmp_path: Path) -> None:
    result = hocvuso_run(
        {"HOCVUSO_DATABASE_URL": sqlite_url, "HOCVUSO_HTTP_PORT": str(busy_port)}, tmp_path
    )
    line = assert_one_line_naming(result, "HOCVUSO_HTTP_PORT")
    assert f"port {busy_port} on 127.0.0.1 is already in use" in line


def test_a_host_that_is_not_this_machine(sqlite_url: str, tmp_path: Path) -> None:
    # 192.0.2.0/24 is TEST-NET-1: never an address of this machine.
    result = hocvuso_run(
        {"HOCVUSO_DATABASE_URL": sqlite_url, "HOCVUSO_HTTP_HOST": "192.0.2.1"}, tmp_path
    )
    assert "not an address of this machine" in assert_one_line_naming(result, "HOCVUSO_HTTP_HOST")


@pytest.mark.parametrize("command", ["run", "db upgrade", "db current", "outbox status"])
def test_the_database_server_unreachable_and_its_password_unprinted(
    tmp_path: Path, command: str
) -> None:
    url = "postgresql+psycopg://hocvuso:s3cret-pw@127.0.0.1:1/hocvuso"
    result = hocvuso_run({"HOCVUSO_DATABASE_URL": url}, tmp_path, command=command)
    line = assert_one_line_naming(result, "HOCVUSO_DATABASE_URL")
    assert "Connection refused" in line
    assert "s3cret-pw" not in line and "hocvuso:***@127.0.0.1:1" in line


def test_a_read_only_database_folder(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    var.chmod(0o555)
    try:
        result = hocvuso_run(
            {"HOCVUSO_DATABASE_URL": f"sqlite:///{var}/hocvuso.db"}, tmp_path, drop="dac_override"
        )
    finally:
        var.chmod(0o755)
    line = assert_one_line_naming(result, "HOCVUSO_DATABASE_URL")
    assert f"the folder {var} of the SQLite database is not writable" in line
    assert list(var.iterdir()) == []


def test_a_read_only_database_file(sqlite_url: str, tmp_path: Path) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    path.chmod(0o444)
    result = hocvuso_run({"HOCVUSO_DATABASE_URL": sqlite_url}, tmp_path, drop="dac_override")
    line = assert_one_line_naming(result, "HOCVUSO_DATABASE_URL")
    assert f"the SQLite database file {path} is not writable" in line


def test_a_database_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "var").write_text("a file where the folder should be")
    result = hocvuso_run(
        {"HOCVUSO_DATABASE_URL": f"sqlite:///{tmp_path}/var/hocvuso.db"}, tmp_path
    )
    line = assert_one_line_naming(result, "HOCVUSO_DATABASE_URL")
    assert f"cannot create the folder {tmp_path}/var" in line


def test_an_unmigrated_database(tmp_path: Path) -> None:
    result = hocvuso_run({"HOCVUSO_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}, tmp_path)
    assert "hocvuso db upgrade" in assert_one_line_naming(result, "db upgrade")


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("TELEGRAM_BOT_TOKEN", "12345:not-a-token", "<digits>:<35 characters>"),
        # One letter short: a token copied without its last character.
        ("TELEGRAM_BOT_TOKEN", "123456789:AAHfakeTokenForTests_0123456789abc", "@BotFather"),
        ("HOCVUSO_HTTP_PORT", "tám nghìn", "valid integer"),
        ("HOCVUSO_HTTP_PORT", "99999", "65535"),
        ("HOCVUSO_TRUSTED_PROXIES", "10.0.0.1, proxy.local", "'proxy.local' is not an IP"),
        ("HOCVUSO_PUBLIC_URL", "hocvuso.example.vn", "https://hocvuso.example.vn"),
        ("HOCVUSO_DATABASE_URL", "mysql://x", "postgresql+psycopg://"),
    ],
)
def test_malformed_settings(variable: str, value: str, hint: str, tmp_path: Path) -> None:
    env = {"HOCVUSO_DATABASE_URL": f"sqlite:///{tmp_path}/unused.db", variable: value}
    line = assert_one_line_naming(hocvuso_run(env, tmp_path), f"{variable}: ")
    assert hint in line
    if variable == "TELEGRAM_BOT_TOKEN":
        assert value not in line  # a token with a typo may still be nearly the real one


def test_a_well_formed_token_and_proxies_pass_the_settings(tmp_path: Path) -> None:
    """The same command gets past the settings with good values (and stops at the schema)."""
    env = {
        "HOCVUSO_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db",
        "TELEGRAM_BOT_TOKEN": "123456789:AAHfakeTokenForTests_0123456789abcd",
        "HOCVUSO_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8 ::1",
    }
    assert "hocvuso db upgrade" in assert_one_line_naming(hocvuso_run(env, tmp_path), "db")


async def test_a_token_telegram_rejects(sqlite_url: str, tmp_path: Path) -> None:
    """Well shaped, but not this bot's (revoked, or another bot's): the fake Bot API says 401."""
    fake = await FakeBotApi().start()
    other = "987654321:" + "B" * 35
    try:
        env = {
            "HOCVUSO_DATABASE_URL": sqlite_url,
            "TELEGRAM_BOT_TOKEN": other,
            "TELEGRAM_API_BASE_URL": fake.base_url,
        }
        result = await asyncio.to_thread(hocvuso_run, env, tmp_path)
    finally:
        await fake.close()
    line = assert_one_line_naming(result, "TELEGRAM_BOT_TOKEN: ")
    assert "bot 987654321" in line and "B" * 35 not in line  # the secret half never printed


async def test_the_telegram_api_unreachable(sqlite_url: str, tmp_path: Path) -> None:
    env = {
        "HOCVUSO_DATABASE_URL": sqlite_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:1/bot",
    }
    result = await asyncio.to_thread(hocvuso_run, env, tmp_path)
    line = assert_one_line_naming(result, "TELEGRAM_API_BASE_URL: ")
    assert TOKEN.split(":")[1] not in line
