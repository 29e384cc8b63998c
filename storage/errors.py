"""Database errors mapped once, at the storage boundary, into `StorageError`.

Every read and every transaction in `storage/` goes through `mapped()`, so callers catch one
exception type: `StorageError(transient=True)` when the database could not be reached (retry
later), `StorageError(transient=False)` when it refused the statement (retrying the same data
fails again).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from bot.errors import StorageError

# Connection-level trouble: the server is down, restarting, or the network dropped.
TRANSIENT = (OperationalError, InterfaceError, OSError, TimeoutError, ConnectionError)


def to_storage_error(exc: BaseException) -> StorageError:
    """The `StorageError` a database exception stands for."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, TRANSIENT) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return StorageError(f"the database is unreachable: {exc}", transient=True)
    return StorageError(f"the database refused the operation: {exc}")


@contextmanager
def mapped() -> Iterator[None]:
    """Raise `StorageError` for any database failure inside the block.

    Raises:
        StorageError: chained from the driver's exception.
    """
    try:
        yield
    except (SQLAlchemyError, *TRANSIENT) as exc:
        raise to_storage_error(exc) from exc


__all__ = ["TRANSIENT", "mapped", "to_storage_error"]
