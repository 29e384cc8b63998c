"""The Zalo Bot Platform channel: webhook (`POST /zalo/bot/webhook`, checked with
`X-Bot-Api-Secret-Token`) or getUpdates polling, the inbox worker, and the sender.

Updates are stored in the inbox (unique on `event_name:message_id`) before anything else;
the worker runs them through the conversation service and sends the replies as text with a
numbered menu. Messages from protected users (`message.unsupported.received`) get a short
explanation and change nothing.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.channels.inbox_channel import Delivery, InboxChannel, SendAgain
from bot.channels.inbox_worker import RetryLater
from bot.channels.zalo_bot.adapter import (
    CHANNEL,
    PROTECTED_EVENT,
    chat_of,
    event_key,
    event_name,
    is_group,
    to_inbound,
    unwrap,
    user_of,
)
from bot.channels.zalo_bot.client import BotClient, BotTransportError, ZaloBotError
from bot.channels.zalo_bot.render import CAPABILITIES, Photo, render_reply
from bot.core import Reply
from bot.errors import StorageError
from bot.i18n import N_
from bot.retry import Backoff
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from storage import InboxItem

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/bot/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name
POLL_TIMEOUT = 30
PROTECTED_TEXT = N_(
    "Sorry, I cannot read your message: Zalo hides messages from protected accounts from "
    "bots. A family member or a local digital-skills volunteer can help you learn with me "
    "from their own account."
)


class ZaloBotChannel(InboxChannel[str | Photo]):
    """The running Zalo Bot channel."""

    name = CHANNEL
    capabilities = CAPABILITIES

    def __init__(
        self,
        service: ConversationService,
        *,
        token: str,
        api_base_url: str,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        backoff: Backoff | None = None,
        poll_timeout: int = POLL_TIMEOUT,
        poll_interval: float = 2.0,
        http_timeout: float = 15.0,
        public_url: str = "",
    ) -> None:
        if webhook_url and not webhook_secret:
            raise ValueError("a Zalo Bot webhook needs a secret token")
        super().__init__(
            service,
            clock=clock,
            backoff=backoff,
            poll_interval=poll_interval,
            public_url=public_url,
        )
        self.webhook_url = webhook_url
        self._secret = webhook_secret or ""
        self.poll_timeout = poll_timeout
        self.client = BotClient(api_base_url=api_base_url, token=token, timeout=http_timeout)

    @property
    def polling(self) -> bool:
        """getUpdates instead of a webhook (no ZALO_BOT_WEBHOOK_URL)."""
        return not self.webhook_url

    # -- lifecycle -----------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Register the webhook (webhook mode only)."""
        if not self.polling:
            app.router.add_post(WEBHOOK_PATH, self.webhook)

    async def start(self) -> None:
        """Register the webhook or start polling; process stored updates; drain the outbox."""
        await self.client.start()
        await self._start(receive=self._poll() if self.polling else self._register_webhook())

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.close()

    async def _register_webhook(self) -> None:
        attempt = 0
        while True:
            try:
                await self.client.set_webhook(self.webhook_url or "", self._secret)
                log.info("zalo_bot: webhook registered at %s", self.webhook_url)
                return
            except (ZaloBotError, BotTransportError) as exc:
                delay = self.backoff.delay(attempt)
                log.error("zalo_bot: setWebhook failed (%s); retrying in %.0f s", exc, delay)
                attempt += 1
                await asyncio.sleep(delay)

    # -- receiving -----------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        """Check the secret token, store the update, acknowledge."""
        given = request.headers.get(SECRET_HEADER, "")
        if not given or not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("zalo_bot webhook refused: missing or wrong %s", SECRET_HEADER)
            return web.json_response({"ok": False, "description": "unauthorized"}, status=401)
        raw = await request.read()
        try:
            update = unwrap(json.loads(raw))
        except (ValueError, UnicodeDecodeError):
            update = None
        if update is None:
            return web.json_response({"ok": False, "description": "not an update"}, status=400)
        try:
            await self._store_update(update)
        except StorageError:
            log.exception("zalo_bot webhook not stored: database unavailable")
            return web.json_response({"ok": False, "description": "try again"}, status=503)
        return web.json_response({"ok": True})

    async def _store_update(self, update: dict[str, Any]) -> bool:
        key = event_key(update)
        payload = json.dumps(update, ensure_ascii=False, separators=(",", ":"))
        return await self._store(key, payload, f"update {key}")

    async def _poll(self) -> None:
        try:
            await self.client.delete_webhook()
        except (ZaloBotError, BotTransportError) as exc:
            log.warning("zalo_bot: deleteWebhook before polling failed: %s", exc)
        attempt = 0
        while True:
            try:
                updates = await self.client.get_updates(self.poll_timeout)
                attempt = 0
            except (ZaloBotError, BotTransportError) as exc:
                delay = self.backoff.delay(attempt)
                attempt += 1
                if isinstance(exc, ZaloBotError) and exc.unauthorized:
                    log.error("zalo_bot: ZALO_BOT_TOKEN was refused (reset in Zalo Bot Manager?)")
                    delay = self.backoff.maximum
                else:
                    log.warning("zalo_bot: getUpdates failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            for raw in updates:
                update = unwrap(raw)
                if update is None:
                    log.warning("zalo_bot: getUpdates returned something that is not an update")
                    continue
                await self._store_polled(update)

    async def _store_polled(self, update: dict[str, Any]) -> None:
        # No offsets: Zalo will not send this update again, so keep trying to store it.
        attempt = 0
        while True:
            try:
                await self._store_update(update)
                return
            except StorageError as exc:
                delay = self.backoff.delay(attempt)
                attempt += 1
                log.error("zalo_bot: cannot store a polled update (%s); retrying", exc)
                await asyncio.sleep(delay)

    # -- processing ----------------------------------------------------------------------------

    def user_of(self, event: dict[str, Any]) -> str | None:
        """The sender of an update."""
        return user_of(event)

    async def process(self, item: InboxItem, event: dict[str, Any]) -> None:
        """Run one update through the service and send the replies as text."""
        name, chat = event_name(event), chat_of(event)
        if chat is None or is_group(event):
            log.info("zalo_bot: %s ignored (group chat or no sender)", name or "update")
            return
        if name == PROTECTED_EVENT:
            text = self.service.translator(None).gettext(PROTECTED_TEXT)
            await self._deliver(f"in:{item.id}", chat, (Reply(text),))
            return
        inbound = to_inbound(event, item.event_key, self.clock())
        if inbound is None:
            log.info("zalo_bot: %s update ignored", name or "unnamed")
            return
        await self._deliver(f"in:{item.id}", chat, await self._handle(inbound))

    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[str | Photo]:
        """The texts for `replies`, choices as numbered menus (and certificates' pictures)."""
        locale, public_url = self.service.default_locale, self.public_url
        return [
            message
            for reply in replies
            for message in render_reply(reply, public_url=public_url, locale=locale)
        ]

    async def send_payload(self, recipient: str, payload: str | Photo) -> Delivery:
        """One text or picture: rate limits and network errors are retried in place."""

        async def attempt(_number: int) -> Delivery:
            try:
                if isinstance(payload, Photo):
                    await self.client.send_photo(recipient, payload.url, payload.caption)
                else:
                    await self.client.send_message(recipient, payload)
            except ZaloBotError as exc:
                if exc.rate_limited:
                    raise SendAgain(f"rate limited ({exc})", pause=True) from exc
                if exc.unauthorized:
                    raise RetryLater("ZALO_BOT_TOKEN refused", self.backoff.maximum) from exc
                log.error("zalo_bot: a message to %s was refused: %s", recipient, exc)
                return Delivery.REFUSED
            except BotTransportError as exc:
                raise SendAgain(f"network: {exc}") from exc
            return Delivery.SENT

        return await self._send_retrying(attempt)

    # -- proactive messages (outbox) -------------------------------------------------------------

    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """Learners marked unreachable are skipped; Zalo documents no reply window for bots."""
        if not await self.storage.identities.is_reachable(CHANNEL, recipient):
            return "learner unreachable"
        return None


def zalo_bot_channel(settings: Settings, service: ConversationService) -> ZaloBotChannel | None:
    """The channel when ZALO_BOT_TOKEN is set (webhook mode with ZALO_BOT_WEBHOOK_URL)."""
    if settings.zalo_bot_token is None or not settings.zalo_bot_token.get_secret_value():
        return None
    secret = settings.zalo_bot_webhook_secret
    return ZaloBotChannel(
        service,
        token=settings.zalo_bot_token.get_secret_value(),
        api_base_url=settings.zalo_bot_api_base_url,
        webhook_url=settings.zalo_bot_webhook_url,
        webhook_secret=secret.get_secret_value() if secret else None,
        public_url=settings.public_url,
    )


__all__ = ["CAPABILITIES", "PROTECTED_TEXT", "WEBHOOK_PATH", "ZaloBotChannel", "zalo_bot_channel"]
