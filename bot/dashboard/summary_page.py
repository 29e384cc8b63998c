"""The dashboard's main page, drawn from the `hocvuso.summary/1` document only: whatever the
document suppressed ("<5", a missing percentage) is all the page can show (decision 34).

    header    the official's role and area, sign out
    filters   a GET form: province (administrators), commune (administrators within a
              province, province officials), target group, module, period
    cards     enrolled, active in the last 7 days, completed the course, % of target
    tables    commune × group (all modules); per module once a commune or group is chosen
    trend     the weekly numbers, and the chart picture
    files     CSV and XLSX of the same filters
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from bot.core.profile_menus import GROUP_LABELS
from bot.core.scope import Scope
from bot.core.state import OfficialKind, TargetGroup
from bot.dashboard.auth import CSRF_FIELD
from bot.dashboard.pages import LOGOUT_PATH, e, page
from bot.i18n import N_, Translator
from bot.places import Places
from bot.reports.model import Filters

ROLE_NAMES = {
    OfficialKind.COMMUNE: N_("Commune official"),
    OfficialKind.PROVINCE: N_("Province official"),
    OfficialKind.ADMIN: N_("Administrator"),
}
COUNTER_NAMES = {
    "enrolled": N_("Enrolled"),
    "active_7d": N_("Active in the last 7 days"),
    "lessons_completed": N_("Lessons completed"),
    "quizzes_passed": N_("Quizzes passed"),
    "course_completed": N_("Completed the course"),
    "assisted": N_("Lessons with an ambassador"),
    "skills_confirmed": N_("Skills confirmed"),
    "vneid_reported": N_("Certified on VNeID"),
}
CARDS = ("enrolled", "active_7d", "course_completed")
EVERYWHERE = N_("All provinces")
ALL = N_("All")
PROVINCE = N_("Province")
COMMUNE = N_("Commune")
GROUP = N_("Target group")
MODULE = N_("Module")
FROM = N_("From")
TO = N_("To")
SHOW = N_("Show")
SIGN_OUT = N_("Sign out")
PERCENT = N_("Share of target")
BY_AREA = N_("By commune and target group")
BY_MODULE = N_("By module")
TREND = N_("Week by week")
WEEK = N_("Week from")
NEW = N_("Newly enrolled")
DOWNLOADS = N_("Download")
CHART = N_("Chart of the numbers by week")
NO_ROWS = N_("No learners in this area and period yet.")
UNKNOWN_COMMUNE = N_("Commune not given")
UNKNOWN_GROUP = N_("Group not given")
PERIOD = N_("From {start} to {end}")
SMALL = N_(
    "“<5” means 1 to 4 learners: so few that they could be recognised, so the number is not "
    "shown outside their commune."
)
NO_PERCENT = "—"


@dataclass(frozen=True)
class View:
    """What the page is drawn from besides the document."""

    t: Translator
    places: Places
    modules: Mapping[str, str]  # id -> title, in course order
    scope: Scope
    filters: Filters
    csrf: str
    query: Mapping[str, str]  # the filters as a query string, for the chart and files


def _n(t: Translator, value: object) -> str:
    return e(t.number(value)) if isinstance(value, int) else e(value)


def _percent(t: Translator, value: object) -> str:
    if not isinstance(value, int | float):
        return NO_PERCENT
    return f"{e(t.number(value))}%"


def area_name(places: Places, scope: Scope, t: Translator) -> str:
    """The official's area as people name it: "Phường Ba Đình, Hà Nội"."""
    if scope.commune is not None:
        commune = places.commune(scope.commune)
        province = places.province(scope.province)
        name = commune.name if commune else scope.commune
        return f"{name}, {province.short_name}" if province else name
    if scope.province is not None:
        found = places.province(scope.province)
        return found.name if found else scope.province
    return t.gettext(EVERYWHERE)


def _header(view: View) -> str:
    t = view.t
    role = t.gettext(ROLE_NAMES[view.scope.kind])
    return (
        '<header><div class="who"><strong>Học vụ số</strong>'
        f"<span>{e(role)} · {e(area_name(view.places, view.scope, t))}</span></div>"
        f'<form method="post" action="{LOGOUT_PATH}">'
        f'<input type="hidden" name="{CSRF_FIELD}" value="{e(view.csrf)}">'
        f'<button type="submit" class="quiet">{e(t.gettext(SIGN_OUT))}</button></form>'
        "</header>\n"
    )


def _select(
    name: str, label: str, options: Sequence[tuple[str, str]], chosen: str | None, everything: str
) -> str:
    items = [f'<option value="">{e(everything)}</option>']
    for value, text in options:
        mark = " selected" if value == chosen else ""
        items.append(f'<option value="{e(value)}"{mark}>{e(text)}</option>')
    return f'<label>{e(label)}<select name="{name}">{"".join(items)}</select></label>'


def _filters_form(view: View) -> str:
    t, f, places = view.t, view.filters, view.places
    fields = []
    if view.scope.kind is OfficialKind.ADMIN:
        provinces = [(p.code, p.name) for p in places.provinces]
        fields.append(
            _select("province", t.gettext(PROVINCE), provinces, f.province, t.gettext(EVERYWHERE))
        )
    if view.scope.kind is not OfficialKind.COMMUNE and f.province is not None:
        communes = sorted(
            ((c.code, c.name) for c in places.communes if c.province_code == f.province),
            key=lambda pair: pair[1],
        )
        fields.append(_select("commune", t.gettext(COMMUNE), communes, f.commune, t.gettext(ALL)))
    groups = [(g.value, t.gettext(GROUP_LABELS[g])) for g in TargetGroup]
    fields.append(_select("group", t.gettext(GROUP), groups, f.group, t.gettext(ALL)))
    modules = [(key, f"{key}. {title}") for key, title in view.modules.items()]
    fields.append(_select("module", t.gettext(MODULE), modules, f.module, t.gettext(ALL)))
    start = f.start.isoformat() if f.start else ""
    end = f.end.isoformat() if f.end else ""
    fields.append(
        f'<label>{e(t.gettext(FROM))}<input type="date" name="from" value="{start}"></label>'
    )
    fields.append(f'<label>{e(t.gettext(TO))}<input type="date" name="to" value="{end}"></label>')
    fields.append(f'<button type="submit">{e(t.gettext(SHOW))}</button>')
    return f'<form class="filters" method="get" action="/dashboard">{"".join(fields)}</form>'


def _cards(view: View, totals: Mapping[str, Any]) -> str:
    t = view.t
    cards = [
        f'<div class="card"><span class="num">{_n(t, totals[name])}</span>'
        f"<span>{e(t.gettext(COUNTER_NAMES[name]))}</span></div>"
        for name in CARDS
    ]
    cards.append(
        f'<div class="card"><span class="num">{_percent(t, totals["percent_of_target"])}</span>'
        f"<span>{e(t.gettext(PERCENT))}</span></div>"
    )
    return f'<section class="cards">{"".join(cards)}</section>'


def _commune(view: View, code: str | None) -> str:
    if code is None:
        return view.t.gettext(UNKNOWN_COMMUNE)
    found = view.places.commune(code)
    return found.name if found else code


def _group(t: Translator, value: str | None) -> str:
    if value is None or value not in set(TargetGroup):
        return t.gettext(UNKNOWN_GROUP)
    return t.gettext(GROUP_LABELS[TargetGroup(value)])


def _table(view: View, title: str, rows: Sequence[Mapping[str, Any]], *, modules: bool) -> str:
    t = view.t
    head = [t.gettext(COMMUNE), t.gettext(GROUP)]
    if modules:
        head.append(t.gettext(MODULE))
    head += [t.gettext(COUNTER_NAMES[name]) for name in COUNTER_NAMES]
    head.append(t.gettext(PERCENT))
    lines = []
    for row in rows:
        cells = [e(_commune(view, row["commune_code"])), e(_group(t, row["group"]))]
        if modules:
            module = row["module"]
            cells.append(e(f"{module}. {view.modules.get(module, '')}".rstrip(". ")))
        cells += [_n(t, row[name]) for name in COUNTER_NAMES]
        cells.append(_percent(t, row["percent_of_target"]))
        first, rest = cells[0], cells[1:]
        lines.append(
            f'<tr><th scope="row">{first}</th>{"".join(f"<td>{c}</td>" for c in rest)}</tr>'
        )
    header = "".join(f'<th scope="col">{e(name)}</th>' for name in head)
    if not lines:
        body = f'<p class="empty">{e(t.gettext(NO_ROWS))}</p>'
    else:
        body = (
            f'<div class="scroll"><table><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(lines)}</tbody></table></div>"
        )
    return f"<section><h2>{e(title)}</h2>{body}</section>"


def _trend(view: View, weekly: Sequence[Mapping[str, Any]]) -> str:
    t = view.t
    names = (NEW, "lessons_completed", "course_completed")
    head = [t.gettext(WEEK)] + [t.gettext(COUNTER_NAMES.get(name, name)) for name in names]
    lines = [
        f'<tr><th scope="row">{e(t.day(_day(point["week_start"])))}</th>'
        f"<td>{_n(t, point['enrolled'])}</td><td>{_n(t, point['lessons_completed'])}</td>"
        f"<td>{_n(t, point['course_completed'])}</td></tr>"
        for point in weekly
    ]
    query = urlencode(view.query)
    chart = (
        f'<img class="chart" src="/dashboard/chart.png?{e(query)}" '
        f'alt="{e(t.gettext(CHART))}" width="720" height="360">'
    )
    table = ""
    if lines:
        header = "".join(f'<th scope="col">{e(name)}</th>' for name in head)
        table = (
            f'<div class="scroll"><table><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(lines)}</tbody></table></div>"
        )
    return f"<section><h2>{e(t.gettext(TREND))}</h2>{chart}{table}</section>"


def _day(iso: str) -> date:
    return date.fromisoformat(iso)


def _downloads(view: View) -> str:
    query = e(urlencode(view.query))
    return (
        f'<section class="files"><h2>{e(view.t.gettext(DOWNLOADS))}</h2>'
        f'<a class="button" href="/dashboard/export.csv?{query}">CSV</a>'
        f'<a class="button" href="/dashboard/export.xlsx?{query}">XLSX</a></section>'
    )


def summary_page(view: View, doc: Mapping[str, Any], *, extra: str = "") -> str:
    """The dashboard page for `doc` (already suppressed for the reader)."""
    t = view.t
    rows: Sequence[Mapping[str, Any]] = doc["rows"]
    by_area = [row for row in rows if row["module"] is None]
    period = t.gettext(PERIOD).format(
        start=t.day(_day(doc["period"]["from"])), end=t.day(_day(doc["period"]["to"]))
    )
    parts = [
        _filters_form(view),
        f'<p class="period">{e(period)}</p>',
        _cards(view, doc["totals"]),
        _table(view, t.gettext(BY_AREA), by_area, modules=False),
    ]
    if view.filters.commune is not None or view.filters.group is not None:
        by_module = [row for row in rows if row["module"] is not None]
        parts.append(_table(view, t.gettext(BY_MODULE), by_module, modules=True))
    parts += [_trend(view, doc["weekly"]), _downloads(view), extra]
    parts.append(f'<p class="note small">{e(t.gettext(SMALL))}</p>')
    return page(t, "", "\n".join(p for p in parts if p), header=_header(view))


__all__ = ["COUNTER_NAMES", "ROLE_NAMES", "View", "area_name", "summary_page"]
