"""The Telegram channel at run time: receive, store, process, send.

    Telegram ──► webhook route / getUpdates loop ──► inbox (durable, unique per update)
                                                        │  200 / next offset only after this
                                                        ▼
          KeyedDispatcher (one queue per learner) ──► Application.process_update(Envelope)
                                                        │  TypeHandler -> TelegramChannel._process
                                                        ▼
          translate -> ConversationService.handle -> render -> send in order -> inbox processed

A text message or a button tap is read straight from Telegram's JSON (`plain_update`, the bulk of
the traffic); any other update is parsed by PTB (`Update.de_json`). Replies go out through
`ChannelBot`, which does not parse Telegram's answers into PTB objects (see docs/performance.md).

Delivery is at least once: an update whose effects were committed but whose replies were not all
sent (a crash, a network failure) is handled again; the service recognises the update id and
returns the stored replies, and sending resumes (within one process, from the first unsent
message; after a restart, from the first message of that update).

PTB's own `Updater` is not used: it confirms updates to Telegram before they are processed, so a
crash would lose them. Our polling loop asks for the next offset only once the batch is stored.

Several `hocvuso run` processes on one PostgreSQL database (docs/decisions.md, 9): the holder of
the channel's `LeaderLock` is the only one that polls (Telegram answers a second getUpdates caller
409 Conflict) and the only one that resumes stored-but-unprocessed updates: at once when it takes
the lock (a start, or a take-over when the holder stopped or died), then every `sweep_interval`
the rows that are still pending and not its own since its previous look (left by a process that
died while others live). In webhook mode every process handles what it received. The others ask
for the lock every `lock_interval` seconds. On SQLite the lock is always granted.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from telegram import BotCommand, InputFile, Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, BaseRateLimiter, CallbackContext, TypeHandler

from bot.channels.telegram.adapter import (
    ALLOWED_UPDATES,
    CHANNEL,
    Blocked,
    Ignored,
    Incoming,
    PlainUpdate,
    Translation,
    minimise,
    order_key,
    plain_update,
    translate,
    translate_plain,
    update_key,
)
from bot.channels.telegram.client import ChannelBot
from bot.channels.telegram.dispatch import KeyedDispatcher
from bot.channels.telegram.inbox import InboxWriter
from bot.channels.telegram.outbound import ProactiveSending
from bot.channels.telegram.ratelimit import ChatRateLimiter, retry_seconds
from bot.channels.telegram.render import (
    CAPABILITIES,
    EMPTY_TEXT,
    MAX_BUTTONS,
    MAX_CALLBACK_BYTES,
    Outgoing,
    render,
)
from bot.channels.telegram.request import AiohttpRequest
from bot.core import COMMANDS as CORE_COMMANDS
from bot.core import Reply
from bot.errors import ConfigurationError, StorageError
from bot.i18n import N_, translator
from bot.service import ConversationService, utc_now
from bot.settings import Settings

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# The command menu (setMyCommands), per language. Only names the core knows are published.
COMMAND_MENUS: dict[str, tuple[tuple[str, str], ...]] = {
    "vi": (
        ("start", N_("Start learning")),
        ("menu", N_("Menu")),
        ("tiendo", N_("My progress")),
        ("sotay", N_("Handbook: questions and answers")),
        ("ngonngu", N_("Change language")),
        ("trogiup", N_("Help")),
        ("xoadulieu", N_("Delete my data")),
    ),
    "en": (
        ("start", N_("Start learning")),
        ("menu", N_("Menu")),
        ("progress", N_("My progress")),
        ("handbook", N_("Handbook: questions and answers")),
        ("language", N_("Change language")),
        ("help", N_("Help")),
        ("delete", N_("Delete my data")),
    ),
}
_RECENT = 10_000  # inbox rows remembered as finished, so a late duplicate dispatch is dropped
_RENDERED = 4096  # distinct replies kept rendered (forgotten all at once when full)


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


def _renders_whole(reply: Reply) -> bool:
    """Every choice becomes a button (`keyboard_for` leaves none out, logs nothing)."""
    return len(reply.choices) <= MAX_BUTTONS and all(
        len(choice.id.encode("utf-8")) <= MAX_CALLBACK_BYTES for choice in reply.choices
    )


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
        self.inbox = service.storage.inbox
        self._writer = InboxWriter(service.storage, CHANNEL, clock)
        self.media_root: Path = service.catalog.lessons_dir
        self.application = build_application(
            token, self.base_url, rate_limiter or ChatRateLimiter()
        )
        self.application.add_handler(TypeHandler(Envelope, self._on_envelope))
        self.application.add_error_handler(self._on_error)
        self._dispatcher: KeyedDispatcher[Envelope] = KeyedDispatcher(
            self.application.process_update, self.options.max_active
        )
        self._inflight: set[int] = set()
        self._recent: OrderedDict[int, None] = OrderedDict()
        self._photo_ids: dict[Path, str] = {}
        self._rendered: dict[Reply, list[Outgoing]] = {}
        self._accepting = False
        self._initialized = False
        self._poller: asyncio.Task[None] | None = None
        self._resumer: asyncio.Task[None] | None = None
        self.lock = service.storage.locks.leader(CHANNEL)
        self._leading = False
        self._leader: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._suspects: set[int] = set()  # pending, not ours, at the last sweep

    @property
    def leading(self) -> bool:
        """Whether this process polls (polling mode) and resumes leftovers, as of the last ask
        for the lock."""
        return self._leading

    @property
    def mode(self) -> str:
        """How updates arrive: "webhook" when TELEGRAM_WEBHOOK_URL is set, else "polling"."""
        return "webhook" if self.webhook_url else "polling"

    # -- lifecycle -------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """`POST /telegram/webhook` in webhook mode (nothing in polling mode)."""
        if self.webhook_url:
            app.router.add_post(WEBHOOK_PATH, self.webhook)

    async def start(self) -> None:
        """Check the token, publish the command menu, resume stored updates, start receiving.

        Raises:
            ConfigurationError: Telegram rejected the token or the webhook URL, or the Bot API
                cannot be reached; the message says which variable to check.
        """
        try:
            await self.application.initialize()
        except InvalidToken as exc:
            raise ConfigurationError(
                f"Telegram rejected TELEGRAM_BOT_TOKEN ({exc}). Copy the token again from "
                "@BotFather (/mybots -> API Token)."
            ) from exc
        except TelegramError as exc:
            raise ConfigurationError(
                f"Cannot reach the Telegram Bot API at {self.base_url} ({exc}). Check the "
                "network and TELEGRAM_API_BASE_URL."
            ) from exc
        self._initialized = True
        try:
            await self._publish_commands()
            self._accepting = True
            self._stopping.clear()
            if self.webhook_url:
                await self._set_webhook(self.webhook_url)
            else:
                await self.application.bot.delete_webhook()
            await self._ask_lock()
            self._leader = asyncio.create_task(self._lead(), name="telegram-leader")
        except BaseException:
            await self.stop()
            raise
        log.info(
            "telegram: @%s is on (%s%s)",
            self.application.bot.username,
            self.mode,
            "" if self._leading else "; another process leads, this one stands by",
        )

    async def stop(self) -> None:
        """Stop receiving; let running updates finish for a few seconds; park the rest in the
        inbox (they are handled again on the next start); close the connections."""
        self._accepting = False
        self._stopping.set()
        if self._leader is not None:
            # It returns by itself (cancelling it mid-query would leave a connection behind).
            await asyncio.gather(self._leader, return_exceptions=True)
            self._leader = None
        await self._stop_polling()
        await self._dispatcher.close(self.options.stop_grace)
        if self._resumer is not None:
            # It returns by itself now that nothing is accepted.
            await asyncio.gather(self._resumer, return_exceptions=True)
        self._resumer = None
        await self._writer.drain()
        # Only now, with this process's updates finished or parked: the next holder resumes
        # what is left, and nothing twice.
        await self.lock.release()
        self._leading = False
        self._suspects.clear()
        if self._initialized:
            self._initialized = False
            await self.application.shutdown()

    async def join(self) -> None:
        """Wait until every update received so far has been handled (tests, benchmarks)."""
        await self._dispatcher.join()

    # -- several processes -----------------------------------------------------------------------

    async def _lead(self) -> None:
        """Ask for the channel's lock every `lock_interval` seconds until `stop()`; sweep for
        leftovers every `sweep_interval` seconds while holding it."""
        loop = asyncio.get_running_loop()
        next_sweep = loop.time() + self.options.sweep_interval
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.options.lock_interval)
            if self._stopping.is_set():
                return
            try:
                await self._ask_lock()
                if self._leading and loop.time() >= next_sweep:
                    next_sweep = loop.time() + self.options.sweep_interval
                    self._start_resume(sweep=True)
            except Exception:  # noqa: BLE001 - the loop must keep asking
                log.exception("telegram: asking for the channel's lock failed")

    async def _ask_lock(self) -> None:
        """Take the lock, keep it, or notice it is lost; start or stop polling to match."""
        leading = await self.lock.hold()
        if leading and not self._leading:
            self._leading = True
            if self.lock.shared:
                log.info("telegram: this process %s now", "leads" if self.webhook_url else "polls")
            self._suspects.clear()
            self._start_resume(sweep=False)
            if not self.webhook_url and self._accepting:
                self._poller = asyncio.create_task(self._poll(), name="telegram-polling")
        elif self._leading and not leading:
            self._leading = False
            log.warning("telegram: lost the channel's lock; another process takes over")
            # Updates on their way here still finish (at worst a learner sees a reply twice,
            # when the next holder resumes one of them: the effects are kept once).
            await self._stop_polling()

    async def _stop_polling(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    def _start_resume(self, *, sweep: bool) -> None:
        """Resume stored updates in the background, unless a resume is still running."""
        if not self._accepting or (self._resumer is not None and not self._resumer.done()):
            return
        self._resumer = asyncio.create_task(self._resume(sweep=sweep), name="telegram-resume")

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

    async def _publish_commands(self) -> None:
        """The "/" menu in each language; clients pick it by the user's language_code."""
        bot = self.application.bot
        for language in (None, "vi", "en"):
            locale = language or self.service.default_locale
            t = translator(locale, self.service.default_locale)
            commands = [
                BotCommand(name, t.gettext(description))
                for name, description in COMMAND_MENUS[t.locale]
                if name in CORE_COMMANDS
            ]
            try:
                await bot.set_my_commands(commands, language_code=language)
            except TelegramError as exc:
                log.warning("telegram: could not publish the %s command menu: %s", locale, exc)

    # -- receiving -------------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's POST: check the secret, store the update durably, then answer 200."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="secret token missing")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("telegram webhook: wrong secret token from %s", request.remote)
            return web.Response(status=403, text="wrong secret token")
        raw = await request.read()
        try:
            data = json.loads(raw.decode("utf-8"))
            update_id = data["update_id"]
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                raise TypeError("update_id is not an integer")
        except (UnicodeDecodeError, ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        try:
            payload = json.dumps(minimise(data), ensure_ascii=False)
            inbox_id = await self._writer.store(update_key(self.bot_id, update_id), payload)
        except StorageError:
            log.exception("telegram webhook: update %s not stored; Telegram will retry", update_id)
            return web.Response(status=503, text="storage unavailable")
        if inbox_id is None:
            log.debug("telegram webhook: update %s was already received", update_id)
        elif self._accepting:
            self._dispatch(inbox_id, *self._parse(inbox_id, data))
        return web.Response(status=200)

    async def _poll(self) -> None:
        """Long-poll getUpdates; confirm a batch (next offset) only once it is stored."""
        bot = self.application.bot
        offset: int | None = None
        failures = 0
        while True:
            try:
                batch = await bot.get_update_dicts(
                    offset=offset,
                    poll_timeout=self.options.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                )
                offset = await self._store_batch(batch, offset)
                failures = 0
            except InvalidToken:
                log.critical("telegram: the token was revoked; polling stopped")
                return
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
            except (TelegramError, StorageError) as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2**failures)
                level = logging.ERROR if isinstance(exc, Conflict) else logging.WARNING
                log.log(level, "telegram polling failed (%s); again in %.0f s", exc, delay)
                await asyncio.sleep(delay)

    async def _store_batch(self, batch: list[dict[str, Any]], offset: int | None) -> int | None:
        """Store a getUpdates answer (one transaction); returns the offset confirming it.

        The updates are stored as Telegram sent them (minimised, as the webhook stores them) and
        parsed once, for the workers."""
        updates: list[tuple[int, dict[str, Any]]] = []
        for data in batch:
            update_id = data.get("update_id")
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                log.warning("telegram: getUpdates answered something that is not an update")
                continue
            updates.append((update_id, data))
        if not updates:
            return offset
        stored = await asyncio.gather(
            *(
                self._writer.store(
                    update_key(self.bot_id, update_id),
                    json.dumps(minimise(data), ensure_ascii=False),
                )
                for update_id, data in updates
            ),
            return_exceptions=True,
        )
        for result, (_update_id, data) in zip(stored, updates, strict=True):
            if isinstance(result, int):
                self._dispatch(result, *self._parse(result, data))
        failure = next((r for r in stored if isinstance(r, BaseException)), None)
        if failure is not None:
            raise failure  # not confirmed: Telegram sends the batch again, stored ones are skipped
        return max([offset or 0] + [update_id + 1 for update_id, _data in updates])

    async def _resume(self, *, sweep: bool = False) -> None:
        """Hand stored-but-unprocessed updates (a crash, a stop) to the workers, oldest first.

        `sweep`: only the oldest page, and of it only the rows that were pending and not ours at
        the previous sweep too (another live process may be handling a fresh one).

        While the database is down it keeps trying, waiting longer each time (up to
        `resume_retry_max` seconds), so stored updates go out as soon as it is back rather than
        at the next sweep."""
        failures = 0
        while self._accepting:
            try:
                page = await self.inbox.pending(CHANNEL, limit=self.options.resume_batch)
            except StorageError as exc:
                failures += 1
                delay = min(self.options.resume_retry_max, self.options.retry_delay * 2**failures)
                log.warning(
                    "telegram: could not read the inbox (%s); stored updates resume in %.1f s",
                    exc,
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                continue
            failures = 0
            fresh = [item for item in page if not self._known(item.id)]
            if sweep:
                suspects, self._suspects = self._suspects, {item.id for item in fresh}
                fresh = [item for item in fresh if item.id in suspects]
            if not fresh:
                return
            log.info("telegram: resuming %d stored update(s)", len(fresh))
            for item in fresh:
                try:
                    data: object = json.loads(item.payload)
                except ValueError:
                    data = None
                self._dispatch(item.id, *self._parse(item.id, data))
            if sweep or len(page) < self.options.resume_batch:
                return
            await self._dispatcher.join()

    def _known(self, inbox_id: int) -> bool:
        return inbox_id in self._inflight or inbox_id in self._recent

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

    def _dispatch(self, inbox_id: int, key: str, update: Update | PlainUpdate | None) -> None:
        """Queue a stored update behind the same learner's earlier ones."""
        if not self._accepting or self._known(inbox_id):
            return  # handled by `_resume` on start, or already on its way
        self._inflight.add(inbox_id)
        envelope = Envelope(inbox_id, key, update)
        if isinstance(update, PlainUpdate):
            queue = update.order_key
        else:
            queue = order_key(update) if update else key
        self._dispatcher.submit(queue, envelope)

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
                if refused or envelope.attempts >= self.options.max_attempts:
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
                delay = self.options.retry_delay * 2 ** (envelope.attempts - 1)
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
        await self._deliver(translation, handled.replies, envelope)

    async def _deliver(
        self, incoming: Incoming, replies: tuple[Reply, ...], envelope: Envelope
    ) -> None:
        """Send the replies in order, resuming after the last message Telegram accepted."""
        units = [unit for reply in replies for unit in self._render(reply)]
        while envelope.sent < len(units):
            try:
                await self._send(incoming.chat_id, units[envelope.sent])
            except Forbidden as exc:
                log.info("telegram: learner unreachable (%s); replies dropped", exc)
                await self.service.storage.identities.mark_unreachable(
                    CHANNEL,
                    incoming.message.user_ref,
                    "blocked",
                    self.clock(),
                )
                envelope.sent = len(units)
                return
            except BadRequest as exc:
                # Permanent for this message (e.g. chat not found); the others may still go.
                log.error("telegram: a reply for update %s was refused: %s", envelope.key, exc)
            envelope.sent += 1

    def _render(self, reply: Reply) -> list[Outgoing]:
        """`render(reply)`, remembered: most replies (prompts, lesson bubbles) go out the same to
        many learners. Not remembered: replies with a picture (whose file is looked up each time)
        and replies that `render` has to cut buttons from (so it logs that every time)."""
        units = self._rendered.get(reply)
        if units is not None:
            return units
        units = render(reply, self.media_root)
        if not reply.image and _renders_whole(reply):
            if len(self._rendered) >= _RENDERED:
                self._rendered.clear()
            self._rendered[reply] = units
        return units

    async def _send(self, chat_id: int, unit: Outgoing) -> None:
        bot = self.application.bot
        if unit.photo is None:
            await bot.send_text(chat_id, unit.text or EMPTY_TEXT, unit.keyboard)
            return
        cached = self._photo_ids.get(unit.photo)
        if cached is not None:
            await bot.send_photo(chat_id, cached)
            return
        content = await asyncio.to_thread(unit.photo.read_bytes)
        sent = await bot.send_photo(chat_id, InputFile(content, filename=unit.photo.name))
        if sent.photo:
            self._photo_ids[unit.photo] = sent.photo[-1].file_id

    async def _apologise(self, envelope: Envelope) -> None:
        """The database stayed down: tell the learner to send again later (best effort)."""
        if envelope.chat_id is None or envelope.sent:
            return
        for reply in self.service.unavailable_replies(envelope.locale):
            with contextlib.suppress(TelegramError):
                await self.application.bot.send_message(envelope.chat_id, reply.text)

    async def _finish(self, envelope: Envelope, error: str | None = None) -> None:
        """Mark the inbox row done (or failed for good); forget it as in flight."""
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
        finally:
            self._inflight.discard(envelope.inbox_id)
            self._recent[envelope.inbox_id] = None
            while len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
