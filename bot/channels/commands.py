"""The bot's command menu, one list for every channel that shows one (Telegram's "/" menu,
Messenger's persistent menu)."""

from __future__ import annotations

from bot.i18n import N_

# The command menu, per language: the order people see. Only names the core knows are shown.
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

# What Messenger's persistent menu holds (its titles are at most 30 characters; a long menu
# hides the typing box on small phones): the commands people look for most.
SHORT_MENU: tuple[tuple[str, str], ...] = (
    ("menu", N_("Menu")),
    ("tiendo", N_("My progress")),
    ("sotay", N_("Handbook")),
    ("trogiup", N_("Help")),
    ("ngonngu", N_("Change language")),
)


__all__ = ["COMMAND_MENUS", "SHORT_MENU"]
