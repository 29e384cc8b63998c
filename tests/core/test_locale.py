"""Vietnamese is the interface language unless the learner picks English (/ngonngu) or the
platform lists no Vietnamese at all: a phone set to English but listing Vietnamese gets a
Vietnamese interface around the Vietnamese lessons."""

from __future__ import annotations

import pytest

from bot.channels.webchat.adapter import accepted_languages
from bot.core import Mode
from bot.i18n import preferred_locale
from tests.dialog import Dialog, fixture_catalog

CHEAP_ANDROID = "en-US,en;q=0.9,vi;q=0.8"


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (CHEAP_ANDROID, "vi"),
        ("vi-VN,vi;q=0.9", "vi"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("fr-FR", "vi"),
        ("", "vi"),
        ("en-US,vi;q=0", "en"),  # q=0: not wanted at all
        ("*", "vi"),
        ("en;q=abc,vi", "vi"),
    ],
)
def test_web_chat_language_from_accept_language(header: str, locale: str) -> None:
    assert preferred_locale(accepted_languages(header), "vi") == locale


def test_accept_language_is_read_by_weight() -> None:
    assert accepted_languages("vi;q=0.2, en-US, fr;q=0.5") == ["en-US", "fr", "vi"]


@pytest.mark.parametrize(("hint", "locale"), [("en", "en"), ("vi", "vi"), (None, None)])
def test_first_contact_takes_the_platforms_single_language(
    hint: str | None, locale: str | None
) -> None:
    """Telegram gives one language_code; Zalo gives none (Vietnamese, the default)."""
    dialog = Dialog(fixture_catalog(), locale=hint)
    dialog.command("start")
    assert dialog.state.locale == locale
    assert ("Hello!" in dialog.said) is (locale == "en")


def test_english_only_when_picked() -> None:
    dialog = Dialog(fixture_catalog(), locale="vi")
    dialog.command("start")
    dialog.tap("Đồng ý")
    dialog.text("/ngonngu")
    dialog.tap("English")
    assert dialog.state.locale == "en" and dialog.state.mode is not Mode.LANGUAGE
