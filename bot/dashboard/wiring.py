"""The dashboard and the pull API put together for `bot.web.build_app`.

`mount()` is the one place that builds the routes from the server's parts; the numbers come in
as `summaries` (`bot.web.service_summaries`: `bot.reports.build.build_summary` on the service's
storage and places; tests pass their own).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.catalog import Catalog
from bot.dashboard.announce import AnnouncementRoutes
from bot.dashboard.api import ApiRoutes
from bot.dashboard.auth import Sessions
from bot.dashboard.contests import ContestRoutes
from bot.dashboard.routes import DashboardRoutes, Files, Numbers, SummaryFunction
from bot.i18n import translator
from bot.places import Places
from bot.reports.chart import chart_png
from bot.reports.export import PlaceName, to_csv, to_xlsx
from storage import Storage


def place_name(places: Places) -> PlaceName:
    """A commune's name (or the province's, for a row without a commune) for the files."""

    def name(province: str | None, commune: str | None) -> str:
        found = places.commune(commune)
        if found is not None:
            return found.name
        area = places.province(province)
        return area.name if area is not None else ""

    return name


def report_files(places: Places, locale: str) -> Files:
    """The CSV, XLSX and chart renderers of `bot.reports`, with the places' names."""
    names = place_name(places)
    return Files(
        csv=to_csv,
        xlsx=partial(to_xlsx, places=names, locale=locale),
        chart=partial(chart_png, places=names, locale=locale),
    )


def mount(
    app: web.Application,
    storage: Storage,
    summaries: SummaryFunction,
    *,
    places: Places,
    modules: dict[str, str],
    zone: ZoneInfo,
    locale: str,
    public_url: str | None,
    clock: Callable[[], datetime],
    catalog: Catalog | None = None,
) -> None:
    """Add the dashboard (pages, sign-in, files, the announcement form) and the pull API to
    `app`."""
    t = translator(locale)
    numbers = Numbers(summaries=summaries, places=places, modules=modules, zone=zone)
    sessions = Sessions(storage, t, clock=clock, public_url=public_url)
    dashboard = DashboardRoutes(
        sessions, numbers, report_files(places, t.locale), t=t, clock=clock
    )
    announcements = AnnouncementRoutes(sessions, places, t, clock)
    dashboard.extras.append(announcements.form)
    contests = ContestRoutes(sessions, places, catalog, t, zone, clock)
    dashboard.extras.append(contests.link)
    dashboard.add_routes(app)
    announcements.add_routes(app)
    contests.add_routes(app)
    ApiRoutes(storage, numbers, t=t, clock=clock).add_routes(app)


__all__ = ["mount", "place_name", "report_files"]
