"""The "/" command menu Telegram shows, in each language (setMyCommands)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.core import COMMANDS as CORE_COMMANDS
from bot.i18n import N_, translator

log = logging.getLogger(__name__)

# The command menu (setMyCommands), per language. Only names the core knows are published.
COMMAND_MENUS: dict[str, tuple[tuple[str, str], ...]] = {
    "vi": (
        ("start", N_("Start learning")),
        ("menu", N_("Menu")),
        ("tiendo", N_("My progress")),
        ("sotay", N_("Handbook: questions and answers")),
        ("ngonngu", N_("Change language")),
        ("trogiup", N_("Help")),
        ("lienket", N_("Link your other apps")),
        ("thamgia", N_("Join through an ambassador's invite")),
        ("thi", N_("Quiz contest")),
        ("giadinh", N_("My family (Gia đình số)")),
        ("xoadulieu", N_("Delete my data")),
    ),
    "en": (
        ("start", N_("Start learning")),
        ("menu", N_("Menu")),
        ("progress", N_("My progress")),
        ("handbook", N_("Handbook: questions and answers")),
        ("language", N_("Change language")),
        ("help", N_("Help")),
        ("link", N_("Link your other apps")),
        ("join", N_("Join through an ambassador's invite")),
        ("contest", N_("Quiz contest")),
        ("family", N_("My family (Gia đình số)")),
        ("delete", N_("Delete my data")),
    ),
}


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
