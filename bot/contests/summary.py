"""The contests part of `hocvuso report summary --format json`: each contest whose window meets
the period and whose area meets the filters, with participation and results per commune ×
group (`results_document`, small counts "<5" as for every reader outside a commune)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.contests.standings import results_document
from bot.core.scope import Scope
from bot.core.state import OfficialKind
from storage import ContestRecord, Storage


async def contests_section(
    storage: Storage,
    zone: ZoneInfo,
    *,
    province: str | None = None,
    commune: str | None = None,
    group: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[dict[str, Any]]:
    """The contests of the summary's area, group and period, oldest first."""
    found = []
    for contest in reversed(await storage.contests.listed(limit=1000)):
        if not _meets(contest, zone, province, commune, group, start, end):
            continue
        attempts = [
            a
            for a in await storage.contests.attempts(contest.id)
            if (province is None or a.province == province)
            and (commune is None or a.commune == commune)
            and (group is None or a.group == group)
        ]
        found.append(results_document(contest, attempts, _EVERYONE, zone))
    return found


# The CLI reads everything, small counts hidden as for any reader outside a commune.
_EVERYONE = Scope(OfficialKind.ADMIN)


def _meets(
    contest: ContestRecord,
    zone: ZoneInfo,
    province: str | None,
    commune: str | None,
    group: str | None,
    start: date | None,
    end: date | None,
) -> bool:
    if start is not None and contest.closes_at.astimezone(zone).date() < start:
        return False
    if end is not None and contest.opens_at.astimezone(zone).date() > end:
        return False
    if group is not None and contest.group not in (None, group):
        return False
    if commune is not None and contest.commune not in (None, commune):
        return False
    area = contest.province
    return province is None or area is None or area == province


__all__ = ["contests_section"]
