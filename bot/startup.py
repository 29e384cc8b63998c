"""The checks `hocvuso run` makes before it serves anyone, each failing with one line that
names the setting to fix (`hocvuso: HOCVUSO_…: …`, exit 2), never a traceback.

In the order they run: the SQLite folder can be written, the database answers, its schema is
the code's, and the HTTP port can be listened on. Malformed settings never get this far:
`bot.settings.load_settings` reports them the same way.
"""

from __future__ import annotations

import errno
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from aiohttp import web

from bot.errors import ConfigurationError
from bot.settings import Settings
from storage import current_revision, head_revision

DATABASE = "HOCVUSO_DATABASE_URL"
HOST = "HOCVUSO_HTTP_HOST"
PORT = "HOCVUSO_HTTP_PORT"


def database_revision(settings: Settings) -> str | None:
    """The schema revision of a database that can be written (SQLite) and reached, or None
    when it is empty (`hocvuso db upgrade` and `db current` start here too).

    Raises:
        ConfigurationError: naming HOCVUSO_DATABASE_URL and saying what to do.
    """
    path = settings.sqlite_path()
    if path is not None:
        check_sqlite_folder(path)
    try:
        return current_revision(settings.database_url)
    except Exception as exc:  # noqa: BLE001 - any driver error means the same to the operator
        raise ConfigurationError(
            f"{DATABASE}: cannot open the database {redacted(settings.database_url)} "
            f"({_reason(exc)}); check the address and that the database server is running"
        ) from exc


def check_sqlite_folder(path: Path) -> None:
    """SQLite writes its journal (`-wal`, `-shm`) beside the database file, so the whole folder
    must be writable, not just the file; found here rather than at the first learner's answer.

    Raises:
        ConfigurationError: the folder cannot be created or written, or the file is read-only.
    """
    folder = path.absolute().parent
    advice = f"or point {DATABASE} at another place, e.g. sqlite:///var/hocvuso.db"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"{DATABASE}: cannot create the folder {folder} for the SQLite database "
            f"({_reason(exc)}); create it {advice}"
        ) from exc
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".hocvuso-write-check-"):
            pass
    except OSError as exc:
        raise ConfigurationError(
            f"{DATABASE}: the folder {folder} of the SQLite database is not writable by this "
            f"user ({_reason(exc)}); make it writable (chown or chmod) {advice}"
        ) from exc
    if path.exists():
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            raise ConfigurationError(
                f"{DATABASE}: the SQLite database file {path.absolute()} is not writable by "
                f"this user ({_reason(exc)}); make it writable (chown or chmod) {advice}"
            ) from exc


def check_database(settings: Settings) -> None:
    """Refuse to start on a database that cannot be written or reached, or whose schema is not
    the code's (decision 5: several workers must not race on migrations, so none migrates by
    itself).

    Raises:
        ConfigurationError: naming HOCVUSO_DATABASE_URL, or the command that brings the schema
            up to date.
    """
    current = database_revision(settings)
    head = head_revision()
    if current != head:
        raise ConfigurationError(
            f"The database schema is at {current or 'nothing (empty database)'}, the code needs "
            f"{head}. Run `hocvuso db upgrade` first (make run does it for you)."
        )


async def listen(runner: web.AppRunner, settings: Settings) -> web.TCPSite:
    """Start serving HTTP on HOCVUSO_HTTP_HOST:HOCVUSO_HTTP_PORT.

    Raises:
        ConfigurationError: the port is taken or forbidden, or the host is not this machine's.
    """
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    try:
        await site.start()
    except OSError as exc:
        raise ConfigurationError(
            listen_problem(exc, settings.http_host, settings.http_port)
        ) from exc
    return site


def listen_problem(exc: OSError, host: str, port: int) -> str:
    """What to change when listening on `host:port` failed with `exc`."""
    where = f"{host}:{port}"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"{HOST}: {host!r} is not an address of this machine; use 127.0.0.1 (this machine "
            "only) or 0.0.0.0 (every network)"
        )
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{PORT}: port {port} on {host} is already in use by another program (another "
            f"hocvuso?); stop it or choose a free port with {PORT}"
        )
    if exc.errno == errno.EACCES:
        return (
            f"{PORT}: this user may not listen on port {port} (ports below 1024 need "
            f"administrator rights); choose 1024 or above, e.g. {PORT}=8080, behind a proxy"
        )
    return f"{HOST}/{PORT}: cannot listen on {where} ({_reason(exc)})"


def redacted(url: str) -> str:
    """A database URL fit for a log or a terminal: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _reason(exc: BaseException) -> str:
    """The first line of what the operating system or the driver said, without the wrapper
    SQLAlchemy adds (its class name in brackets, a link to its docs on the next line)."""
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else cause.__class__.__name__


__all__ = [
    "check_database",
    "check_sqlite_folder",
    "database_revision",
    "listen",
    "listen_problem",
    "redacted",
]
