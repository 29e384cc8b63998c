"""The Telegram channel at run time: receive, store, process, send.

    Telegram ──► receive.Receiver: webhook route / getUpdates loop ──► inbox (durable, one row
                                                        │  per update; 200 / next offset after)
                                                        ▼
          InboxPipeline (Drain.LOCAL; one queue per learner) ──► Application.process_update
                                                        │  TypeHandler -> TelegramChannel._process
                                                        ▼
          translate -> ConversationService.handle -> send.Sender -> inbox row processed

A text message or a button tap is read straight from Telegram's JSON (`plain_update`, the bulk of
the traffic); any other update is parsed by PTB (`Update.de_json`).

Delivery is at least once: an update whose effects were committed but whose replies were not all
sent (a crash, a network failure) is handled again; the service recognises the update id and
returns the stored replies, and sending resumes (within one process, from the first unsent
message; after a restart, from the first message of that update).

Several `hocvuso run` processes on one PostgreSQL database (docs/decisions.md, 11): each handles
the updates it received; the holder of the channel's lock is the only one that polls (Telegram
answers a second getUpdates caller 409 Conflict) and the only one that resumes stored-but-
unprocessed updates (`bot.channels.pipeline`, `Drain.LOCAL`). On SQLite the lock is always
granted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, BaseRateLimiter, CallbackContext, TypeHandler

from bot.certificate import CertificateFiles
from bot.channels.pipeline import Drain, InboxPipeline
from bot.channels.telegram.adapter import (
    ALLOWED_UPDATES,
    CHANNEL,
    Blocked,
    Ignored,
    Incoming,
    PlainUpdate,
    Translation,
    order_key,
    plain_update,
    translate,
    translate_plain,
    update_key,
)
from bot.channels.telegram.client import ChannelBot
from bot.channels.telegram.inbox import InboxWriter
from bot.channels.telegram.menu import publish_commands
from bot.channels.telegram.outbound import ProactiveSending
from bot.channels.telegram.ratelimit import ChatRateLimiter
from bot.channels.telegram.receive import WEBHOOK_PATH, Receiver
from bot.channels.telegram.render import CAPABILITIES
from bot.channels.telegram.request import AiohttpRequest
from bot.channels.telegram.send import Sender
from bot.errors import ConfigurationError, StorageError
from bot.reports.web import ReportCharts
from bot.retry import Backoff
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from storage import InboxItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramOptions:
    """Knobs with sensible defaults; tests and the benchmark change them.

    Attributes:
        poll_timeout: seconds one getUpdates long poll may wait for news.
        max_active: most updates being handled at once (over all learners).
        max_attempts: tries per update on transient failures (database down, network).
        retry_delay: seconds before the second try; doubles after each failure.
        stop_grace: seconds `stop()` lets running updates finish before parking them.
        resume_batch: inbox rows read at a time when resuming after a restart.
        webhook_max_connections: how many webhook requests Telegram may have open at once.
        lock_interval: seconds between asks for the channel's lock (several processes).
        sweep_interval: seconds between the lock holder's looks for updates left pending by
            another process; one pending at two looks in a row is resumed.
        resume_retry_max: longest wait between tries to read the inbox while the database is
            down (the waits double from `retry_delay`).
    """

    poll_timeout: int = 25
    max_active: int = 64
    max_attempts: int = 5
    retry_delay: float = 0.5
    stop_grace: float = 5.0
    resume_batch: int = 500
    webhook_max_connections: int = 40
    lock_interval: float = 2.0
    sweep_interval: float = 60.0
    resume_retry_max: float = 30.0

    @property
    def backoff(self) -> Backoff:
        """Waits between the tries of one update: `retry_delay`, doubling, `max_attempts` tries."""
        return Backoff(initial=self.retry_delay, maximum=60.0, attempts=self.max_attempts)

    @property
    def resume_backoff(self) -> Backoff:
        """Waits between reads of the inbox while the database is down: twice `retry_delay`,
        doubling, at most `resume_retry_max`."""
        return Backoff(initial=2 * self.retry_delay, maximum=self.resume_retry_max)


@dataclass(eq=False)
class Envelope:
    """One stored update on its way through the bot (the object PTB's handlers receive)."""

    inbox_id: int
    key: str
    update: Update | PlainUpdate | None  # PlainUpdate: a common update, read without PTB
    attempts: int = 0
    sent: int = 0  # messages of this update's replies Telegram has accepted
    answered: bool = False  # the callback query's spinner was stopped
    chat_id: int | None = None
    locale: str | None = None


class _Unreadable(Exception):
    """The stored payload is not an update python-telegram-bot can read."""


def build_application(
    token: str, base_url: str, rate_limiter: BaseRateLimiter[Any]
) -> Application[ChannelBot, Any, Any, Any, Any, Any]:
    """A PTB Application on a `ChannelBot` with our aiohttp transport and rate limiter, no
    Updater, no JobQueue."""
    bot = ChannelBot(
        token,
        base_url=base_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=2),
        rate_limiter=rate_limiter,
    )
    return Application.builder().bot(bot).updater(None).job_queue(None).build()


class TelegramChannel(ProactiveSending):
    """The Telegram channel: a webhook route or a polling loop, both feeding the inbox."""

    name = CHANNEL
    capabilities = CAPABILITIES

    def __init__(
        self,
        settings: Settings,
        service: ConversationService,
        *,
        rate_limiter: BaseRateLimiter[Any] | None = None,
        options: TelegramOptions | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if settings.telegram_bot_token is None:
            raise ConfigurationError("TELEGRAM_BOT_TOKEN is not set")
        token = settings.telegram_bot_token.get_secret_value()
        self.service = service
        self.options = options or TelegramOptions()
        self.clock = clock
        self.bot_id = token.partition(":")[0]
        self.base_url = settings.telegram_api_base_url
        self.webhook_url = settings.telegram_webhook_url
        secret = settings.telegram_webhook_secret
        self._secret = secret.get_secret_value() if secret is not None else ""
        self._writer = InboxWriter(service.storage, CHANNEL, clock)
        self.application = build_application(
            token, self.base_url, rate_limiter or ChatRateLimiter()
        )
        self.application.add_handler(TypeHandler(Envelope, self._on_envelope))
        self.application.add_error_handler(self._on_error)
        bot = self.application.bot
        self.receiver = Receiver(
            bot,
            self._writer,
            bot_id=self.bot_id,
            secret=self._secret,
            received=self._received,
            poll_timeout=self.options.poll_timeout,
        )
        files = CertificateFiles(service.storage, service.catalog, service.zone)
        self.sender = Sender(
            bot,
            service.storage,
            service.catalog.lessons_dir,
            clock,
            certificates=files,
            public_url=settings.public_url,
            charts=ReportCharts(service.storage, service.report_context, clock),
        )
        self.lock = service.storage.locks.leader(CHANNEL)
        self.pipeline: InboxPipeline[Envelope] = InboxPipeline(
            service.storage.inbox,
            CHANNEL,
            self.application.process_update,
            self._decode,
            drain=Drain.LOCAL,
            lock=self.lock,
            max_active=self.options.max_active,
            interval=self.options.lock_interval,
            sweep_interval=self.options.sweep_interval,
            batch=self.options.resume_batch,
            read_backoff=self.options.resume_backoff,
            stop_grace=self.options.stop_grace,
            on_lead=self._on_lead,
            flush=self._writer.drain,
        )
        self._initialized = False

    @property
    def leading(self) -> bool:
        """Whether this process polls (polling mode) and resumes leftovers, as of the last ask
        for the lock."""
        return self.pipeline.running and self.pipeline.leading

    @property
    def mode(self) -> str:
        """How updates arrive: "webhook" when TELEGRAM_WEBHOOK_URL is set, else "polling"."""
        return "webhook" if self.webhook_url else "polling"

    # -- lifecycle -------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """`POST /telegram/webhook` in webhook mode (nothing in polling mode)."""
        if self.webhook_url:
            app.router.add_post(WEBHOOK_PATH, self.receiver.webhook)

    async def start(self) -> None:
        """Check the token, publish the command menu, resume stored updates, start receiving.

        Raises:
            ConfigurationError: Telegram rejected the token or the webhook URL, or the Bot API
                cannot be reached; the message says which variable to check.
        """
        try:
            await self.application.initialize()
        except TelegramError as exc:
            # The HTTP sessions were opened before Telegram answered; nothing else closes them.
            await self.application.bot.shutdown()
            if isinstance(exc, InvalidToken):  # PTB's message holds the whole token
                raise ConfigurationError(
                    f"TELEGRAM_BOT_TOKEN: Telegram rejected the token of bot {self.bot_id}; "
                    "copy it again from @BotFather (/mybots -> API Token)"
                ) from exc
            reason = str(exc).replace(self.application.bot.token, "<token>")
            raise ConfigurationError(
                f"TELEGRAM_API_BASE_URL: cannot reach the Telegram Bot API at {self.base_url} "
                f"({reason}); check the network and TELEGRAM_API_BASE_URL"
            ) from exc
        self._initialized = True
        self.service.set_telegram_bot(self.application.bot.username)
        try:
            await publish_commands(self.application.bot, self.service.default_locale)
            if self.webhook_url:
                await self.pipeline.start()  # takes updates before Telegram sends the first
                await self._set_webhook(self.webhook_url)
            else:
                await self.application.bot.delete_webhook()
                await self.pipeline.start()  # the lock holder polls
        except BaseException:
            await self.stop()
            raise
        log.info(
            "telegram: @%s is on (%s%s)",
            self.application.bot.username,
            self.mode,
            "" if self.leading else "; another process leads, this one stands by",
        )

    async def stop(self) -> None:
        """Stop receiving; let running updates finish for a few seconds; park the rest in the
        inbox (they are handled again on the next start); close the connections."""
        await self.pipeline.stop()  # stops polling; releases the lock once all is written
        if self._initialized:
            self._initialized = False
            await self.application.shutdown()

    async def join(self) -> None:
        """Wait until every update received so far has been handled (tests, benchmarks)."""
        await self.pipeline.join()

    async def _on_lead(self, leading: bool) -> None:
        """Only the lock holder polls (Telegram answers a second getUpdates caller 409)."""
        if leading and not self.webhook_url and self.pipeline.running:
            self.receiver.start_polling()
        elif not leading:
            await self.receiver.stop_polling()

    async def _set_webhook(self, url: str) -> None:
        try:
            await self.application.bot.set_webhook(
                url=url,
                secret_token=self._secret,
                allowed_updates=list(ALLOWED_UPDATES),
                max_connections=self.options.webhook_max_connections,
            )
        except TelegramError as exc:
            raise ConfigurationError(
                f"Telegram refused the webhook {url} ({exc}). TELEGRAM_WEBHOOK_URL must be a "
                "public https:// URL on port 443, 80, 88 or 8443 reaching /telegram/webhook."
            ) from exc

    # -- receiving -------------------------------------------------------------------------------

    def _received(self, inbox_id: int, data: dict[str, Any]) -> None:
        """A newly stored update: queue it behind the same learner's earlier ones."""
        if self.pipeline.running:
            self.pipeline.submit(inbox_id, *self._envelope(inbox_id, data))

    def _decode(self, item: InboxItem) -> tuple[str, Envelope]:
        """A stored update being resumed."""
        try:
            data: object = json.loads(item.payload)
        except ValueError:
            data = None
        return self._envelope(item.id, data)

    def _envelope(self, inbox_id: int, data: object) -> tuple[str, Envelope]:
        """The learner's queue and the envelope for a stored update."""
        key, update = self._parse(inbox_id, data)
        if isinstance(update, PlainUpdate):
            queue = update.order_key
        else:
            queue = order_key(update) if update else key
        return queue, Envelope(inbox_id, key, update)

    def _parse(self, inbox_id: int, data: object) -> tuple[str, Update | PlainUpdate | None]:
        """The update's key and the update: read from the JSON when it is a common one, else
        parsed by PTB (None when it cannot be read)."""
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            log.warning("telegram: inbox row %s is not an update; it is skipped", inbox_id)
            return f"inbox:{inbox_id}", None
        key = update_key(self.bot_id, data["update_id"])
        plain = plain_update(data)
        if plain is not None:
            return key, plain
        try:
            return key, Update.de_json(data, self.application.bot)
        except Exception:  # noqa: BLE001 - a malformed update must not stop the others
            log.warning("telegram: update %s cannot be read; it is skipped", key)
            return key, None

    # -- processing ------------------------------------------------------------------------------

    async def _on_envelope(
        self, envelope: Envelope, _context: CallbackContext[Any, Any, Any, Any]
    ) -> None:
        await self._process(envelope)

    async def _on_error(
        self, update: object, context: CallbackContext[Any, Any, Any, Any]
    ) -> None:
        key = update.key if isinstance(update, Envelope) else type(update).__name__
        log.error("telegram: error in a handler for %s", key, exc_info=context.error)

    async def _process(self, envelope: Envelope) -> None:
        """Handle one update, retrying transient failures with back-off, then mark the inbox."""
        while True:
            try:
                await self._process_once(envelope)
            except (StorageError, NetworkError) as exc:  # TimedOut is a NetworkError
                envelope.attempts += 1
                refused = isinstance(exc, StorageError) and not exc.transient
                if refused or self.options.backoff.exhausted(envelope.attempts):
                    log.error(
                        "telegram: update %s failed %d times (%s); giving up",
                        envelope.key,
                        envelope.attempts,
                        exc,
                    )
                    if isinstance(exc, StorageError):
                        await self._apologise(envelope)
                    await self._finish(envelope, error=f"{exc.__class__.__name__}: {exc}")
                    return
                delay = self.options.backoff.delay(envelope.attempts - 1)
                log.warning(
                    "telegram: update %s failed (%s); trying again in %.1f s",
                    envelope.key,
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
            except _Unreadable:
                await self._finish(envelope, error="unreadable update")
                return
            except Exception as exc:
                log.exception("telegram: update %s could not be handled", envelope.key)
                await self._finish(envelope, error=f"{exc.__class__.__name__}: {exc}")
                return
            else:
                await self._finish(envelope)
                return

    async def _process_once(self, envelope: Envelope) -> None:
        update = envelope.update
        if update is None:
            raise _Unreadable
        if isinstance(update, PlainUpdate):
            query_id = update.query_id
        else:
            query_id = update.callback_query.id if update.callback_query is not None else None
        if query_id is not None and not envelope.answered:
            envelope.answered = True  # stop the button's spinner first; a failure is harmless
            try:
                await self.application.bot.answer_callback_query(query_id)  # = query.answer()
            except TelegramError as exc:
                log.debug("telegram: answerCallbackQuery failed: %s", exc)
        translation: Translation
        if isinstance(update, PlainUpdate):
            translation = translate_plain(update, key=envelope.key, now=self.clock())
        else:
            translation = translate(update, key=envelope.key, now=self.clock())
        if isinstance(translation, Ignored):
            log.debug("telegram: update %s ignored: %s", envelope.key, translation.reason)
            return
        if isinstance(translation, Blocked):
            log.info("telegram: a learner blocked the bot; marked unreachable")
            await self.service.storage.identities.mark_unreachable(
                CHANNEL, translation.user_ref, "blocked", self.clock()
            )
            return
        assert isinstance(translation, Incoming)
        envelope.chat_id, envelope.locale = translation.chat_id, translation.message.locale
        handled = await self.service.handle(translation.message)
        if handled.duplicate:
            log.info("telegram: update %s was handled before; sending its replies", envelope.key)
        await self.sender.deliver(
            translation.chat_id, translation.message.user_ref, handled.replies, envelope
        )

    async def _apologise(self, envelope: Envelope) -> None:
        """The database stayed down: tell the learner to send again later (best effort)."""
        if envelope.chat_id is None or envelope.sent:
            return
        for reply in self.service.unavailable_replies(envelope.locale):
            with contextlib.suppress(TelegramError):
                await self.application.bot.send_message(envelope.chat_id, reply.text)

    async def _finish(self, envelope: Envelope, error: str | None = None) -> None:
        """Mark the inbox row done (or failed for good)."""
        try:
            if error is None:
                await self._writer.processed(envelope.inbox_id)
            else:
                await self._writer.failed(envelope.inbox_id, error)
        except StorageError:
            log.warning(
                "telegram: could not mark update %s; it is handled again after a restart",
                envelope.key,
            )
