"""A small aiohttp client for the Zalo Bot Platform (`{base}/bot<TOKEN>/<method>`, JSON bodies,
`{ok, result, error_code, description}` answers: Telegram's surface, not its semantics).
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from bot.channels.http_client import PooledClient
from bot.errors import ChannelError


class ZaloBotError(ChannelError):
    """The Bot API answered `ok: false` (or an HTTP error with a JSON envelope)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Zalo Bot API error {code}: {description}")
        self.code = code
        self.description = description

    @property
    def rate_limited(self) -> bool:
        """429 "Quota exceeded": back off and retry."""
        return self.code == 429

    @property
    def poll_timeout(self) -> bool:
        """408: a long poll ended without an update (normal)."""
        return self.code == 408

    @property
    def unauthorized(self) -> bool:
        """401: the bot token is wrong or was reset."""
        return self.code == 401


class BotTransportError(ChannelError):
    """No usable answer (network, timeout, 5xx without an envelope, not JSON)."""


class BotClient(PooledClient):
    """Calls to the Bot API with one bot token."""

    label = "Zalo Bot client"
    not_started = BotTransportError

    def __init__(self, *, api_base_url: str, token: str, timeout: float = 15.0) -> None:
        super().__init__(secret=token)
        self.api_base_url = api_base_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    async def call(self, method: str, body: dict[str, Any], *, wait: float | None = None) -> Any:
        """Call one method; returns its `result`.

        Raises:
            ZaloBotError: `ok: false` (see `rate_limited`, `poll_timeout`, `unauthorized`).
            BotTransportError: no usable answer.
        """
        session = self.session
        url = f"{self.api_base_url}/bot{self._token}/{method}"
        try:
            async with session.post(
                url,
                data=json.dumps(body, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=wait or self._timeout),
            ) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BotTransportError(
                self.hide(f"{method}: {exc.__class__.__name__}: {exc}")
            ) from exc
        try:
            envelope = json.loads(text)
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict) or "ok" not in envelope:
            if status in (401, 408, 429):
                raise ZaloBotError(status, text[:200])
            raise BotTransportError(self.hide(f"{method}: HTTP {status}: {text[:200]}"))
        if envelope.get("ok") is True:
            return envelope.get("result")
        try:
            code = int(envelope.get("error_code") or status)
        except (TypeError, ValueError):
            code = status
        raise ZaloBotError(code, self.hide(str(envelope.get("description", ""))))

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account."""
        result = await self.call("getMe", {})
        return result if isinstance(result, dict) else {}

    async def get_updates(self, poll_seconds: int) -> list[dict[str, Any]]:
        """Long-poll for the next update. Zalo returns ONE update (no array, no offset);
        a list is accepted too. A 408 means none arrived: returns []."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": poll_seconds}, wait=poll_seconds + 10
            )
        except ZaloBotError as exc:
            if exc.poll_timeout:
                return []
            raise
        if isinstance(result, dict) and result:
            return [result]
        if isinstance(result, list):
            return [item for item in result if isinstance(item, dict)]
        return []

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Deliver updates to `url` with `X-Bot-Api-Secret-Token: secret_token`."""
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        """Stop webhook delivery (needed before polling)."""
        await self.call("deleteWebhook", {})

    async def send_message(self, chat_id: str, text: str) -> str:
        """Send plain text (1-2,000 characters); returns the message id."""
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> str:
        """Send a picture that Zalo fetches from `url` (public); returns the message id."""
        body = {"chat_id": chat_id, "photo": url}
        if caption:
            body["caption"] = caption
        result = await self.call("sendPhoto", body)
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""


__all__ = ["BotClient", "BotTransportError", "ZaloBotError"]
