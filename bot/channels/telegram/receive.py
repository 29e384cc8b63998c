"""How updates reach the Telegram channel: the webhook route or our own getUpdates loop.

Either way an update is stored in the inbox (one row per update id, raw JSON, minimised) before
Telegram hears that it arrived (the webhook's 200, the next getUpdates offset), and only then
handed on, so a crash loses nothing. PTB's own `Updater` is not used: it confirms updates to
Telegram before they are processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from bot.channels.telegram.adapter import ALLOWED_UPDATES, minimise, update_key
from bot.channels.telegram.client import ChannelBot
from bot.channels.telegram.inbox import InboxWriter
from bot.channels.telegram.ratelimit import retry_seconds
from bot.errors import StorageError
from bot.retry import Backoff

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# getUpdates failing (network, 409 Conflict, database down): 1, 2, 4 ... 30 s.
POLL_BACKOFF = Backoff(initial=1.0, maximum=30.0)


class Receiver:
    """Stores what Telegram sends and hands each stored update to `received`.

    Args:
        bot: the channel's bot (getUpdates).
        writer: the batched inbox writer.
        bot_id: the token's bot id (update keys are "<bot id>:<update id>").
        secret: the webhook's secret token.
        received: called with the inbox row id and the update's JSON of each newly stored
            update (not for one stored before).
        poll_timeout: seconds one getUpdates long poll may wait for news.
    """

    def __init__(
        self,
        bot: ChannelBot,
        writer: InboxWriter,
        *,
        bot_id: str,
        secret: str,
        received: Callable[[int, dict[str, Any]], None],
        poll_timeout: int,
    ) -> None:
        self.bot, self.writer = bot, writer
        self.bot_id, self._secret = bot_id, secret
        self.received, self.poll_timeout = received, poll_timeout
        self._poller: asyncio.Task[None] | None = None

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
            inbox_id = await self.writer.store(update_key(self.bot_id, update_id), payload)
        except StorageError:
            log.exception("telegram webhook: update %s not stored; Telegram will retry", update_id)
            return web.Response(status=503, text="storage unavailable")
        if inbox_id is None:
            log.debug("telegram webhook: update %s was already received", update_id)
        else:
            self.received(inbox_id, data)
        return web.Response(status=200)

    # -- polling ---------------------------------------------------------------------------------

    def start_polling(self) -> None:
        """Start the getUpdates loop (only one process may poll: Telegram answers 409)."""
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll(), name="telegram-polling")

    async def stop_polling(self) -> None:
        """Stop the getUpdates loop; the updates it stored are handed on already."""
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    async def _poll(self) -> None:
        """Long-poll getUpdates; confirm a batch (next offset) only once it is stored."""
        offset: int | None = None
        failures = 0
        while True:
            try:
                batch = await self.bot.get_update_dicts(
                    offset=offset,
                    poll_timeout=self.poll_timeout,
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
                delay = POLL_BACKOFF.delay(failures)
                failures += 1
                level = logging.ERROR if isinstance(exc, Conflict) else logging.WARNING
                log.log(level, "telegram polling failed (%s); again in %.0f s", exc, delay)
                await asyncio.sleep(delay)

    async def _store_batch(self, batch: list[dict[str, Any]], offset: int | None) -> int | None:
        """Store a getUpdates answer (one transaction); returns the offset confirming it.

        The updates are stored as Telegram sent them (minimised, as the webhook stores them) and
        handed on from that JSON."""
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
                self.writer.store(
                    update_key(self.bot_id, update_id),
                    json.dumps(minimise(data), ensure_ascii=False),
                )
                for update_id, data in updates
            ),
            return_exceptions=True,
        )
        for result, (_update_id, data) in zip(stored, updates, strict=True):
            if isinstance(result, int):
                self.received(result, data)
        failure = next((r for r in stored if isinstance(r, BaseException)), None)
        if failure is not None:
            raise failure  # not confirmed: Telegram sends the batch again, stored ones are skipped
        return max([offset or 0] + [update_id + 1 for update_id, _data in updates])


__all__ = ["POLL_BACKOFF", "SECRET_HEADER", "WEBHOOK_PATH", "Receiver"]
