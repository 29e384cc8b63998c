"""The Messenger channel: the webhook (`GET` handshake, `POST` events signed with the app
secret), the inbox worker, the sender, and the Page's profile at start-up.

Each event of a batch is stored in the inbox (unique on its message id, or a stable key for a
postback or referral) before the 200; a batch that cannot be stored gets 503 and Meta sends it
again (what was stored is recognised). The worker runs each event through the conversation
service and answers with the Send API (`messaging_type` RESPONSE); what the bot sends first
goes through the outbox only inside the 24-hour standard messaging window (UPDATE), never with
a message tag: reminders and announcements are not what tags are for.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.channels.inbox_channel import Delivery, InboxChannel, SendAgain
from bot.channels.inbox_worker import RetryLater
from bot.channels.messenger.adapter import (
    CHANNEL,
    event_key,
    kept,
    kind_of,
    page_events,
    to_inbound,
    user_of,
)
from bot.channels.messenger.client import (
    MAX_IMAGE_BYTES,
    GraphApiError,
    GraphClient,
    GraphTransportError,
)
from bot.channels.messenger.profile import sync_profile
from bot.channels.messenger.render import CAPABILITIES, PICTURE, UPDATE, render_reply
from bot.channels.pictures import PICTURE_MARK, UploadedPictures
from bot.core import Reply
from bot.errors import StorageError
from bot.retry import Backoff
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from storage import InboxItem

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/messenger/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Meta keeps a reusable attachment 90 days: a picture is uploaded again a day before.
ATTACHMENT_REUSE = timedelta(days=89)
TOKEN_HELP = (
    "MESSENGER_PAGE_ACCESS_TOKEN was refused: make a new Page access token for the app "  # noqa: S105
    "(docs/messenger.md, 'Tokens') and restart"
)


class MessengerChannel(InboxChannel[dict[str, Any]]):
    """The running Messenger channel."""

    name = CHANNEL
    capabilities = CAPABILITIES
    window_safety = timedelta(minutes=30)

    def __init__(
        self,
        service: ConversationService,
        *,
        page_access_token: str,
        app_secret: str,
        verify_token: str,
        graph_api_base_url: str,
        api_version: str,
        clock: Callable[[], datetime] = utc_now,
        backoff: Backoff | None = None,
        poll_interval: float = 2.0,
        http_timeout: float = 15.0,
        public_url: str = "",
    ) -> None:
        super().__init__(
            service,
            clock=clock,
            backoff=backoff,
            poll_interval=poll_interval,
            public_url=public_url,
        )
        self._app_secret = app_secret.encode()
        self._verify_token = verify_token.encode()
        self.client = GraphClient(
            base_url=graph_api_base_url,
            version=api_version,
            page_access_token=page_access_token,
            timeout=http_timeout,
        )
        self.pictures = UploadedPictures(
            lambda: self.service.catalog.lessons_dir,
            clock,
            reuse=ATTACHMENT_REUSE,
            max_bytes=MAX_IMAGE_BYTES,
            channel=CHANNEL,
        )
        self.page_ready = asyncio.Event()  # the Page's name is known and its profile is set

    # -- lifecycle -----------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Register the webhook: the subscription handshake and the events."""
        app.router.add_get(WEBHOOK_PATH, self.handshake)
        app.router.add_post(WEBHOOK_PATH, self.webhook)

    async def start(self) -> None:
        """Process stored events, send due outbox rows, and set up the Page in the background
        (its name for invite links, its profile): Meta being slow does not hold the bot."""
        await self.client.start()
        await self._start(setup=self._set_up_page())

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.close()

    async def _set_up_page(self) -> None:
        attempt = 0
        while True:
            try:
                page = await self.client.page()
                handle = page.get("username") or page.get("id")
                self.service.set_messenger_page(str(handle) if handle else None)
                changed = await sync_profile(self.client, self.service.default_locale)
                log.info(
                    "messenger: Page %s ready; profile %s",
                    page.get("id", "?"),
                    f"updated ({', '.join(changed)})" if changed else "already up to date",
                )
                self.page_ready.set()
                return
            except (GraphApiError, GraphTransportError) as exc:
                if isinstance(exc, GraphApiError) and exc.token_invalid:
                    log.error("messenger: %s", TOKEN_HELP)
                    delay = self.backoff.maximum
                else:
                    delay = self.backoff.delay(attempt)
                    log.warning("messenger: Page setup failed (%s); retry in %.0f s", exc, delay)
                attempt += 1
                await asyncio.sleep(delay)

    # -- webhook -------------------------------------------------------------------------------

    async def handshake(self, request: web.Request) -> web.Response:
        """Meta's subscription check: echo `hub.challenge` when the verify token matches."""
        mode = request.query.get("hub.mode", "")
        given = request.query.get("hub.verify_token", "").encode()
        challenge = request.query.get("hub.challenge", "")
        if mode != "subscribe" or not hmac.compare_digest(given, self._verify_token):
            log.warning("messenger: subscription check refused (wrong MESSENGER_VERIFY_TOKEN?)")
            return web.Response(status=403, text="forbidden")
        log.info("messenger: webhook subscription confirmed")
        return web.Response(text=challenge)

    def _signed(self, raw: bytes, header: str) -> bool:
        expected = hmac.new(self._app_secret, raw, hashlib.sha256).hexdigest()
        given = header.strip()
        return given.startswith("sha256=") and hmac.compare_digest(
            given.removeprefix("sha256=").lower(), expected
        )

    async def webhook(self, request: web.Request) -> web.Response:
        """Verify the signature, store the batch's events, acknowledge."""
        raw = await request.read()
        if not self._signed(raw, request.headers.get(SIGNATURE_HEADER, "")):
            log.warning("messenger webhook refused: missing or wrong %s", SIGNATURE_HEADER)
            return web.json_response({"error": "bad signature"}, status=401)
        try:
            events = page_events(json.loads(raw))
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "body is not JSON"}, status=400)
        if events is None:
            log.info("messenger webhook: not a Page event; ignored")
            return web.Response(text="EVENT_RECEIVED")
        try:
            for event in events:
                if kept(event):
                    key = event_key(event)
                    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                    await self._store(key, payload, f"event {key} ({kind_of(event)})")
        except StorageError:
            log.exception("messenger webhook not stored: database unavailable (Meta will retry)")
            return web.json_response({"error": "try again later"}, status=503)
        return web.Response(text="EVENT_RECEIVED")

    # -- processing ----------------------------------------------------------------------------

    def user_of(self, event: dict[str, Any]) -> str | None:
        """The person who acted."""
        return user_of(event)

    async def process(self, item: InboxItem, event: dict[str, Any]) -> None:
        """Run one event through the service and send the replies."""
        user = user_of(event)
        inbound = to_inbound(event, item.event_key, self.clock())
        if inbound is None or user is None:
            log.info("messenger: %s event ignored", kind_of(event))
            return
        await self._deliver(f"in:{item.id}", user, await self._handle(inbound))

    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
        """The Send API bodies for `replies`."""
        locale, public_url = self.service.default_locale, self.public_url
        return [
            body
            for reply in replies
            for body in render_reply(
                recipient, reply, self.capabilities, public_url=public_url, locale=locale
            )
        ]

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """A message the bot sends first (the outbox): inside the window, as an UPDATE."""
        await super().send(recipient, payload | {"messaging_type": UPDATE})

    async def _body(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The body to send: a lesson picture's placeholder becomes the uploaded image (or its
        words, if it cannot be sent); None when there is nothing to send."""
        name = payload.get(PICTURE)
        if not isinstance(name, str):
            return payload
        body = {key: value for key, value in payload.items() if key not in (PICTURE, "alt")}
        attachment = await self.pictures.attachment(name, self.client.upload_image)
        if attachment is not None:
            image = {"type": "image", "payload": {"attachment_id": attachment}}
            return body | {"message": {"attachment": image}}
        alt = payload.get("alt")
        return body | {"message": {"text": PICTURE_MARK + alt}} if alt else None

    async def send_payload(self, recipient: str, payload: dict[str, Any]) -> Delivery:
        """One message: rate limits and Meta's hiccups are retried in place; a person who
        cannot be reached is marked so until they write again."""

        async def attempt(_number: int) -> Delivery:
            try:
                body = await self._body(payload)
                if body is None:
                    log.warning("messenger: a lesson picture could not be sent; skipped")
                    return Delivery.SENT
                await self.client.send(body)
            except GraphApiError as exc:
                if exc.rate_limited:
                    # Meta limits the Page or the app as a whole: every send waits.
                    raise SendAgain(f"rate limited ({exc})", pause=True) from exc
                if exc.token_invalid:
                    log.error("messenger: %s", TOKEN_HELP)
                    raise RetryLater(TOKEN_HELP, self.backoff.maximum) from exc
                reason = exc.unreachable
                if reason is not None:
                    await self.mark_unreachable(recipient, f"messenger {exc.code}: {reason}")
                    return Delivery.UNREACHABLE
                if exc.transient:
                    raise SendAgain(f"Meta asks to retry ({exc})") from exc
                log.error("messenger: Meta refused a message: %s", exc)
                return Delivery.REFUSED
            except GraphTransportError as exc:
                raise SendAgain(f"network: {exc}") from exc
            return Delivery.SENT

        return await self._send_retrying(attempt)

    # -- proactive messages (outbox) -------------------------------------------------------------

    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """Messages the bot sends first go only within 24 hours of the person's last message
        (Meta's standard messaging window; no message tag is used for learning reminders)."""
        return await self.window_block(recipient, now)


def messenger_channel(settings: Settings, service: ConversationService) -> MessengerChannel | None:
    """The channel when MESSENGER_PAGE_ACCESS_TOKEN and its two companions are set, else None."""
    secrets = (
        settings.messenger_page_access_token,
        settings.messenger_app_secret,
        settings.messenger_verify_token,
    )
    if any(secret is None or not secret.get_secret_value() for secret in secrets):
        return None
    token, app_secret, verify = (s.get_secret_value() for s in secrets if s is not None)
    return MessengerChannel(
        service,
        page_access_token=token,
        app_secret=app_secret,
        verify_token=verify,
        graph_api_base_url=settings.messenger_graph_api_base_url,
        api_version=settings.messenger_api_version,
        public_url=settings.public_url,
    )


__all__ = ["CAPABILITIES", "WEBHOOK_PATH", "MessengerChannel", "messenger_channel"]
