"""Outgoing rate limits: about 30 messages/s for the whole bot and 1 message/s per chat.

python-telegram-bot's `AIORateLimiter` paces the whole bot and group chats, but not private
chats, which is where this bot talks. `ChatRateLimiter` paces both, and on a 429 pauses every
request for `retry_after` seconds and then sends the same request again: a message is delayed,
never dropped.

Pacing is GCRA ("virtual scheduling"): each request reserves the next free slot and sleeps until
it, so waiting requests keep their order and no background task is needed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
# Above this many per-chat schedules, forget the idle ones (they hold no information). The next
# clean-up waits until the table has doubled again, so a burst with thousands of chats that are
# all still busy does not scan the whole table for every new chat.
_PRUNE_AT = 4096


class Pace:
    """At most `rate` events per second on average, with bursts of up to `burst` at once."""

    __slots__ = ("interval", "tat", "tolerance")

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.interval = 1.0 / rate
        self.tolerance = (burst - 1) * self.interval
        self.tat = float("-inf")  # theoretical arrival time of the next event

    def reserve(self, now: float) -> float:
        """Take the next slot; returns how many seconds to wait for it (0 if free now)."""
        tat = max(self.tat, now)
        self.tat = tat + self.interval
        return max(0.0, tat - self.tolerance - now)

    def idle(self, now: float) -> bool:
        """No slot is taken beyond `now`: forgetting this schedule changes nothing."""
        return self.tat <= now


class ChatRateLimiter(BaseRateLimiter[int]):
    """Paces every request that names a `chat_id` per chat and overall; honours 429s.

    Requests without a chat (getMe, answerCallbackQuery, setWebhook...) are not paced, but do wait
    out a 429 pause like everything else: Telegram blocks all calls while it lasts.

    Args:
        overall_rate: messages per second for the whole bot (Telegram: about 30).
        overall_burst: how many may leave at once before pacing starts. 1 by default: a
            burst of 30 followed by 30/s puts about 60 messages in the first second, which
            Telegram's flood control may refuse; evenly paced, no second holds more than 30.
        per_chat_rate: messages per second to one chat (Telegram: 1, short bursts tolerated).
        per_chat_burst: how many may leave at once to one chat (a lesson bubble, its question
            and the buttons arrive together; after that one per second).
        max_retries: give up (re-raise RetryAfter) after this many 429s for one request; None
            retries for as long as Telegram asks.
        clock: monotonic seconds (tests pass a fake).
        sleep: the sleep to use (tests pass a fake).
    """

    __slots__ = (
        "_chats",
        "_clock",
        "_max_retries",
        "_overall",
        "_paused_until",
        "_per_chat_burst",
        "_per_chat_rate",
        "_prune_at",
        "_sleep",
    )

    def __init__(
        self,
        *,
        overall_rate: float = 30.0,
        overall_burst: int = 1,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 3,
        max_retries: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        self._overall = Pace(overall_rate, overall_burst)
        self._per_chat_rate, self._per_chat_burst = per_chat_rate, per_chat_burst
        Pace(per_chat_rate, per_chat_burst)  # validate now, not on the first message
        self._chats: dict[str, Pace] = {}
        self._prune_at = _PRUNE_AT
        self._max_retries = max_retries
        self._clock, self._sleep = clock, sleep
        self._paused_until = 0.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    @property
    def paused_for(self) -> float:
        """Seconds left of the current 429 pause (0 when none)."""
        return max(0.0, self._paused_until - self._clock())

    def _chat(self, chat_id: object) -> Pace:
        key = str(chat_id)
        pace = self._chats.get(key)
        if pace is None:
            if len(self._chats) >= self._prune_at:
                now = self._clock()
                self._chats = {k: p for k, p in self._chats.items() if not p.idle(now)}
                self._prune_at = max(_PRUNE_AT, 2 * len(self._chats))
            pace = self._chats[key] = Pace(self._per_chat_rate, self._per_chat_burst)
        return pace

    async def _wait(self, pace: Pace) -> None:
        delay = pace.reserve(self._clock())
        if delay > 0:
            await self._sleep(delay)

    async def _wait_for_pause(self) -> None:
        while (left := self.paused_for) > 0:
            await self._sleep(left)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Wait for the chat's and the bot's next slot, call, and retry after a 429.

        `rate_limit_args`, when given, is the most 429 retries for this one request.
        """
        chat_id = data.get("chat_id")
        max_retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        retries = 0
        while True:
            await self._wait_for_pause()
            if chat_id is not None:
                await self._wait(self._chat(chat_id))
                await self._wait(self._overall)
                await self._wait_for_pause()  # a 429 may have arrived while we waited
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                retries += 1
                seconds = retry_seconds(exc)
                self._paused_until = max(self._paused_until, self._clock() + seconds)
                if max_retries is not None and retries > max_retries:
                    raise
                log.warning(
                    "Telegram flood limit on %s (chat %s): all requests wait %.1f s, then it is "
                    "sent again (retry %d)",
                    endpoint,
                    chat_id,
                    seconds,
                    retries,
                )


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked us to wait, in seconds (int or timedelta, whichever PTB gives)."""
    value: object = exc.retry_after
    if isinstance(value, timedelta):
        return max(0.0, value.total_seconds())
    if isinstance(value, int | float):
        return max(0.0, float(value))
    return 1.0
