"""Which channels run: each channel package offers a factory that returns None when its
settings leave it off. The web chat is always on (the zero-configuration default)."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Channel
from bot.channels.messenger.channel import messenger_channel
from bot.channels.telegram import telegram_channel
from bot.channels.webchat import webchat_channel
from bot.channels.zalo_bot.channel import zalo_bot_channel
from bot.channels.zalo_oa.channel import zalo_oa_channel
from bot.service import ConversationService
from bot.settings import Settings

ChannelFactory = Callable[[Settings, ConversationService], Channel | None]


def channel_factories() -> list[ChannelFactory]:
    """Every channel's factory, the web chat first. Telegram's imports python-telegram-bot
    only when it is turned on."""
    return [
        webchat_channel,
        telegram_channel,
        zalo_oa_channel,
        zalo_bot_channel,
        messenger_channel,
    ]


def build_channels(settings: Settings, service: ConversationService) -> list[Channel]:
    """The channels the settings turn on."""
    built = (factory(settings, service) for factory in channel_factories())
    return [channel for channel in built if channel is not None]


__all__ = ["ChannelFactory", "build_channels", "channel_factories"]
