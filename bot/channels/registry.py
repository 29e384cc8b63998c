"""Which channels run: each adapter package offers a factory that returns None when its
settings leave it off. The built-in web chat is always on and is not listed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from aiohttp import web

from bot.channels.telegram import telegram_channel
from bot.channels.zalo_bot.runtime import zalo_bot_channel
from bot.channels.zalo_oa.runtime import zalo_oa_channel
from bot.core import ChannelCapabilities
from bot.service import ConversationService
from bot.settings import Settings


class ChannelRuntime(Protocol):
    """A running channel: its web routes (webhooks), and start/stop around the web server."""

    name: str
    capabilities: ChannelCapabilities

    def add_routes(self, app: web.Application) -> None:
        """Register webhook routes, if any (called before the server starts)."""

    async def start(self) -> None:
        """Begin receiving (set the webhook or start polling) and sending."""

    async def stop(self) -> None:
        """Stop receiving, finish or park in-flight work, release connections."""


ChannelFactory = Callable[[Settings, ConversationService], ChannelRuntime | None]


def channel_factories() -> list[ChannelFactory]:
    """Every optional channel's factory. Imported lazily so a missing platform library or
    setting only matters when that channel is turned on."""
    return [telegram_channel, zalo_oa_channel, zalo_bot_channel]


def build_channels(settings: Settings, service: ConversationService) -> list[ChannelRuntime]:
    """The channels the settings turn on."""
    built = (factory(settings, service) for factory in channel_factories())
    return [channel for channel in built if channel is not None]
