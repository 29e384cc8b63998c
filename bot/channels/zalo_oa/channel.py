"""The Zalo Official Account channel: webhook, inbox worker, sender, token and outbox jobs.

`POST /zalo/oa/webhook`: verify `X-ZEvent-Signature` on the raw bytes, refuse stale events,
store the raw event in the inbox (unique on `msg_id`), answer 200 at once. The worker then
runs each event through the conversation service (the inbox key is the service's message id,
so a retry after a crash sends the stored replies instead of deciding again) and sends the
replies with the v3 customer-service API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from aiohttp import web

from bot.channels.base import PeriodicJob
from bot.channels.inbox_channel import Delivery, InboxChannel, SendAgain
from bot.channels.inbox_worker import RetryLater
from bot.channels.payload import from_epoch_ms
from bot.channels.zalo_oa.adapter import (
    CHANNEL,
    event_key,
    event_name,
    redact,
    timestamp_ms,
    to_inbound,
    user_of,
)
from bot.channels.zalo_oa.auth import LEASE, REFRESH_MARGIN, CredentialsUnavailable, TokenManager
from bot.channels.zalo_oa.client import (
    UNREACHABLE,
    OAClient,
    ZaloApiError,
    ZaloTransportError,
)
from bot.channels.zalo_oa.pictures import ZaloPictures
from bot.channels.zalo_oa.render import CAPABILITIES, MAX_BUTTONS, render_reply
from bot.core import Reply
from bot.errors import StorageError
from bot.retry import Backoff
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from storage import InboxItem

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/oa/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TIMESTAMP_HEADER = "X-ZEvent-Timestamp"  # read by some code, unconfirmed; tried as well
# Zalo retries an unanswered webhook for hours (up to 12 h by one account): accept events
# up to a day old; older or future-dated ones are refused like forged ones.
MAX_EVENT_AGE = timedelta(hours=24)
MAX_CLOCK_SKEW = timedelta(minutes=10)


class ZaloOAChannel(InboxChannel[dict[str, Any]]):
    """The running Zalo OA channel."""

    name = CHANNEL
    capabilities = CAPABILITIES

    def __init__(
        self,
        service: ConversationService,
        *,
        app_id: str,
        oa_secret_key: str,
        app_secret: str,
        refresh_token: str,
        api_base_url: str,
        oauth_base_url: str,
        clock: Callable[[], datetime] = utc_now,
        max_event_age: timedelta = MAX_EVENT_AGE,
        max_clock_skew: timedelta = MAX_CLOCK_SKEW,
        backoff: Backoff | None = None,
        poll_interval: float = 2.0,
        token_check_interval: float = 600.0,
        refresh_margin: timedelta = REFRESH_MARGIN,
        lease: timedelta = LEASE,
        max_buttons: int = MAX_BUTTONS,
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
        self.app_id = app_id
        self.max_event_age = max_event_age
        self.max_clock_skew = max_clock_skew
        self.token_check_interval = token_check_interval
        self.max_buttons = max_buttons
        self.capabilities = replace(CAPABILITIES, max_buttons=max_buttons)
        self._secrets = (("OA secret key", oa_secret_key), ("app secret", app_secret))
        self.client = OAClient(
            api_base_url=api_base_url,
            oauth_base_url=oauth_base_url,
            app_id=app_id,
            app_secret=app_secret,
            timeout=http_timeout,
        )
        self.tokens = TokenManager(
            self.storage.tokens.store(CHANNEL),
            self.client,
            refresh_token,
            clock=clock,
            refresh_margin=refresh_margin,
            lease=lease,
        )
        self._matched: set[str] = set()
        self.pictures = ZaloPictures(lambda: self.service.catalog.lessons_dir, clock)

    # -- lifecycle -----------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Register the webhook."""
        app.router.add_post(WEBHOOK_PATH, self.webhook)

    async def start(self) -> None:
        """Get a token, then process stored events, send due outbox rows, refresh tokens."""
        await self.client.start()
        try:
            await self.tokens.prepare()
        except StorageError as exc:
            log.error("zalo_oa: token store unavailable at start (%s); retrying later", exc)
        await self._start()

    def periodic_jobs(self) -> tuple[PeriodicJob, ...]:
        """Refresh the access token ahead of its expiry (run by the scheduler's leader)."""
        return (PeriodicJob("tokens", self.token_check_interval, self.tokens.refresh_if_due),)

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.close()

    # -- webhook -------------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        """Verify, store, acknowledge. Nothing is processed here."""
        raw = await request.read()
        header = request.headers.get(SIGNATURE_HEADER, "").strip()
        if not header:
            log.warning("zalo_oa webhook refused: no %s header", SIGNATURE_HEADER)
            return _status(401, "missing signature")
        try:
            event = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return _status(400, "body is not JSON")
        if not isinstance(event, dict):
            return _status(400, "body is not a JSON object")
        if not self._verify(raw, header, event, request.headers.get(TIMESTAMP_HEADER)):
            log.warning("zalo_oa webhook refused: signature does not match (forged?)")
            return _status(401, "bad signature")
        now = self.clock()
        if not self._fresh(event, now):
            log.warning(
                "zalo_oa webhook refused: timestamp %r is missing or outside the accepted "
                "window (%s old, %s ahead)",
                event.get("timestamp"),
                self.max_event_age,
                self.max_clock_skew,
            )
            return _status(401, "stale or missing timestamp")
        kept = redact(event)
        payload = raw.decode("utf-8", "replace") if kept is event else _dumps(kept)
        key = event_key(event)
        try:
            await self._store(key, payload, f"event {key} ({event_name(event)})")
        except StorageError:
            log.exception("zalo_oa webhook not stored: database unavailable (Zalo will retry)")
            return _status(503, "try again later")
        return web.json_response({"error": 0, "message": "ok"})

    def _verify(
        self, raw: bytes, header: str, event: dict[str, Any], ts_header: str | None
    ) -> bool:
        mac = header.removeprefix("mac=").strip().lower()
        timestamps = [str(event.get("timestamp", ""))]
        if ts_header and ts_header not in timestamps:
            timestamps.append(ts_header)
        app_ids = [self.app_id]
        oa_id = event.get("oa_id")
        if isinstance(oa_id, str) and oa_id and oa_id != self.app_id:
            app_ids.append(oa_id)  # some code signs with the OA id (unconfirmed)
        for secret_name, secret in self._secrets:
            for app_id in app_ids:
                for ts in timestamps:
                    digest = hashlib.sha256(
                        app_id.encode() + raw + ts.encode() + secret.encode()
                    ).hexdigest()
                    if hmac.compare_digest(mac, digest):
                        self._log_match(secret_name, app_id == self.app_id, ts == timestamps[0])
                        return True
        return False

    def _log_match(self, secret_name: str, by_app_id: bool, by_body_ts: bool) -> None:
        how = (
            f"{secret_name}, {'app id' if by_app_id else 'OA id'}, "
            f"timestamp from the {'body' if by_body_ts else 'header'}"
        )
        if how not in self._matched:
            self._matched.add(how)
            log.info("zalo_oa webhook signature matched with: %s", how)

    def _fresh(self, event: dict[str, Any], now: datetime) -> bool:
        at = from_epoch_ms(timestamp_ms(event))
        return at is not None and now - self.max_event_age <= at <= now + self.max_clock_skew

    # -- processing ----------------------------------------------------------------------------

    def user_of(self, event: dict[str, Any]) -> str | None:
        """The Zalo user the event is about."""
        return user_of(event)

    async def process(self, item: InboxItem, event: dict[str, Any]) -> None:
        """Run one webhook event through the service and send the replies."""
        name, user, now = event_name(event), user_of(event), self.clock()
        if name == "unfollow" and user:
            try:
                await self.storage.identities.mark_unreachable(
                    CHANNEL, user, "unfollowed the OA", now
                )
            except StorageError as exc:
                raise RetryLater(str(exc), self.backoff.delay(2)) from exc
            log.info("zalo_oa: a learner unfollowed; no more messages until they write again")
            return
        inbound = to_inbound(event, item.event_key, now)
        if inbound is None or user is None:
            if name == "user_submit_info":
                log.info("zalo_oa: user_submit_info ignored (personal data is not kept)")
            else:
                log.info("zalo_oa: %s event ignored", name or "unnamed")
            return
        await self._deliver(f"in:{item.id}", user, await self._handle(inbound))

    async def _locale(self, user: str) -> str | None:
        try:
            state = await self.storage.learner_state(CHANNEL, user)
        except Exception:  # noqa: BLE001 - only decides the language of "More choices:"
            return None
        return state.locale if state else None

    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
        """The customer-service message bodies for `replies`."""
        locale = self.service.default_locale
        if any(len(reply.choices) > self.max_buttons for reply in replies):
            locale = await self._locale(recipient) or locale
        return [
            payload
            for reply in replies
            for payload in render_reply(
                recipient, reply, locale, self.capabilities, public_url=self.public_url
            )
        ]

    async def send_payload(self, recipient: str, payload: dict[str, Any]) -> Delivery:
        """One customer-service message: rate limits and network errors are retried in place,
        a refused access token is refreshed once."""
        refreshed = False

        async def attempt(number: int) -> Delivery:
            nonlocal refreshed
            token = await self._access_token(number)
            try:
                body = await self.pictures.body(payload, partial(self.client.upload_image, token))
                if body is None:
                    log.warning("zalo_oa: a lesson picture could not be sent; skipped")
                    return Delivery.SENT
                await self.client.send_message(token, body)
            except ZaloApiError as exc:
                if exc.rate_limited:
                    # Zalo limits the OA as a whole: every send waits, not just this learner's.
                    raise SendAgain(f"rate limited ({exc})", pause=True) from exc
                if exc.token_invalid and not refreshed:
                    refreshed = True
                    log.warning("zalo_oa: access token refused (%s); refreshing once", exc.code)
                    try:
                        await self.tokens.token_failed(token)
                    except CredentialsUnavailable as failure:
                        raise RetryLater(str(failure), self.backoff.maximum) from failure
                    raise SendAgain("access token refreshed", at_once=True) from exc
                if exc.token_invalid:
                    raise RetryLater(
                        f"new access token refused too ({exc})", self.backoff.maximum
                    ) from exc
                if exc.unreachable:
                    reason = f"zalo {exc.code}: {UNREACHABLE.get(exc.code, exc.message)}"
                    await self.mark_unreachable(recipient, reason)
                    return Delivery.UNREACHABLE
                log.error("zalo_oa: Zalo refused a message to %s: %s", recipient, exc)
                return Delivery.REFUSED
            except ZaloTransportError as exc:
                raise SendAgain(f"network: {exc}") from exc
            return Delivery.SENT

        return await self._send_retrying(attempt)

    async def _access_token(self, attempt: int) -> str:
        try:
            return await self.tokens.access_token()
        except CredentialsUnavailable as exc:
            delay = self.backoff.maximum * 5 if exc.permanent else self.backoff.delay(attempt)
            raise RetryLater(f"no access token: {exc}", delay) from exc
        except StorageError as exc:
            raise RetryLater(f"token store unavailable: {exc}", self.backoff.delay(2)) from exc

    # -- proactive messages (outbox) -------------------------------------------------------------

    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """Why a proactive message to `recipient` may not be sent now, or None if it may.

        Zalo accepts customer-service messages only within 7 days of the learner's last
        interaction; a learner marked unreachable stays so until they write again.
        """
        return await self.window_block(recipient, now)


def _status(status: int, reason: str) -> web.Response:
    return web.json_response({"error": status, "message": reason}, status=status)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def zalo_oa_channel(settings: Settings, service: ConversationService) -> ZaloOAChannel | None:
    """The channel when ZALO_OA_APP_ID and its three companions are set, else None."""
    secrets = (
        settings.zalo_oa_secret_key,
        settings.zalo_app_secret,
        settings.zalo_oa_refresh_token,
    )
    if not settings.zalo_oa_app_id or any(value is None for value in secrets):
        return None
    oa_secret, app_secret, refresh = (s.get_secret_value() for s in secrets if s is not None)
    return ZaloOAChannel(
        service,
        app_id=settings.zalo_oa_app_id,
        oa_secret_key=oa_secret,
        app_secret=app_secret,
        refresh_token=refresh,
        api_base_url=settings.zalo_oa_api_base_url,
        oauth_base_url=settings.zalo_oauth_base_url,
        public_url=settings.public_url,
    )


__all__ = ["CAPABILITIES", "WEBHOOK_PATH", "ZaloOAChannel", "zalo_oa_channel"]
