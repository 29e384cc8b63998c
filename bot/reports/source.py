"""THE SEAM between the push and the summary: the document a snapshot carries.

`province_snapshot` is what `hocvuso report push` (`bot/cli_reports.py`) and the daily job
(`bot/app.py`) call. It is to return, for a time `now` (UTC), the `hocvuso.summary/1` document
of `bot.reports.build.build_summary` over the whole deployment (administrator scope, no
filters), made with `bot.reports.model.document(summary, viewer=None)` so small counts are
suppressed as for any reader outside the commune (decision 34).

Until `build_summary` is wired in here it raises `SnapshotUnavailable`, and neither the
command nor the job queues anything (no empty snapshot is ever pushed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.reports.push import SnapshotSource, SnapshotUnavailable
from bot.settings import Settings
from storage import Storage


def province_snapshot(storage: Storage, settings: Settings) -> SnapshotSource:
    """The snapshot source of this deployment (see the module's docstring)."""

    async def snapshot(now: datetime) -> dict[str, Any]:
        # TODO(lead): return model.document(await build_summary(storage, places, <admin
        # scope>, Filters(), now, ...), None).
        del now
        raise SnapshotUnavailable(
            "the summary builder (bot/reports/build.py) is not wired into "
            "bot/reports/source.py yet"
        )

    return snapshot


__all__ = ["province_snapshot"]
