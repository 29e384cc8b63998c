"""A small aiohttp client for the Zalo Official Account API v3 and its OAuth v4 token endpoint.

Only what hocvuso needs: send a customer-service message and refresh the tokens. Zalo reports
most errors with HTTP 200 and `{"error": <non-zero>, "message": ...}`, so every answer's body
is checked, not just its status.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.channels.http_client import PooledClient
from bot.errors import ChannelError

log = logging.getLogger(__name__)

CS_MESSAGE_PATH = "/v3.0/oa/message/cs"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"  # still v2.0: the upload family was not moved
MAX_IMAGE_BYTES = 1_000_000  # jpg/png up to 1 MB
TOKEN_PATH = "/v4/oa/access_token"  # noqa: S105 - a URL path

RATE_LIMITED = -32
TOKEN_INVALID = -216
TOKEN_EXPIRED = -220
OUT_OF_WINDOW = -230
# The learner cannot get customer-service messages until they write again: not following,
# blocked the OA, banned or inactive, out of the 7-day window, never interacted.
UNREACHABLE = {-213: "not following", -217: "blocked the OA", -227: "banned or inactive"}
UNREACHABLE |= {OUT_OF_WINDOW: "outside the 7-day window", -232: "no recent interaction"}


class ZaloApiError(ChannelError):
    """Zalo answered with an error (in the JSON body, or an HTTP 429)."""

    def __init__(self, code: int, message: str, http_status: int = 200) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status

    @property
    def rate_limited(self) -> bool:
        """Back off and retry; the message must not be dropped."""
        return self.code == RATE_LIMITED or self.http_status == 429

    @property
    def token_invalid(self) -> bool:
        """The access token is invalid or expired: refresh once and retry."""
        return self.code in (TOKEN_INVALID, TOKEN_EXPIRED)

    @property
    def unreachable(self) -> bool:
        """The learner cannot be messaged until they write again."""
        return self.code in UNREACHABLE


class ZaloTransportError(ChannelError):
    """The request did not get a usable answer (network, timeout, 5xx, not JSON)."""


class TokenRejected(ChannelError):
    """The OAuth endpoint refused the refresh token (used, expired or revoked)."""


@dataclass(frozen=True)
class IssuedTokens:
    """A new token pair from the OAuth endpoint."""

    access_token: str
    refresh_token: str
    expires_in: int


def _error_code(body: dict[str, Any]) -> int:
    try:
        return int(body.get("error", 0) or 0)
    except (TypeError, ValueError):
        return -1


class OAClient(PooledClient):
    """Calls to openapi.zalo.me and oauth.zaloapp.com (base URLs are settings)."""

    label = "Zalo OA client"
    not_started = ZaloTransportError

    def __init__(
        self,
        *,
        api_base_url: str,
        oauth_base_url: str,
        app_id: str,
        app_secret: str,
        timeout: float = 15.0,
    ) -> None:
        self.api_base_url = api_base_url.rstrip("/")
        self.oauth_base_url = oauth_base_url.rstrip("/")
        self.app_id = app_id
        self._app_secret = app_secret
        super().__init__(timeout=aiohttp.ClientTimeout(total=timeout))

    async def _json(self, response: aiohttp.ClientResponse) -> dict[str, Any]:
        text = await response.text()
        if response.status == 429:
            raise ZaloApiError(RATE_LIMITED, text[:200] or "Too Many Requests", 429)
        if response.status >= 500:
            raise ZaloTransportError(f"HTTP {response.status}: {text[:200]}")
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise ZaloTransportError(f"HTTP {response.status}, not JSON: {text[:200]}") from exc
        if not isinstance(body, dict):
            raise ZaloTransportError(f"HTTP {response.status}, unexpected JSON: {text[:200]}")
        return body

    async def send_message(self, access_token: str, payload: dict[str, Any]) -> str:
        """Send one customer-service message; returns Zalo's message id.

        Raises:
            ZaloApiError: Zalo refused it (see `rate_limited`, `token_invalid`, `unreachable`).
            ZaloTransportError: no usable answer.
        """
        try:
            async with self.session.post(
                self.api_base_url + CS_MESSAGE_PATH,
                data=json.dumps(payload, ensure_ascii=False).encode(),
                headers={"access_token": access_token, "Content-Type": "application/json"},
            ) as response:
                body = await self._json(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ZaloTransportError(f"{exc.__class__.__name__}: {exc}") from exc
        code = _error_code(body)
        if code != 0:
            raise ZaloApiError(code, str(body.get("message", "")), response.status)
        data = body.get("data")
        return str(data.get("message_id", "")) if isinstance(data, dict) else ""

    async def upload_image(self, access_token: str, content: bytes, filename: str) -> str:
        """Upload a PNG or JPEG (up to 1 MB) for image messages; returns its attachment id.

        Raises:
            ZaloApiError: Zalo refused it (see `rate_limited`, `token_invalid`).
            ZaloTransportError: no usable answer.
        """
        form = aiohttp.FormData()
        kind = "image/png" if filename.lower().endswith(".png") else "image/jpeg"
        form.add_field("file", content, filename=filename, content_type=kind)
        try:
            async with self.session.post(
                self.api_base_url + UPLOAD_IMAGE_PATH,
                data=form,
                headers={"access_token": access_token},
            ) as response:
                body = await self._json(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ZaloTransportError(f"{exc.__class__.__name__}: {exc}") from exc
        code = _error_code(body)
        if code != 0:
            raise ZaloApiError(code, str(body.get("message", "")), response.status)
        data = body.get("data")
        attachment = data.get("attachment_id") if isinstance(data, dict) else None
        if not isinstance(attachment, str) or not attachment:
            raise ZaloTransportError(f"upload answered without an attachment_id: {body!r:.200}")
        return attachment

    async def refresh(self, refresh_token: str) -> IssuedTokens:
        """Exchange a refresh token (single use) for a new pair.

        Raises:
            TokenRejected: Zalo answered and refused the token.
            ZaloApiError: rate limited (retry later with the same token).
            ZaloTransportError: no usable answer (Zalo may or may not have used the token).
        """
        form = {
            "refresh_token": refresh_token,
            "app_id": self.app_id,
            "grant_type": "refresh_token",
        }
        try:
            async with self.session.post(
                self.oauth_base_url + TOKEN_PATH,
                data=form,
                headers={"secret_key": self._app_secret},
            ) as response:
                body = await self._json(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ZaloTransportError(f"{exc.__class__.__name__}: {exc}") from exc
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if isinstance(access, str) and access and isinstance(refresh, str) and refresh:
            try:
                expires_in = int(body.get("expires_in", 0))
            except (TypeError, ValueError):
                expires_in = 0
            return IssuedTokens(access, refresh, expires_in or 3600)
        code = _error_code(body)
        reason = (
            body.get("message")
            or body.get("error_description")
            or body.get("error_reason")
            or body.get("error_name")
            or json.dumps(body)[:200]
        )
        if code == RATE_LIMITED:
            raise ZaloApiError(code, str(reason), response.status)
        # A JSON answer without a pair (error code, error_name, or nothing) is a refusal.
        raise TokenRejected(f"Zalo refused the refresh token (error {code}: {reason})")


__all__ = [
    "MAX_IMAGE_BYTES",
    "OUT_OF_WINDOW",
    "RATE_LIMITED",
    "UNREACHABLE",
    "IssuedTokens",
    "OAClient",
    "TokenRejected",
    "ZaloApiError",
    "ZaloTransportError",
]
