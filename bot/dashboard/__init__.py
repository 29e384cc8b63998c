"""The officials' dashboard and pull API (issue 12): server-rendered pages that work on a
phone, CSV/XLSX downloads and a chart, a bearer-token JSON API, each scoped to the official's
area on the server and drawn from the suppressed summary document (decision 34).

    auth         sign-in links traded for a session cookie, form tokens, sign out
    filters      the query string read and checked against the official's area
    routes       the summary page, chart and downloads (`DashboardRoutes`, `Numbers`, `Files`)
    api          `GET /api/v1/summary` and its OpenAPI document (`openapi`)
    pages, summary_page   the HTML; headers: no-store, no framing, no script
"""

from bot.dashboard.api import ApiRoutes
from bot.dashboard.auth import SESSION_FOR, Sessions, SignedIn
from bot.dashboard.filters import FilterProblem, read_filters
from bot.dashboard.openapi import openapi_document
from bot.dashboard.routes import DashboardRoutes, Files, Numbers, SummaryFunction

__all__ = [
    "SESSION_FOR",
    "ApiRoutes",
    "DashboardRoutes",
    "FilterProblem",
    "Files",
    "Numbers",
    "Sessions",
    "SignedIn",
    "SummaryFunction",
    "openapi_document",
    "read_filters",
]
