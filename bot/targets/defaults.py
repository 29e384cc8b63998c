"""The provincial plan's targets, which apply wherever no file was imported.

Decision 757 and the provincial plans (../shared/reference/domain.md, plan 370-KH/TU) set, for
2025: 80% of public-sector staff, 100% of pupils and students, 70% of adults (basic skills; the
same 70% for adults certified on VNeID), 80% of enterprise and cooperative workers; from 2026:
100% of every group. A plan states no population: that needs a file.
"""

from __future__ import annotations

from bot.core.state import TargetGroup

FIRST_PLAN_YEAR = 2025
_PLAN_2025 = {
    TargetGroup.PUBLIC_SERVANTS: 80.0,
    TargetGroup.PUPILS: 100.0,
    # "Residents" are the plan's adults: 70% with basic digital skills.
    TargetGroup.RESIDENTS: 70.0,
    TargetGroup.ENTERPRISE_WORKERS: 80.0,
}
_FROM_2026 = 100.0


def default_target_percent(group: TargetGroup, year: int) -> float | None:
    """The plan's target share (0–100) of `group` in `year`; None before the plan began."""
    if year < FIRST_PLAN_YEAR:
        return None
    if year == FIRST_PLAN_YEAR:
        return _PLAN_2025[group]
    # The plan's last stated year is 2026 (everyone); later years keep that until a file says.
    return _FROM_2026


__all__ = ["FIRST_PLAN_YEAR", "default_target_percent"]
