"""What the engine may read besides the learner's state: content, clock and defaults.

The caller builds it (from the settings, the loaded catalog and the clock), so the core reads
no settings and no clock of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.address_form import AddressForm
from bot.core.catalog import Catalog
from bot.places.index import Places

# The privacy notice the learner agrees to; a new version is recorded with each consent.
CONSENT_VERSION = "2026-12"


# Codes a learner reads aloud or types: no 0/O or 1/I/L to confuse.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int = 10) -> str:
    """An unguessable code (certificates); callers may pass their own source to the engine."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def random_digits(length: int = 6) -> str:
    """A short code of digits, easy to type on any phone (one-time link codes)."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


class LinkStatus(StrEnum):
    """What became of a link code typed on another channel (the service checks it)."""

    LINKED = "linked"  # this identity now belongs to the learner who asked for the code
    UNKNOWN = "unknown"  # no such code (mistyped, or already used)
    EXPIRED = "expired"
    SAME = "same"  # the code belongs to this very learner


@dataclass(frozen=True)
class LinkResult:
    """The service's answer to a link code typed in this turn."""

    status: LinkStatus
    code: str


@dataclass(frozen=True)
class Context:
    """What the engine may read besides the state: content, clock and defaults."""

    catalog: Catalog
    now: datetime
    default_locale: str = "vi"
    # How the learner is addressed in Vietnamese: the deployment's choice (bot.address_form).
    address_form: AddressForm = AddressForm.BAC
    consent_version: str = CONSENT_VERSION
    zone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    places: Places = field(default_factory=Places.empty)
    # Sources of new codes (random by default; tests pass predictable ones).
    certificate_code: Callable[[], str] = random_code
    link_code: Callable[[], str] = random_digits
    # Set by the service for a turn in which a link code was typed (see `LinkResult`).
    link: LinkResult | None = None
