"""The words officials read in the exports and the chart: column titles (long for the XLSX,
short with a legend for the terminal table), group names, sheet names and notes, in one place.

Every title is an English msgid marked with `N_`; `titles(locale)` translates them (Vietnamese
by default: officials read Vietnamese). The CSV keeps the schema's machine names instead,
because other systems read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.profile_menus import GROUP_LABELS
from bot.core.state import TargetGroup
from bot.i18n import N_, Translator, translator
from bot.reports.model import COUNTERS

# The columns of a summary row, in the order every export writes them.
PLACE_COLUMNS: tuple[str, ...] = ("province_code", "commune_code", "group", "module")
TARGET_COLUMNS: tuple[str, ...] = ("target_population", "target_percent", "percent_of_target")
NUMBER_COLUMNS: tuple[str, ...] = (*COUNTERS, *TARGET_COLUMNS)
COLUMNS: tuple[str, ...] = (*PLACE_COLUMNS, *NUMBER_COLUMNS)
# Not a document field: the commune's display name, when the caller can name communes.
COMMUNE_NAME = "commune_name"

# Long titles: the XLSX header (wrapped), the chart's axis.
LONG: Mapping[str, str] = {
    "province_code": N_("Province code"),
    "commune_code": N_("Commune code"),
    COMMUNE_NAME: N_("Commune or ward"),
    "group": N_("Target group"),
    "module": N_("Module"),
    "enrolled": N_("Learners enrolled"),
    "active_7d": N_("Active in the last 7 days"),
    "lessons_completed": N_("Lessons completed"),
    "quizzes_passed": N_("Quizzes passed"),
    "course_completed": N_("Learners who completed the course"),
    "assisted": N_("Lessons learned with an ambassador"),
    "skills_confirmed": N_("Real-world skills confirmed"),
    "vneid_reported": N_("VNeID certifications reported"),
    "target_population": N_("Target population"),
    "target_percent": N_("Target share"),
    "percent_of_target": N_("Percent of target reached"),
}

# Short titles for the terminal table, explained by its legend line. The place columns need no
# legend: their short title says it.
SHORT: Mapping[str, str] = {
    "province_code": N_("Prov."),
    "commune_code": N_("Commune"),
    COMMUNE_NAME: N_("Commune"),
    "group": N_("Group"),
    "module": N_("Mod."),
    "enrolled": N_("ENR"),
    "active_7d": N_("ACT7"),
    "lessons_completed": N_("LES"),
    "quizzes_passed": N_("QUIZ"),
    "course_completed": N_("DONE"),
    "assisted": N_("ASST"),
    "skills_confirmed": N_("SKL"),
    "vneid_reported": N_("VNEID"),
    "target_population": N_("POP"),
    "target_percent": N_("TGT%"),
    "percent_of_target": N_("REACH%"),
}

# Group names short enough for a table column; the XLSX uses the profile's full labels.
SHORT_GROUPS: Mapping[str, str] = {
    TargetGroup.PUPILS: N_("Pupils, students"),
    TargetGroup.RESIDENTS: N_("Residents"),
    TargetGroup.PUBLIC_SERVANTS: N_("Civil servants"),
    TargetGroup.ENTERPRISE_WORKERS: N_("Company workers"),
}

# The profile's full labels, keyed by the document's plain strings.
_GROUP_LABELS: Mapping[str, str] = {str(group): label for group, label in GROUP_LABELS.items()}

NO_GROUP = N_("Group not said")
NO_COMMUNE = N_("Commune not said")
ALL_MODULES = N_("All modules")
ALL = N_("(all)")
TOTAL = N_("Total")
NO_DATA = N_("No data yet")
SUPPRESSED_NOTE = N_(
    "“<5” stands for 1 to 4: counts that small are hidden so that nobody can be recognised "
    "from them (only the commune's own officials see them). 0 is shown as 0."
)
LEGEND = N_("Columns")
PERIOD = N_("Period {start} – {end}")

# Workbook sheets and the "About" sheet's lines.
SHEET_SUMMARY = N_("Summary")
SHEET_ABOUT = N_("About")
SHEET_WEEKLY = N_("By week")
WEEK_START = N_("Week starting")
ABOUT_LINES: tuple[tuple[str, str], ...] = (
    ("schema", N_("Document schema")),
    ("generated_at", N_("Generated at (UTC)")),
    ("period_from", N_("Period from")),
    ("period_to", N_("Period to")),
    ("filter_province", N_("Filter: province")),
    ("filter_commune", N_("Filter: commune")),
    ("filter_group", N_("Filter: target group")),
    ("filter_module", N_("Filter: module")),
    ("admin_data_version", N_("Administrative units data version")),
    ("content_version", N_("Lesson content version")),
    ("note", N_("Note")),
)

# The chart's words.
CHART_COURSE = N_("Learners who completed the course")
CHART_TARGET = N_("Target (100%)")
CHART_NO_TARGET = N_("no target")
CHART_WEEKLY = N_("Per week")
CHART_HIDDEN = N_("<5 (hidden)")
CHART_MORE = N_("… and {count} more rows: the XLSX file has them all")


@dataclass(frozen=True)
class Words:
    """The words of one locale, translated once per export."""

    tr: Translator

    def __call__(self, message: str) -> str:
        """Translate one of this module's strings."""
        return self.tr.gettext(message)

    def long(self, column: str) -> str:
        """A column's full title."""
        return self(LONG[column])

    def short(self, column: str) -> str:
        """A column's short title (the table's header)."""
        return self(SHORT[column])

    def group(self, group: str | None, *, short: bool = False) -> str:
        """A target group's name; a code this version does not know is shown as it is."""
        if group is None:
            return self(NO_GROUP)
        labels: Mapping[str, str] = SHORT_GROUPS if short else _GROUP_LABELS
        return self(labels[group]) if group in labels else group


def words(locale: str = "vi") -> Words:
    """The translated words for `locale` ("vi" or "en"; anything else falls back to "vi")."""
    return Words(translator(locale))


__all__ = [
    "ABOUT_LINES",
    "ALL",
    "ALL_MODULES",
    "CHART_COURSE",
    "CHART_HIDDEN",
    "CHART_MORE",
    "CHART_NO_TARGET",
    "CHART_TARGET",
    "CHART_WEEKLY",
    "COLUMNS",
    "COMMUNE_NAME",
    "LEGEND",
    "LONG",
    "NO_COMMUNE",
    "NO_DATA",
    "NO_GROUP",
    "NUMBER_COLUMNS",
    "PERIOD",
    "PLACE_COLUMNS",
    "SHEET_ABOUT",
    "SHEET_SUMMARY",
    "SHEET_WEEKLY",
    "SHORT",
    "SHORT_GROUPS",
    "SUPPRESSED_NOTE",
    "TARGET_COLUMNS",
    "TOTAL",
    "WEEK_START",
    "Words",
    "words",
]
