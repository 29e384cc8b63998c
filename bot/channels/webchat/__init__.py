"""The built-in web chat: a phone-first page and a small JSON API on the bot's own web server."""

from bot.channels.webchat.adapter import CAPABILITIES, WebChat

__all__ = ["CAPABILITIES", "WebChat"]
