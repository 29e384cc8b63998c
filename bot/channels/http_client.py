"""What every platform client shares: one aiohttp connection pool, opened by `start` and closed
by `close`, and a secret (a bot or Page token in the URL) kept out of error messages."""

from __future__ import annotations

import aiohttp

from bot.errors import ChannelError


class PooledClient:
    """The base of the platform clients.

    Args:
        secret: what `hide` removes from texts (the token a URL carries), or "".
        timeout: the pool's default timeout per request, or None (each call sets its own).
    """

    label = "platform client"  # for "the … is not started"
    not_started: type[ChannelError] = ChannelError  # raised by `session` before `start`

    def __init__(self, *, secret: str = "", timeout: aiohttp.ClientTimeout | None = None) -> None:
        self._secret = secret
        self._pool_timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the connection pool."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._pool_timeout)

    async def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The open pool.

        Raises:
            ChannelError: `not_started`, before `start` or after `close`.
        """
        if self._session is None:
            raise self.not_started(f"the {self.label} is not started")
        return self._session

    def hide(self, text: str) -> str:
        """`text` without the secret."""
        return text.replace(self._secret, "<token>") if self._secret else text


__all__ = ["PooledClient"]
