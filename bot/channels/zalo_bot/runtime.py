"""The Zalo Bot Platform channel: webhook (`POST /zalo/bot/webhook`, checked with
`X-Bot-Api-Secret-Token`) or getUpdates polling, the inbox worker, and the sender.

Updates are stored in the inbox (unique on `event_name:message_id`) before anything else;
the worker runs them through the conversation service and sends the replies as text with a
numbered menu. Messages from protected users (`message.unsupported.received`) get a short
explanation and change nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from aiohttp import web

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
from bot.channels.zalo_bot.render import render_reply
from bot.channels.zalo_oa.render import MAX_TEXT
from bot.channels.zalo_oa.worker import Backoff, InboxWorker, RetryLater, replies_from_payload
from bot.core import ChannelCapabilities, Reply
from bot.errors import StorageError
from bot.i18n import N_, translator
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from storage.queues import Inbox, InboxItem, Outbox, OutboxItem, is_reachable

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/bot/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name
POLL_TIMEOUT = 30
CAPABILITIES = ChannelCapabilities(
    buttons=False, max_buttons=0, polls=False, max_text=MAX_TEXT, proactive_window=None
)
PROTECTED_TEXT = N_(
    "Sorry, I cannot read your message: Zalo hides messages from protected accounts from "
    "bots. A family member or a local digital-skills volunteer can help you learn with me "
    "from their own account."
)


class Sent(Enum):
    """What became of one send."""

    SENT = "sent"
    REFUSED = "refused"


class ZaloBotRuntime:
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
        outbox_interval: float = 5.0,
        http_timeout: float = 15.0,
    ) -> None:
        if webhook_url and not webhook_secret:
            raise ValueError("a Zalo Bot webhook needs a secret token")
        self.service = service
        self.storage = service.storage
        self.webhook_url = webhook_url
        self._secret = webhook_secret or ""
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.poll_timeout = poll_timeout
        self.outbox_interval = outbox_interval
        self.client = BotClient(api_base_url=api_base_url, token=token, timeout=http_timeout)
        self.inbox = Inbox(self.storage)
        self.outbox = Outbox(self.storage)
        self.worker = InboxWorker(
            self.inbox,
            CHANNEL,
            self._process,
            self._sequence_key,
            clock=clock,
            poll_interval=poll_interval,
        )
        self._progress: dict[str, int] = {}
        self._paused_until = 0.0
        self._jobs: list[asyncio.Task[None]] = []

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
        await self.worker.start()
        receive = self._poll() if self.polling else self._register_webhook()
        self._jobs = [
            asyncio.create_task(receive, name="zalo_bot-receive"),
            asyncio.create_task(self._outbox_job(), name="zalo_bot-outbox"),
        ]

    async def stop(self) -> None:
        """Stop receiving and sending; unfinished updates stay in the inbox."""
        for job in self._jobs:
            job.cancel()
        for job in self._jobs:
            with contextlib.suppress(asyncio.CancelledError):
                await job
        self._jobs = []
        await self.worker.stop()
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
            await self._store(update)
        except StorageError:
            log.exception("zalo_bot webhook not stored: database unavailable")
            return web.json_response({"ok": False, "description": "try again"}, status=503)
        return web.json_response({"ok": True})

    async def _store(self, update: dict[str, Any]) -> bool:
        key = event_key(update)
        payload = json.dumps(update, ensure_ascii=False, separators=(",", ":"))
        stored = await self.inbox.store(CHANNEL, key, payload, self.clock())
        if stored is None:
            log.info("zalo_bot: update %s seen before; acknowledged", key)
            return False
        self.worker.wake()
        return True

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
                await self._store(update)
                return
            except StorageError as exc:
                delay = self.backoff.delay(attempt)
                attempt += 1
                log.error("zalo_bot: cannot store a polled update (%s); retrying", exc)
                await asyncio.sleep(delay)

    # -- processing ----------------------------------------------------------------------------

    @staticmethod
    def _sequence_key(item: InboxItem) -> str:
        update = json.loads(item.payload)
        return (user_of(update) if isinstance(update, dict) else None) or "-"

    async def _process(self, item: InboxItem) -> None:
        try:
            update = json.loads(item.payload)
        except ValueError:
            log.error("zalo_bot: stored update %s is not JSON; skipped", item.event_key)
            return
        if not isinstance(update, dict):
            return
        name, chat = event_name(update), chat_of(update)
        if chat is None or is_group(update):
            log.info("zalo_bot: %s ignored (group chat or no sender)", name or "update")
            return
        if name == PROTECTED_EVENT:
            text = translator(None, self.service.default_locale).gettext(PROTECTED_TEXT)
            await self._deliver(f"in:{item.id}", chat, (Reply(text),))
            return
        inbound = to_inbound(update, item.event_key, self.clock())
        if inbound is None:
            log.info("zalo_bot: %s update ignored", name or "unnamed")
            return
        try:
            handled = await self.service.handle(inbound)
        except StorageError as exc:
            raise RetryLater(f"database unavailable: {exc}", self.backoff.delay(2)) from exc
        await self._deliver(f"in:{item.id}", chat, handled.replies)

    async def _deliver(self, progress_key: str, chat: str, replies: tuple[Reply, ...]) -> None:
        texts = [text for reply in replies for text in render_reply(reply)]
        for index in range(self._progress.get(progress_key, 0), len(texts)):
            await self._send(chat, texts[index])
            self._progress[progress_key] = index + 1
        self._progress.pop(progress_key, None)

    async def _send(self, chat: str, text: str) -> Sent:
        attempt = 0
        while True:
            wait = self._paused_until - asyncio.get_running_loop().time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                await self.client.send_message(chat, text)
                return Sent.SENT
            except ZaloBotError as exc:
                if exc.rate_limited:
                    attempt = await self._wait_retry(attempt, f"rate limited ({exc})", pause=True)
                    continue
                if exc.unauthorized:
                    raise RetryLater("ZALO_BOT_TOKEN refused", self.backoff.maximum) from exc
                log.error("zalo_bot: a message to %s was refused: %s", chat, exc)
                return Sent.REFUSED
            except BotTransportError as exc:
                attempt = await self._wait_retry(attempt, f"network: {exc}", pause=False)

    async def _wait_retry(self, attempt: int, reason: str, *, pause: bool) -> int:
        delay = self.backoff.delay(attempt)
        if attempt + 1 >= self.backoff.attempts:
            raise RetryLater(reason, delay)
        log.warning("zalo_bot: %s; retrying in %.2f s", reason, delay)
        if pause:
            loop = asyncio.get_running_loop()
            self._paused_until = max(self._paused_until, loop.time() + delay)
        await asyncio.sleep(delay)
        return attempt + 1

    # -- proactive messages (outbox) -------------------------------------------------------------

    async def drain_outbox(self) -> int:
        """Send the due outbox rows of this channel (learners marked unreachable are
        skipped; Zalo documents no reply window for bots)."""
        now = self.clock()
        items = await self.outbox.due(CHANNEL, now)
        for item in items:
            await self._send_outbox(item)
        return len(items)

    async def _send_outbox(self, item: OutboxItem) -> None:
        now = self.clock()
        replies = replies_from_payload(item.payload)
        if not replies:
            await self.outbox.mark_dead(item.id, now, "no replies in the payload")
            return
        if not await is_reachable(self.storage, CHANNEL, item.recipient):
            await self.outbox.mark_dead(item.id, now, "not sent: learner unreachable")
            return
        try:
            await self._deliver(f"out:{item.id}", item.recipient, replies)
        except RetryLater as retry:
            delay = timedelta(seconds=retry.delay)
            await self.outbox.retry_later(item.id, self.clock(), delay, retry.reason)
            return
        await self.outbox.mark_sent(item.id, self.clock())

    async def _outbox_job(self) -> None:
        while True:
            try:
                await self.drain_outbox()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the job must keep running
                log.exception("zalo_bot: outbox drain failed")
            await asyncio.sleep(self.outbox_interval)


def zalo_bot_channel(settings: Settings, service: ConversationService) -> ZaloBotRuntime | None:
    """The channel when ZALO_BOT_TOKEN is set (webhook mode with ZALO_BOT_WEBHOOK_URL)."""
    if settings.zalo_bot_token is None or not settings.zalo_bot_token.get_secret_value():
        return None
    secret = settings.zalo_bot_webhook_secret
    return ZaloBotRuntime(
        service,
        token=settings.zalo_bot_token.get_secret_value(),
        api_base_url=settings.zalo_bot_api_base_url,
        webhook_url=settings.zalo_bot_webhook_url,
        webhook_secret=secret.get_secret_value() if secret else None,
    )


__all__ = ["CAPABILITIES", "PROTECTED_TEXT", "WEBHOOK_PATH", "ZaloBotRuntime", "zalo_bot_channel"]
