"""The "/" command menu Telegram shows, in each language (setMyCommands)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.channels.commands import COMMAND_MENUS
from bot.core import COMMANDS as CORE_COMMANDS
from bot.i18n import translator

log = logging.getLogger(__name__)


async def publish_commands(bot: Bot, default_locale: str) -> None:
    """The menu in each language; clients pick it by the user's language_code. A failure is
    logged, not raised: the bot works without a menu."""
    for language in (None, "vi", "en"):
        locale = language or default_locale
        t = translator(locale, default_locale)
        commands = [
            BotCommand(name, t.gettext(description))
            for name, description in COMMAND_MENUS[t.locale]
            if name in CORE_COMMANDS
        ]
        try:
            await bot.set_my_commands(commands, language_code=language)
        except TelegramError as exc:
            log.warning("telegram: could not publish the %s command menu: %s", locale, exc)
