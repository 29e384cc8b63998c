"""The seam between the push and the summary: the document a snapshot carries.

`province_snapshot` is what `hocvuso report push` (`bot/cli_reports.py`) and the daily job
(`bot/app.py`) call: for a time `now` (UTC), the `hocvuso.summary/1` document of
`build_summary` over the whole deployment (administrator scope, no filters, the period from
1 January to today), made with `document(summary, viewer=None)` so small counts are
suppressed as for any reader outside a commune (decision 34).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.scope import Scope
from bot.core.state import OfficialKind
from bot.reports.build import ReportContext, build_summary
from bot.reports.model import Filters, document
from bot.reports.push import SnapshotSource
from bot.settings import Settings
from storage import Storage


def province_snapshot(storage: Storage, settings: Settings) -> SnapshotSource:
    """The snapshot source of this deployment (see the module's docstring)."""
    loaded: list[ReportContext] = []  # the places and content, read at the first snapshot

    async def snapshot(now: datetime) -> dict[str, Any]:
        if not loaded:
            loaded.append(ReportContext.load(settings.zone))
        summary = await build_summary(
            storage, loaded[0], Scope(OfficialKind.ADMIN), Filters(), now
        )
        return document(summary, viewer=None)

    return snapshot


__all__ = ["province_snapshot"]
