"""The built-in web chat: a phone-first page and a small JSON API on the bot's own web server.

Modules:
    adapter: the posted JSON -> a neutral `InboundMessage`.
    render: a neutral `Reply` -> the JSON bubble the page shows; the capabilities.
    channel: `WebChatChannel`, the routes, and the outbox rows shown when the page opens.
"""

from bot.channels.webchat.channel import WebChatChannel, webchat_channel
from bot.channels.webchat.render import CAPABILITIES

__all__ = ["CAPABILITIES", "WebChatChannel", "webchat_channel"]
