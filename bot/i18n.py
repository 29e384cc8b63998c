"""Interface strings through gettext catalogs in `locales/`, and Babel formatting per locale."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from bot.address_form import AddressForm, address

# The interface languages with a catalog in `locales/`. Defined here, the lowest module that
# needs them, so neither this module nor the core has to import the settings.
SUPPORTED_LOCALES = ("vi", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@cache
def _translations(locale: str) -> NullTranslations:
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if po.exists():
        # A catalog edited but not yet compiled still shows its new text (compiled in memory).
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    return NullTranslations()


# Babel takes about 8 µs per number; the engine formats the same few small numbers (bubble
# "2/5", question "3/10", scores) over and over. typed: 1, 1.0 and True stay apart.
@lru_cache(maxsize=4096, typed=True)
def _decimal(value: float, locale: str) -> str:
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=1024, typed=True)
def _percent(ratio: float, locale: str) -> str:
    return format_percent(ratio, locale=locale)


@dataclass(frozen=True)
class Translator:
    """Gettext and Babel formatting for one learner locale, addressing the learner in
    Vietnamese as the deployment chose."""

    locale: str
    address_form: AddressForm = AddressForm.BAC

    def gettext(self, message: str) -> str:
        """Translate one interface string."""
        return self._addressed(_translations(self.locale).ugettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a string that depends on a count."""
        return self._addressed(_translations(self.locale).ungettext(singular, plural, n))

    def _addressed(self, text: str) -> str:
        return text if self.locale != "vi" else address(text, self.address_form)

    def number(self, value: float) -> str:
        """A number in the locale's style ("1.234,5" in Vietnamese)."""
        return _decimal(value, self.locale)

    def percent(self, ratio: float) -> str:
        """A ratio as a whole percentage ("75%")."""
        return _percent(ratio, self.locale)

    def either(self, items: list[str]) -> str:
        """Items joined as alternatives: "a, b hoặc c"."""
        return format_list(items, style="or", locale=self.locale)

    def day(self, when: date | datetime, zone: ZoneInfo | None = None) -> str:
        """A date as people write it: "23/11/2026" style in Vietnamese, medium in English."""
        if isinstance(when, datetime):
            when = when.astimezone(zone).date() if zone else when.date()
        pattern = "dd/MM/y" if self.locale == "vi" else "medium"
        return format_date(when, pattern, locale=self.locale)

    def moment(self, when: datetime, zone: ZoneInfo) -> str:
        """A date and time in the learner's zone."""
        pattern = "HH:mm 'ngày' dd/MM/y" if self.locale == "vi" else "medium"
        return format_datetime(when, pattern, tzinfo=zone, locale=self.locale)


def translator(
    locale: str | None, default: str = "vi", address_form: AddressForm = AddressForm.BAC
) -> Translator:
    """The translator for a learner's locale, falling back to `default` when unsupported."""
    base = _supported(locale)
    return Translator(base or default, address_form)


def preferred_locale(languages: Iterable[str], default: str = "vi") -> str:
    """The interface language from the languages a platform lists, most wanted first.

    The default language wins wherever it appears: a phone set to English that lists
    Vietnamese too gets a Vietnamese interface around the Vietnamese lessons. Otherwise the
    first supported language, else the default.
    """
    found = [base for base in map(_supported, languages) if base is not None]
    if default in found or not found:
        return default
    return found[0]


def _supported(locale: str | None) -> str | None:
    """The supported language of a tag ("en-US" -> "en"), or None."""
    if not locale:
        return None
    base = locale.replace("-", "_").split("_", 1)[0].strip().lower()
    return base if base in SUPPORTED_LOCALES else None
