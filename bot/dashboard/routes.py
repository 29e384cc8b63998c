"""The dashboard's pages and files, each for the signed-in official's area only.

    GET  /dashboard               the summary page (filters in the query string)
    GET  /dashboard/chart.png     the weekly chart of the same filters
    GET  /dashboard/export.csv    the same numbers as CSV (UTF-8 with a byte-order mark)
    GET  /dashboard/export.xlsx   and as an Excel workbook
    GET  /dashboard/static/…      the stylesheet
    (sign in and out: `bot.dashboard.auth`; announcements: `bot.dashboard.announce`)

Every route reads the filters with `bot.dashboard.filters.read_filters`, which refuses an area
outside the official's scope before the numbers are asked for, and draws only from
`document(summary, viewer)`, where small counts are suppressed (decision 34).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.scope import Scope
from bot.dashboard import headers, pages
from bot.dashboard.auth import Sessions, SignedIn, html
from bot.dashboard.filters import FilterProblem, query_of, read_filters
from bot.dashboard.summary_page import View, summary_page
from bot.errors import StorageError
from bot.i18n import N_, Translator
from bot.places import Places
from bot.reports.model import Filters, Summary, document

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
CHART_TITLE = N_("Learners week by week")

# The seam to the numbers: (the official's scope, the checked filters, now) -> the summary.
# `hocvuso run` passes `bot.reports.build.build_summary` bound to its storage and places.
SummaryFunction = Callable[[Scope, Filters, datetime], Awaitable[Summary]]
# A hook that adds to the page under the tables (the announcement form): (official, csrf) ->
# HTML, or "" for nothing.
Extra = Callable[[SignedIn], str]


@dataclass(frozen=True)
class Files:
    """How a document becomes a file: CSV, XLSX, and the chart as PNG (`bot.reports`)."""

    csv: Callable[[Mapping[str, Any]], bytes]
    xlsx: Callable[[Mapping[str, Any]], bytes]
    chart: Callable[[Mapping[str, Any], str], bytes]


@dataclass(frozen=True)
class Numbers:
    """Where the dashboard's numbers come from and what names it gives them."""

    summaries: SummaryFunction
    places: Places
    modules: Mapping[str, str]  # module id -> title, in course order
    zone: ZoneInfo


class DashboardRoutes:
    """The summary page, its chart and downloads.

    Args:
        sessions: who is signed in (and the sign-in routes, registered here too).
        numbers: the summaries, places and modules.
        files: the CSV, XLSX and chart renderers.
        t: the pages' language.
        clock: the current time, timezone-aware UTC.
    """

    def __init__(
        self,
        sessions: Sessions,
        numbers: Numbers,
        files: Files,
        *,
        t: Translator,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions, self.numbers, self.files = sessions, numbers, files
        self.t, self.clock = t, clock
        self.extras: list[Extra] = []

    def add_routes(self, app: web.Application) -> None:
        """Register the dashboard's routes (sign-in included) and its headers."""
        headers.install(app)
        self.sessions.add_routes(app)
        app.router.add_get("/dashboard", self.index)
        app.router.add_get("/dashboard/", self.index)
        app.router.add_get("/dashboard/chart.png", self.chart)
        app.router.add_get("/dashboard/export.csv", self.csv)
        app.router.add_get("/dashboard/export.xlsx", self.xlsx)
        app.router.add_static("/dashboard/static/", STATIC_DIR)

    async def _document(
        self, request: web.Request
    ) -> tuple[SignedIn, Filters, dict[str, Any]] | web.Response:
        """The signed-in official, the checked filters and the document, or the response
        that refuses (sign in first, a filter outside the area, the database away)."""
        try:
            signed = await self.sessions.signed_in(request)
            if signed is None:
                raise web.HTTPSeeOther(pages.LOGIN_PATH)
            scope = signed.official.scope
            now = self.clock()
            asked = read_filters(
                request.query,
                scope,
                places=self.numbers.places,
                modules=self.numbers.modules,
                today=now.astimezone(self.numbers.zone).date(),
            )
            summary = await self.numbers.summaries(scope, asked.filters, now)
        except FilterProblem as problem:
            return html(
                pages.refused(self.t, problem.status, self.t.gettext(problem.message)),
                problem.status,
            )
        except StorageError:
            log.exception("dashboard: database unavailable")
            return html(pages.unavailable(self.t), 503)
        return signed, asked.filters, document(summary, scope)

    async def index(self, request: web.Request) -> web.Response:
        """The summary page."""
        found = await self._document(request)
        if isinstance(found, web.Response):
            return found
        signed, filters, doc = found
        view = View(
            t=self.t,
            places=self.numbers.places,
            modules=self.numbers.modules,
            scope=signed.official.scope,
            filters=filters,
            csrf=signed.csrf,
            query=query_of(filters),
        )
        extra = "".join(hook(signed) for hook in self.extras)
        return html(summary_page(view, doc, extra=extra))

    async def chart(self, request: web.Request) -> web.Response:
        """The weekly chart as a PNG."""
        found = await self._document(request)
        if isinstance(found, web.Response):
            return found
        body = self.files.chart(found[2], self.t.gettext(CHART_TITLE))
        return web.Response(body=body, content_type="image/png")

    async def csv(self, request: web.Request) -> web.Response:
        """The numbers as a CSV download."""
        return await self._download(request, "csv", "text/csv", self.files.csv)

    async def xlsx(self, request: web.Request) -> web.Response:
        """The numbers as an XLSX download."""
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return await self._download(request, "xlsx", kind, self.files.xlsx)

    async def _download(
        self,
        request: web.Request,
        suffix: str,
        content_type: str,
        render: Callable[[Mapping[str, Any]], bytes],
    ) -> web.Response:
        found = await self._document(request)
        if isinstance(found, web.Response):
            return found
        _signed, filters, doc = found
        name = download_name(filters, suffix)
        return web.Response(
            body=render(doc),
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def download_name(filters: Filters, suffix: str) -> str:
    """A file name that says what is inside: hocvuso-<area>-<from>-<to>.<suffix> (ASCII)."""
    area = filters.commune or filters.province or "all"
    parts = ["hocvuso", area]
    if filters.group:
        parts.append(filters.group)
    if filters.module:
        parts.append(filters.module)
    if filters.start and filters.end:
        parts += [filters.start.isoformat(), filters.end.isoformat()]
    return "-".join(parts) + f".{suffix}"


__all__ = ["DashboardRoutes", "Files", "Numbers", "SummaryFunction", "download_name"]
