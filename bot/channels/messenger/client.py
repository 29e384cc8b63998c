"""A small aiohttp client for the parts of Meta's Graph API a Messenger bot needs: the Send API,
the Attachment Upload API, the Messenger Profile API and the Page's own name.

Every call goes to `{base}/{version}/...` with the Page access token as `access_token`. Errors
come as `{"error": {"code", "error_subcode"?, "message", ...}}` (HTTP 4xx/5xx): the code, not
the status, says what happened.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from bot.channels.http_client import PooledClient
from bot.errors import ChannelError

MAX_IMAGE_BYTES = 8_000_000  # images through the Attachment Upload API

TOKEN_INVALID = 190
# Rate limits: application (4), user (17), Page (32), API calls (613), Messenger's own (80006).
RATE_LIMITED = frozenset({4, 17, 32, 613, 80006})
# Meta's side failed for now: an unknown error (1), "please retry" (2), a temporary send
# failure (1200).
TRANSIENT = frozenset({1, 2, 1200})
# The person cannot get this message until they write again: not available (551), blocked or
# outside the 24-hour window (10 / 2018278), no such user (100 / 2018001, 33).
UNREACHABLE = {551: "the person is not available (blocked the Page or left Messenger)"}
UNREACHABLE_SUBCODES = {
    2018278: "outside the 24-hour window",
    2018001: "no matching user",
    2018108: "the person cannot get messages from the Page",
    1545041: "the person is not available",
    33: "the person cannot be messaged by this Page",
}


class GraphApiError(ChannelError):
    """The Graph API answered with an error object."""

    def __init__(self, code: int, subcode: int | None, message: str, http_status: int) -> None:
        super().__init__(f"Graph API error {code}/{subcode or '-'}: {message}")
        self.code, self.subcode, self.message = code, subcode, message
        self.http_status = http_status

    @property
    def rate_limited(self) -> bool:
        """Too many calls: the whole channel waits, then tries again."""
        return self.code in RATE_LIMITED or self.http_status == 429

    @property
    def token_invalid(self) -> bool:
        """The Page access token is wrong, expired or revoked: an operator must replace it."""
        return self.code == TOKEN_INVALID

    @property
    def transient(self) -> bool:
        """Meta's side failed for now: try again."""
        return self.code in TRANSIENT

    @property
    def unreachable(self) -> str | None:
        """Why the person cannot get messages now, or None if that is not what this says."""
        if self.subcode in UNREACHABLE_SUBCODES:
            return UNREACHABLE_SUBCODES[self.subcode]
        return UNREACHABLE.get(self.code)


class GraphTransportError(ChannelError):
    """No usable answer (network, timeout, an error page that is not the Graph API's JSON)."""


def _error(status: int, text: str) -> GraphApiError | None:
    try:
        body = json.loads(text)
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code = error.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        return None
    subcode = error.get("error_subcode")
    subcode = subcode if isinstance(subcode, int) and not isinstance(subcode, bool) else None
    return GraphApiError(code, subcode, str(error.get("message", ""))[:300], status)


class GraphClient(PooledClient):
    """Calls to the Graph API as one Page."""

    label = "Messenger client"
    not_started = GraphTransportError

    def __init__(
        self, *, base_url: str, version: str, page_access_token: str, timeout: float = 15.0
    ) -> None:
        super().__init__(secret=page_access_token)
        self.base_url = base_url.rstrip("/")
        self.version = version
        self._token = page_access_token
        self._timeout = timeout

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        form: aiohttp.FormData | None = None,
    ) -> dict[str, Any]:
        """One call; returns the decoded answer (a JSON object).

        Raises:
            GraphApiError: the Graph API refused (see its properties).
            GraphTransportError: no usable answer.
        """
        session = self.session
        url = f"{self.base_url}/{self.version}/{path}"
        query = {**(params or {}), "access_token": self._token}
        kwargs: dict[str, Any] = {"params": query}
        if body is not None:
            kwargs["data"] = json.dumps(body, ensure_ascii=False).encode()
            kwargs["headers"] = {"Content-Type": "application/json"}
        elif form is not None:
            kwargs["data"] = form
        try:
            async with session.request(
                method, url, timeout=aiohttp.ClientTimeout(total=self._timeout), **kwargs
            ) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise GraphTransportError(
                self.hide(f"{path}: {exc.__class__.__name__}: {exc}")
            ) from exc
        if status >= 400:
            error = _error(status, self.hide(text))
            if error is None:
                raise GraphTransportError(self.hide(f"{path}: HTTP {status}: {text[:200]}"))
            raise error
        try:
            answer = json.loads(text)
        except ValueError as exc:
            raise GraphTransportError(f"{path}: the answer is not JSON: {text[:200]}") from exc
        if not isinstance(answer, dict):
            raise GraphTransportError(f"{path}: the answer is not a JSON object")
        return answer

    async def send(self, body: dict[str, Any]) -> str:
        """Send one message (`recipient`, `messaging_type`, `message`); returns its id."""
        answer = await self.call("POST", "me/messages", body=body)
        return str(answer.get("message_id", ""))

    async def upload_image(self, content: bytes, filename: str) -> str:
        """Upload a PNG once (reusable); returns its attachment id."""
        form = aiohttp.FormData()
        form.add_field(
            "message",
            json.dumps({"attachment": {"type": "image", "payload": {"is_reusable": True}}}),
        )
        form.add_field("filedata", content, filename=filename, content_type="image/png")
        answer = await self.call("POST", "me/message_attachments", form=form)
        attachment = answer.get("attachment_id")
        if not isinstance(attachment, str) or not attachment:
            raise GraphTransportError("message_attachments: no attachment_id in the answer")
        return attachment

    async def page(self) -> dict[str, Any]:
        """The Page the token belongs to: `id`, `name` and, if it has one, `username`."""
        return await self.call("GET", "me", params={"fields": "id,name,username"})

    async def profile(self, fields: tuple[str, ...]) -> dict[str, Any]:
        """The Messenger Profile's current `fields` ({} when none is set)."""
        answer = await self.call(
            "GET", "me/messenger_profile", params={"fields": ",".join(fields)}
        )
        data = answer.get("data")
        first = data[0] if isinstance(data, list) and data else {}
        return first if isinstance(first, dict) else {}

    async def set_profile(self, values: dict[str, Any]) -> None:
        """Set Messenger Profile properties (Get Started, greeting, persistent menu)."""
        await self.call("POST", "me/messenger_profile", body=values)


__all__ = ["MAX_IMAGE_BYTES", "GraphApiError", "GraphClient", "GraphTransportError"]
