"""How the push proves itself to the receiver (`HOCVUSO_REPORT_AUTH`, docs/reporting-api.md).

    hmac     X-Hocvuso-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
             keyed with HOCVUSO_REPORT_SECRET
    oauth2   Authorization: Bearer <token>, the token from HOCVUSO_REPORT_TOKEN_URL by the
             client-credentials grant (client id and secret in HTTP Basic, as API gateways
             such as WSO2's, behind most provincial LGSPs, expect), kept until shortly before
             it expires and fetched again once when the receiver answers 401
    headers  fixed key headers (AppName, AccessKey, SecretKey ...) from HOCVUSO_REPORT_HEADERS

Errors of the token endpoint are `TokenError`s: `permanent` when it refused the credentials
(an operator must fix them), transient otherwise (down, slow, a 5xx).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Protocol

import aiohttp

from bot.reports.push_config import PushConfig, ReportAuth

SIGNATURE_HEADER = "X-Hocvuso-Signature"
# A token is fetched again this long before it expires (or halfway, for short-lived ones), so
# a request never leaves with a token that dies on the way.
TOKEN_MARGIN = timedelta(seconds=60)
DEFAULT_TOKEN_LIFE = 300  # seconds, when the token endpoint does not say (`expires_in`)
ERROR_TEXT = 500  # characters of a refusal's body kept in the outbox row's last error


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Hocvuso-Signature` value of `body` sent at `timestamp` (unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class TokenError(Exception):
    """The token endpoint gave no token.

    Attributes:
        permanent: it refused the credentials (4xx): trying again cannot help.
    """

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Authenticator(Protocol):
    """Adds the auth headers to one POST of a raw body."""

    async def headers(
        self, session: aiohttp.ClientSession, body: bytes, now: datetime
    ) -> dict[str, str]:
        """The headers that authenticate `body`.

        Raises:
            TokenError: no token could be had (oauth2 only).
        """
        ...

    def rejected(self) -> bool:
        """The receiver answered 401: drop what may be stale. True when one more try may
        succeed (a new token), False when it would get the same answer."""
        ...


class HmacAuth:
    """Signs each body with the shared secret."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    async def headers(
        self, session: aiohttp.ClientSession, body: bytes, now: datetime
    ) -> dict[str, str]:
        return {SIGNATURE_HEADER: signature(self._secret, int(now.timestamp()), body)}

    def rejected(self) -> bool:
        return False


class HeaderAuth:
    """The same fixed headers on every request."""

    def __init__(self, headers: tuple[tuple[str, str], ...]) -> None:
        self._headers = dict(headers)

    async def headers(
        self, session: aiohttp.ClientSession, body: bytes, now: datetime
    ) -> dict[str, str]:
        return dict(self._headers)

    def rejected(self) -> bool:
        return False


class OAuth2Auth:
    """A bearer token by the client-credentials grant, cached until shortly before expiry."""

    def __init__(
        self, token_url: str, client_id: str, client_secret: str, *, timeout: float = 30.0
    ) -> None:
        self.token_url = token_url
        # HTTP Basic as gateways take it: base64 of "id:secret" (aiohttp's BasicAuth is
        # deprecated).
        pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._client = f"Basic {pair}"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._token: str | None = None
        self._renew_at: datetime | None = None
        self._fetching = asyncio.Lock()
        self.fetched = 0  # tokens fetched so far (the tests count refreshes)

    async def headers(
        self, session: aiohttp.ClientSession, body: bytes, now: datetime
    ) -> dict[str, str]:
        async with self._fetching:
            if self._token is None or self._renew_at is None or now >= self._renew_at:
                self._token, life = await self._fetch(session)
                margin = min(TOKEN_MARGIN, timedelta(seconds=life / 2))
                self._renew_at = now + timedelta(seconds=life) - margin
            return {"Authorization": f"Bearer {self._token}"}

    def rejected(self) -> bool:
        had = self._token is not None
        self._token = self._renew_at = None
        return had

    async def _fetch(self, session: aiohttp.ClientSession) -> tuple[str, float]:
        where = f"the token endpoint HOCVUSO_REPORT_TOKEN_URL ({self.token_url})"
        try:
            async with session.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                headers={"Accept": "application/json", "Authorization": self._client},
                timeout=self._timeout,
            ) as answer:
                text = await answer.text(errors="replace")
                if answer.status in (408, 429) or answer.status >= 500:
                    raise TokenError(f"{where} answered {answer.status}", permanent=False)
                if answer.status >= 400:
                    raise TokenError(
                        f"{where} refused the client credentials ({answer.status}: "
                        f"{text[:ERROR_TEXT]}); check HOCVUSO_REPORT_CLIENT_ID and "
                        "HOCVUSO_REPORT_CLIENT_SECRET",
                        permanent=True,
                    )
                loaded = await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise TokenError(f"{where} failed: {exc!r}", permanent=False) from exc
        token = loaded.get("access_token") if isinstance(loaded, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenError(f"{where} answered without an access_token", permanent=False)
        life = loaded.get("expires_in", DEFAULT_TOKEN_LIFE)
        self.fetched += 1
        return token, float(life) if isinstance(life, int | float) else DEFAULT_TOKEN_LIFE


def authenticator(config: PushConfig) -> Authenticator:
    """The authenticator `config` asks for.

    Raises:
        ValueError: the mode's settings are missing (the settings refuse that at start-up).
    """
    if config.auth is ReportAuth.OAUTH2:
        if not (config.token_url and config.client_id and config.client_secret):
            raise ValueError("oauth2 needs a token URL, a client id and a client secret")
        return OAuth2Auth(
            config.token_url, config.client_id, config.client_secret, timeout=config.timeout
        )
    if config.auth is ReportAuth.HEADERS:
        return HeaderAuth(config.headers)
    if not config.secret:
        raise ValueError("hmac needs a secret")
    return HmacAuth(config.secret)


__all__ = [
    "SIGNATURE_HEADER",
    "Authenticator",
    "HeaderAuth",
    "HmacAuth",
    "OAuth2Auth",
    "TokenError",
    "authenticator",
    "signature",
]
