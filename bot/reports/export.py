"""The summary document as files officials and other systems open: CSV, XLSX and a
fixed-width table for the terminal.

Every function takes the `hocvuso.summary/1` document (`bot.reports.model.document`), whose
small counts are already "<5": suppression happens in one place, never here.

CSV (`to_csv`), read by other systems and by Excel:
    UTF-8 with a byte-order mark (Excel on a Vietnamese Windows then reads the accents right),
    comma-separated, CRLF line ends. The header is the schema's machine names::

        province_code,commune_code,group,module,<the 8 counters>,target_population,
        target_percent,percent_of_target

    One line per document row, in its order, then one totals line whose `province_code` is
    `TOTALS_MARK` ("TỔNG") and whose commune, group and module cells are empty. None is an
    empty cell, "<5" stays "<5", percentages are numbers like `55.0` (not fractions).

XLSX (`to_xlsx`): sheets "Tổng hợp" (the rows and a bold totals line, Vietnamese titles,
percentages as Excel percentages), "Thông tin" (what the numbers cover, what "<5" means) and,
when the document has a trend, "Theo tuần".

Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
or a carriage return: OWASP's CSV injection) get a leading `'` in both files. The codes and
names in a document come from our data, but a filter value or a module id is typed by someone.
"""

from __future__ import annotations

import csv
import io
import textwrap
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.reports.labels import (
    ABOUT_LINES,
    ALL,
    ALL_MODULES,
    COLUMNS,
    COMMUNE_NAME,
    LEGEND,
    NO_COMMUNE,
    NUMBER_COLUMNS,
    PERIOD,
    SHEET_ABOUT,
    SHEET_SUMMARY,
    SHEET_WEEKLY,
    SUPPRESSED_NOTE,
    TOTAL,
    WEEK_START,
    Words,
    words,
)
from bot.reports.model import SUPPRESSED

# A commune's display name from (province code, commune code); either may be None.
PlaceName = Callable[[str | None, str | None], str]

TOTALS_MARK = "TỔNG"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_COLUMNS = frozenset({"target_percent", "percent_of_target"})
WEEKLY_COUNTERS = ("enrolled", "lessons_completed", "course_completed")


def defuse(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading `'` where it would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return defuse(value)
    return str(value)


def _totals(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The totals as a row: the counters and targets, no place, group or module."""
    return {name: doc["totals"].get(name) for name in COLUMNS if name in doc["totals"]}


def to_csv(doc: Mapping[str, Any]) -> bytes:
    """The document's rows and totals as CSV (see the module docstring for the layout)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in doc["rows"]:
        writer.writerow([_csv_cell(row.get(name)) for name in COLUMNS])
    totals = {**_totals(doc), "province_code": TOTALS_MARK}
    writer.writerow([_csv_cell(totals.get(name)) for name in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX -----------------------------------------------------------------------------------

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
MAX_WIDTH = 40


def _text(value: str) -> str:
    # openpyxl refuses control characters, and would store "=..." as a formula.
    return defuse(ILLEGAL_CHARACTERS_RE.sub("", value))


def _place_cells(row: Mapping[str, Any], say: Words, places: PlaceName | None) -> list[Any]:
    province, commune = row.get("province_code"), row.get("commune_code")
    cells: list[Any] = [
        _text(province) if province else None,
        _text(commune) if commune else say(NO_COMMUNE),
    ]
    if places is not None:
        cells.append(_text(places(province, commune)) if commune else say(NO_COMMUNE))
    module = row.get("module")
    # A group code this version does not know is shown as it is: defused like any text.
    cells += [_text(say.group(row.get("group"))), _text(module) if module else say(ALL_MODULES)]
    return cells


def _number_cells(row: Mapping[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for name in NUMBER_COLUMNS:
        value = row.get(name)
        if isinstance(value, str):
            cells.append(_text(value))  # "<5" stays text: it is not a number
        elif value is not None and name in PERCENT_COLUMNS:
            cells.append(value / 100)  # an Excel percentage: 55.0 % is stored as 0.55
        else:
            cells.append(value)
    return cells


def _header(places: PlaceName | None) -> list[str]:
    names = ["province_code", "commune_code", *([COMMUNE_NAME] if places else [])]
    return [*names, "group", "module", *NUMBER_COLUMNS]


def _summary_sheet(
    sheet: Any, doc: Mapping[str, Any], say: Words, places: PlaceName | None
) -> None:
    names = _header(places)
    sheet.append([say.long(name) for name in names])
    for row in doc["rows"]:
        sheet.append(_place_cells(row, say, places) + _number_cells(row))
    places_width = names.index("module") + 1
    sheet.append([say(TOTAL), *[None] * (places_width - 1), *_number_cells(doc["totals"])])
    last_data = sheet.max_row - 1
    for cell in sheet[1]:
        cell.font, cell.alignment = BOLD, WRAP
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, str) and cell.value == SUPPRESSED:
                cell.alignment = RIGHT  # lines up with the numbers around it
            elif name in PERCENT_COLUMNS:
                cell.number_format = PERCENT_FORMAT
            elif index > places_width:
                cell.number_format = COUNT_FORMAT
        sheet.column_dimensions[letter].width = _width(sheet, index, header=index > places_width)
    # The header stays on screen, and so do the place columns while scrolling right.
    sheet.freeze_panes = f"{get_column_letter(places_width + 1)}2"
    # The filter covers the rows, not the totals line: sorting must not move it.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(last_data, 1)}"


def _width(sheet: Any, column: int, *, header: bool) -> float:
    values = [c.value for (c,) in sheet.iter_rows(min_col=column, max_col=column)]
    body = [len(str(value)) for value in values[1:] if value is not None]
    title = len(str(values[0] or ""))
    # A number column's long title wraps over two or three lines rather than widening it.
    wanted = max([*body, min(title, 14) if header else title, 6])
    return float(min(wanted + 2, MAX_WIDTH))


def _about_sheet(sheet: Any, doc: Mapping[str, Any], say: Words) -> None:
    filters = doc.get("filters") or {}
    period = doc.get("period") or {}
    values: dict[str, Any] = {
        "schema": doc.get("schema"),
        "generated_at": doc.get("generated_at"),
        "period_from": period.get("from"),
        "period_to": period.get("to"),
        "filter_province": filters.get("province") or say(ALL),
        "filter_commune": filters.get("commune") or say(ALL),
        "filter_group": say.group(filters["group"]) if filters.get("group") else say(ALL),
        "filter_module": filters.get("module") or say(ALL),
        "admin_data_version": doc.get("admin_data_version"),
        "content_version": doc.get("content_version"),
        "note": say(SUPPRESSED_NOTE),
    }
    for key, label in ABOUT_LINES:
        value = values[key]
        sheet.append([say(label), _text(str(value)) if value is not None else None])
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        cell.font = BOLD
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 80
    for (cell,) in sheet.iter_rows(min_col=2, max_col=2):
        cell.alignment = WRAP


def _weekly_sheet(sheet: Any, weekly: Sequence[Mapping[str, Any]], say: Words) -> None:
    sheet.append([say(WEEK_START), *[say.long(name) for name in WEEKLY_COUNTERS]])
    for point in weekly:
        values = [point.get(name) for name in WEEKLY_COUNTERS]
        cells = [_text(v) if isinstance(v, str) else v for v in values]
        sheet.append([date.fromisoformat(point["week_start"]), *cells])
    for cell in sheet[1]:
        cell.font, cell.alignment = BOLD, WRAP
    for (cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        cell.number_format = "dd/mm/yyyy"
    for index in range(1, len(WEEKLY_COUNTERS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "A2"


def to_xlsx(
    doc: Mapping[str, Any], *, places: PlaceName | None = None, locale: str = "vi"
) -> bytes:
    """The document as an Excel workbook.

    Args:
        doc: a `hocvuso.summary/1` document, small counts already suppressed.
        places: a commune's display name, for an extra name column; without it, codes only.
        locale: the language of titles and notes ("vi" or "en").

    Returns:
        The XLSX file's bytes.
    """
    say = words(locale)
    book = Workbook()
    summary = book.active
    summary.title = say(SHEET_SUMMARY)
    _summary_sheet(summary, doc, say, places)
    _about_sheet(book.create_sheet(say(SHEET_ABOUT)), doc, say)
    if doc.get("weekly"):
        _weekly_sheet(book.create_sheet(say(SHEET_WEEKLY)), doc["weekly"], say)
    book.properties.creator = "hocvuso"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Terminal table -------------------------------------------------------------------------

PLACE_WIDTH = 24  # a commune's name beyond this is cut with "…"
GROUP_WIDTH = 14
MODULE_WIDTH = 8
LINE_WIDTH = 120  # the legend and the note wrap here


def _fit(text: str, width: int) -> str:
    # Control characters (an escape sequence in a typed module id) would drive the terminal.
    text = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    text = unicodedata.normalize("NFC", text)  # one character a letter, however it was typed
    return text if len(text) <= width else text[: width - 1] + "…"


def _table_value(value: Any, name: str, say: Words) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if name in PERCENT_COLUMNS:
        return f"{say.tr.number(value)}%"
    return say.tr.number(value)


def _table_rows(
    doc: Mapping[str, Any], say: Words, places: PlaceName | None
) -> Iterator[list[str]]:
    for row in doc["rows"]:
        province, commune = row.get("province_code"), row.get("commune_code")
        if commune is None:
            place = say(NO_COMMUNE)
        elif places is not None:
            place = places(province, commune)
        else:
            place = commune
        yield [
            _fit(place, PLACE_WIDTH),
            _fit(say.group(row.get("group"), short=True), GROUP_WIDTH),
            _fit(row.get("module") or "*", MODULE_WIDTH),
            *[_table_value(row.get(name), name, say) for name in NUMBER_COLUMNS],
        ]


def to_table(
    doc: Mapping[str, Any], places: PlaceName | None = None, *, locale: str = "vi"
) -> str:
    """The document as a fixed-width text table for a terminal (about 120 columns).

    Args:
        doc: a `hocvuso.summary/1` document, small counts already suppressed.
        places: a commune's display name from (province code, commune code); without it the
            table shows commune codes.
        locale: the language of titles and the legend ("vi" or "en").

    Returns:
        The heading line, the table, the totals line, the legend and the "<5" note, with a
        final newline. Module "*" is all modules.
    """
    say = words(locale)
    place_title = say.short(COMMUNE_NAME if places else "commune_code")
    header = [place_title, say.short("group"), say.short("module")]
    header += [say.short(name) for name in NUMBER_COLUMNS]
    body = list(_table_rows(doc, say, places))
    totals = [say(TOTAL), "", ""]
    totals += [_table_value(doc["totals"].get(name), name, say) for name in NUMBER_COLUMNS]
    widths = [max(len(line[i]) for line in (header, *body, totals)) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        # Place, group and module read left to right; numbers line up on the right.
        text = [
            cell.ljust(widths[i]) if i < 3 else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return " ".join(text).rstrip()

    rule = "-" * len(line(["-" * width for width in widths]))
    period = doc.get("period") or {}
    heading = say(PERIOD).format(
        start=_day(period.get("from"), say), end=_day(period.get("to"), say)
    )
    legend = [f"{say.short('module')} * = {say(ALL_MODULES)}"]
    legend += [f"{say.short(name)} = {say.long(name)}" for name in NUMBER_COLUMNS]
    out = [heading, line(header), rule, *(line(cells) for cells in body), rule, line(totals)]
    out += ["", *textwrap.wrap(f"{say(LEGEND)}: {', '.join(legend)}.", LINE_WIDTH)]
    out += textwrap.wrap(say(SUPPRESSED_NOTE), LINE_WIDTH)
    return "\n".join(out) + "\n"


def _day(value: str | None, say: Words) -> str:
    return say.tr.day(date.fromisoformat(value)) if value else "…"


__all__ = ["FORMULA_STARTS", "TOTALS_MARK", "PlaceName", "defuse", "to_csv", "to_table", "to_xlsx"]
