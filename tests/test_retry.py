"""Backoff: one formula, and every use keeps the numbers it had before it shared it."""

from __future__ import annotations

from bot.channels.inbox_worker import MARK_BACKOFF, MAX_RETRY_DELAY
from bot.channels.pipeline import READ_BACKOFF
from bot.channels.telegram.channel import TelegramOptions
from bot.channels.telegram.receive import POLL_BACKOFF
from bot.channels.zalo_oa.auth import STORE_BACKOFF
from bot.retry import Backoff


def test_doubling_capped_and_a_longer_hint_wins() -> None:
    backoff = Backoff(initial=1, maximum=10, attempts=3)
    assert [backoff.delay(n) for n in range(5)] == [1, 2, 4, 8, 10]
    assert backoff.delay(0, hint=5) == 5 and backoff.delay(3, hint=5) == 8
    assert backoff.delay(0, hint=35) == 10  # within the cap
    assert not backoff.exhausted(2) and backoff.exhausted(3)


def test_the_uses_keep_their_former_numbers() -> None:
    # inbox worker, unreadable inbox: min(300, 0.5 * 2**failures), failures counted from 1
    assert [READ_BACKOFF.delay(n) for n in range(12)] == [
        min(MAX_RETRY_DELAY, 0.5 * 2**failures) for failures in range(1, 13)
    ]
    # inbox worker, marking processed: 0.5 doubling, capped at 300
    assert [MARK_BACKOFF.delay(n) for n in range(12)] == [
        min(MAX_RETRY_DELAY, 0.5 * 2**n) for n in range(12)
    ]
    # Telegram polling: min(30, 0.5 * 2**failures), failures counted from 1
    assert [POLL_BACKOFF.delay(n) for n in range(8)] == [
        min(30.0, 0.5 * 2**failures) for failures in range(1, 9)
    ]
    # Telegram, one update: retry_delay * 2**(attempts - 1), max_attempts tries
    options = TelegramOptions()
    assert [options.backoff.delay(n) for n in range(options.max_attempts - 1)] == [
        options.retry_delay * 2**n for n in range(options.max_attempts - 1)
    ]
    assert options.backoff.exhausted(options.max_attempts)
    # Zalo OA, storing fresh tokens: 8 tries, 0.2 doubling
    assert [STORE_BACKOFF.delay(n) for n in range(STORE_BACKOFF.attempts)] == [
        0.2 * 2**n for n in range(8)
    ]
