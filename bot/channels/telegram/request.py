"""A `telegram.request.BaseRequest` on aiohttp.

python-telegram-bot's default transport (httpx) gets slower as more requests are in flight; this
one keeps one aiohttp session with a large connection pool, so many learners' messages can be on
their way at once (see ../shared/reference/performance.md: about 3x the updates per second).
Bodies are form-encoded exactly as the default transport does, multipart when a file is sent.
The form body is encoded here rather than by `aiohttp.FormData`, which builds a multipart writer
(and a random boundary) for every request even when it ends up url-encoding a few strings.
"""

from __future__ import annotations

import string

import aiohttp
from aiohttp.payload import BytesPayload
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """Talks to the Bot API over one shared `aiohttp.ClientSession`.

    Args:
        connection_pool_size: most connections open at once (requests beyond it wait).
        read_timeout: seconds to wait for the answer (getUpdates adds its long-poll timeout).
        connect_timeout: seconds to open a connection.
        pool_timeout: seconds to wait for a free connection; None waits as long as needed.
        media_timeout: seconds allowed for a whole upload (photos).
    """

    __slots__ = (
        "_connect_timeout",
        "_media_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 10.0,
        connect_timeout: float | None = 10.0,
        pool_timeout: float | None = None,
        media_timeout: float = 60.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_timeout = media_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (inside the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`: the HTTP status and the body of the answer.

        Raises:
            TimedOut: a timeout expired (the request may or may not have reached Telegram).
            NetworkError: any other transport failure.
        """
        session = self._session
        if session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        data: aiohttp.FormData | BytesPayload | None = None
        total: float | None = None
        if request_data is not None:
            if request_data.contains_files:
                data = _multipart(request_data)
                total = self._media_timeout  # aiohttp has no write timeout: bound the upload
            else:
                data = BytesPayload(
                    form_urlencoded(request_data.json_parameters), content_type=FORM_CONTENT_TYPE
                )
        timeout = aiohttp.ClientTimeout(
            total=total,
            # aiohttp's `connect` includes waiting for a pooled connection.
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are asyncio.TimeoutError subclasses
            raise TimedOut(f"aiohttp: {exc.__class__.__name__}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_UNQUOTED = frozenset(string.ascii_letters + string.digits + "_.-~")
_QUOTED_BYTES = [
    chr(byte) if chr(byte) in _UNQUOTED else "+" if byte == 0x20 else f"%{byte:02X}"
    for byte in range(256)
]
_UNQUOTED_BYTES = "".join(sorted(_UNQUOTED)).encode()


def _quote_plus(text: str) -> str:
    data = text.encode("utf-8")
    if not data.rstrip(_UNQUOTED_BYTES):
        return text
    return "".join(map(_QUOTED_BYTES.__getitem__, data))


def form_urlencoded(fields: dict[str, str]) -> bytes:
    """The body `urllib.parse.urlencode(fields).encode()` makes (what aiohttp and httpx send for
    a dict of strings), in half the time."""
    return "&".join(
        [f"{_quote_plus(name)}={_quote_plus(value)}" for name, value in fields.items()]
    ).encode()


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename or name, content_type=mimetype)
    return form
