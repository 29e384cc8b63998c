"""Database URLs and engines: SQLite or PostgreSQL; sync for Alembic, async for the bot."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, overload

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def sync_url(url: str) -> str:
    """The URL Alembic and other synchronous tools use."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"):
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    return url


def async_url(url: str) -> str:
    """The URL the running bot uses (aiosqlite or psycopg's async mode)."""
    parsed = make_url(sync_url(url))
    if parsed.drivername == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    """Whether the URL names a SQLite database."""
    return make_url(url).drivername.startswith("sqlite")


_DIALECTS: dict[str, Any] = {"postgresql": postgresql, "sqlite": sqlite}


@cache
def insert_ignore(dialect: str, table: Table) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for `table`, built once per dialect (`conn.dialect.name`).

    Raises:
        ValueError: for a database other than SQLite or PostgreSQL.
    """
    if dialect not in _DIALECTS:
        raise ValueError(f"unsupported database dialect {dialect}")
    return _DIALECTS[dialect].insert(table).on_conflict_do_nothing()


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite database file, so a fresh checkout just works."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_engine_for(url: str) -> AsyncEngine:
    """An async engine. SQLite transactions begin IMMEDIATE so concurrent writers queue up
    instead of failing with "database is locked" half-way through a learner's turn."""
    ensure_sqlite_folder(url)
    if not is_sqlite(url):
        return create_async_engine(async_url(url), pool_pre_ping=True, pool_size=10)
    engine = create_async_engine(async_url(url), connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        _sqlite_pragmas(dbapi_connection, record)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
