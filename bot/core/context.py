"""What the engine may read besides the learner's state: content, clock and defaults.

The caller builds it (from the settings, the loaded catalog and the clock), so the core reads
no settings and no clock of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.catalog import Catalog

# The privacy notice the learner agrees to; a new version is recorded with each consent.
CONSENT_VERSION = "2026-01"


@dataclass(frozen=True)
class Context:
    """What the engine may read besides the state: content, clock and defaults."""

    catalog: Catalog
    now: datetime
    default_locale: str = "vi"
    consent_version: str = CONSENT_VERSION
    zone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
