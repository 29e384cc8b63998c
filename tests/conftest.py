"""Shared fixtures: content, databases (SQLite and PostgreSQL), storage, service, servers."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from bot.content import Catalog, load_catalog
from bot.service import ConversationService
from storage import Storage
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("HOCVUSO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped content, without its self-check: the channel, storage and browser tests
    drive lessons from the first "Học bài" and the menu after the profile questions. The
    self-check's own tests (tests/core/test_selfcheck.py) load it as shipped."""
    return dataclasses.replace(load_catalog(), selfcheck=None)


def _pg_admin() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is required for the storage tests and is not reachable at {PG_ADMIN} "
            f"({exc}). Start it (see README) or point HOCVUSO_TEST_PG at one.",
            pytrace=False,
        )


def _pg_url(database: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database that each test copies (CREATE DATABASE … TEMPLATE)."""
    name = f"hocvuso_tpl_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    upgrade(_pg_url(name))
    yield name
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@contextmanager
def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of the given backend, dropped afterwards."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "hocvuso.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"hocvuso_t_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    try:
        yield _pg_url(name)
    finally:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    with fresh_database(request.param, request, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated SQLite database (for tests that need not run on both backends)."""
    with fresh_database("sqlite", request, tmp_path) as url:
        yield url


@pytest.fixture
async def storage(db_url: str) -> AsyncIterator[Storage]:
    """Storage on a fresh database (both backends)."""
    store = Storage.open(db_url)
    yield store
    await store.close()


@pytest.fixture
async def sqlite_storage(sqlite_url: str) -> AsyncIterator[Storage]:
    """Storage on a fresh SQLite database."""
    store = Storage.open(sqlite_url)
    yield store
    await store.close()


@pytest.fixture
def service(storage: Storage, catalog: Catalog) -> ConversationService:
    """The conversation service on a fresh database (both backends)."""
    return ConversationService(storage, catalog)


async def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait until `condition()` holds (checked every 10 ms); TimeoutError after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"still not true after {seconds} s")
        await asyncio.sleep(0.01)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    """`hocvuso run` in a subprocess, as an operator would start it."""

    def __init__(self, database_url: str, port: int, extra_env: dict[str, str] | None = None):
        self.database_url, self.port = database_url, port
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.base_url = f"http://127.0.0.1:{port}"

    def start(self, timeout: float = 30) -> BotProcess:
        env = {
            **os.environ,
            # As the `catalog` fixture: these tests start learning at lesson 1 (a test that
            # wants the self-check passes HOCVUSO_SELFCHECK=true in `extra_env`).
            "HOCVUSO_SELFCHECK": "false",
            "HOCVUSO_DATABASE_URL": self.database_url,
            "HOCVUSO_HTTP_HOST": "127.0.0.1",
            "HOCVUSO_HTTP_PORT": str(self.port),
            **self.extra_env,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                output = self.proc.stdout.read().decode() if self.proc.stdout else ""
                raise RuntimeError(f"hocvuso run exited with {self.proc.returncode}:\n{output}")
            try:
                # Ready once start-up is over (channels on, scheduler running), not merely
                # when the port opens.
                with urllib.request.urlopen(f"{self.base_url}/readyz", timeout=0.5) as answer:
                    if answer.status == 200:
                        return self
            except OSError:  # refused, 503 "starting" (HTTPError), timeout
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("hocvuso run was not ready in time")

    def stop(self) -> str:
        """Stop with SIGTERM (as systemd would) and return what it printed."""
        if self.proc is None:
            return ""
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self.proc = None
        return out.decode(errors="replace")


@pytest.fixture
def bot_process(db_url: str) -> Iterator[BotProcess]:
    """A running `hocvuso run` on a fresh database (both backends); stopped afterwards."""
    process = BotProcess(db_url, free_port()).start()
    yield process
    process.stop()
