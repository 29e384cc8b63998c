"""The Telegram channel, on python-telegram-bot 22 (see docs/telegram.md).

Modules:
    adapter: a Telegram `Update` -> a neutral `InboundMessage`, or why it is ignored.
    render: a neutral `Reply` -> the messages to send (split under 4,096, inline keyboards).
    request: a `telegram.request.BaseRequest` on aiohttp (many requests in flight).
    client: `ChannelBot`, PTB's ExtBot with raw sendMessage / getUpdates (no answer parsing).
    ratelimit: a `telegram.ext.BaseRateLimiter` pacing each chat and the whole bot.
    inbox: the inbox written in batches (stores and marks, many per transaction).
    receive: the webhook route and the getUpdates loop (stored before acknowledged).
    send: replies rendered once, sent in order, resumed after the last accepted message.
    outbound: the outbox side (proactive_block, render, send with classified failures).
    channel: the `TelegramChannel`: the shared inbox pipeline (`bot.channels.pipeline`,
        `Drain.LOCAL`), processing one update, lifecycle.

Importing this package does not import python-telegram-bot; `telegram_channel` does, and only
when `TELEGRAM_BOT_TOKEN` is set.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel
    from bot.service import ConversationService
    from bot.settings import Settings

# python-telegram-bot 22 warns (PTBDeprecationWarning) whenever a time period such as
# RetryAfter.retry_after is read as an int; opting in to its next-major behaviour (timedelta)
# silences that on every 429. Our code accepts both forms.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def telegram_channel(settings: Settings, service: ConversationService) -> TelegramChannel | None:
    """The Telegram channel when `TELEGRAM_BOT_TOKEN` is set, otherwise None."""
    if settings.telegram_bot_token is None:
        return None
    from bot.channels.telegram.channel import TelegramChannel

    return TelegramChannel(settings, service)


__all__ = ["telegram_channel"]
