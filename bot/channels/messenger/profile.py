"""The Page's Messenger Profile: the Get Started button, the greeting shown before the first
message and the persistent menu, in each language (Meta picks by the person's locale; the
deployment's default language is Meta's "default").

Set at start-up, and only the properties that differ from what the Page has: a restart does not
rewrite them (each change reaches every open conversation).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.channels.commands import SHORT_MENU
from bot.channels.messenger.adapter import COMMAND_PAYLOAD, GET_STARTED
from bot.channels.messenger.client import GraphClient
from bot.i18n import N_, SUPPORTED_LOCALES, translator

log = logging.getLogger(__name__)

FIELDS = ("get_started", "greeting", "persistent_menu")
META_LOCALES = {"vi": "vi_VN", "en": "en_US"}
MAX_GREETING = 160
MAX_MENU_TITLE = 30
GREETING = N_(
    "Học vụ số is an automated assistant that teaches digital skills in short, free lessons. "
    "Tap “Get Started” to begin."
)


def _locales(default_locale: str) -> list[tuple[str, str]]:
    """(Meta's locale, ours): the default first, then every other language we speak."""
    others = [(META_LOCALES[code], code) for code in SUPPORTED_LOCALES if code != default_locale]
    return [("default", default_locale), *others]


def _menu_titles(locale: str) -> list[tuple[str, str]]:
    t = translator(locale)
    return [(name, t.gettext(title)[:MAX_MENU_TITLE]) for name, title in SHORT_MENU]


def desired_profile(default_locale: str) -> dict[str, Any]:
    """The profile this deployment wants, as the Messenger Profile API takes it."""
    locales = _locales(default_locale)
    greeting = [
        {"locale": meta, "text": translator(ours).gettext(GREETING)[:MAX_GREETING]}
        for meta, ours in locales
    ]
    menu = [
        {
            "locale": meta,
            "composer_input_disabled": False,
            "call_to_actions": [
                {"type": "postback", "title": title, "payload": COMMAND_PAYLOAD + name}
                for name, title in _menu_titles(ours)
            ],
        }
        for meta, ours in locales
    ]
    return {"get_started": {"payload": GET_STARTED}, "greeting": greeting, "persistent_menu": menu}


def _normal(field: str, value: Any) -> Any:
    """A property in a form that compares equal whatever order or extra keys Meta returns."""
    if field == "get_started":
        return value.get("payload") if isinstance(value, dict) else None
    if not isinstance(value, list):
        return None
    items = [item for item in value if isinstance(item, dict)]
    if field == "greeting":
        return sorted((str(i.get("locale")), str(i.get("text"))) for i in items)
    return sorted(
        (
            str(item.get("locale")),
            bool(item.get("composer_input_disabled")),
            tuple(
                (str(a.get("type")), str(a.get("title")), str(a.get("payload")))
                for a in item.get("call_to_actions") or []
                if isinstance(a, dict)
            ),
        )
        for item in items
    )


def differences(current: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The desired properties that differ from the current ones."""
    return {
        field: value
        for field, value in desired.items()
        if _normal(field, current.get(field)) != _normal(field, value)
    }


async def sync_profile(client: GraphClient, default_locale: str) -> list[str]:
    """Set what differs; returns the names of the properties set.

    Raises:
        GraphApiError, GraphTransportError: as the client does.
    """
    changed = differences(await client.profile(FIELDS), desired_profile(default_locale))
    if changed:
        await client.set_profile(changed)
    return sorted(changed)


__all__ = ["FIELDS", "GREETING", "desired_profile", "differences", "sync_profile"]
