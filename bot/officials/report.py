"""`/baocao`'s database half: the official's area summed up as they may see it (their scope
from the `official` row, never the state's mirror), a one-time dashboard link and a chart link,
written in the turn's transaction (`bot.core.report_flow` words them)."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from bot.core.context import Context, OfficialReport
from bot.places import Places, Successors
from bot.reports.build import ReportContext, build_summary
from bot.reports.media import chart_image, chart_path
from bot.reports.model import Filters, document
from storage import SecretKind, Storage, UnitOfWork

LOGIN_VALID = timedelta(hours=24)
CHART_VALID = timedelta(hours=24)


def login_path(secret: str) -> str:
    """Where a one-time dashboard link signs in (`bot.dashboard`)."""
    return f"/dashboard/login/{secret}"


@cache
def successors_of(places: Places) -> Successors:
    """The shipped successor list checked against `places` (read once per index)."""
    return Successors.read(places)


def report_context(ctx: Context) -> ReportContext:
    """The summaries' context from a turn's."""
    return ReportContext(ctx.places, successors_of(ctx.places), ctx.zone, ctx.catalog.version)


async def official_report(
    storage: Storage, uow: UnitOfWork, learner_id: int, ctx: Context
) -> OfficialReport:
    """The figures `/baocao` shows this learner (no role: an empty report, refused)."""
    official = await storage.officials.by_learner(learner_id, uow)
    if official is None:
        return OfficialReport(role=None)
    scope = official.scope
    context = report_context(ctx)
    summary = await build_summary(storage, context, scope, Filters(), ctx.now, uow)
    doc = document(summary, viewer=scope)
    totals = {name: value for name, value in doc["totals"].items() if name != "target_percent"}
    totals["digital_families"] = doc["digital_families"]["total"]
    base = ctx.links.web.rstrip("/")
    login_url = chart_url = image = None
    if base:
        login = await storage.secrets.issue(
            official, SecretKind.LOGIN, now=uow.now, valid_for=LOGIN_VALID, label="/baocao",
            uow=uow,
        )  # fmt: skip
        chart = await storage.secrets.issue(
            official, SecretKind.CHART, now=uow.now, valid_for=CHART_VALID, label="/baocao",
            uow=uow,
        )  # fmt: skip
        login_url, chart_url = base + login_path(login.secret), base + chart_path(chart.secret)
        image = chart_image(chart.secret)
    return OfficialReport(
        role=official.role,
        area=context.label(scope.province, scope.commune) if scope.province else "",
        start=summary.start,
        end=summary.end,
        totals=totals,
        percent_of_target=doc["totals"]["percent_of_target"],
        login_url=login_url,
        login_hours=int(LOGIN_VALID.total_seconds() // 3600),
        chart_url=chart_url,
        chart_image=image,
    )


__all__ = [
    "CHART_VALID",
    "LOGIN_VALID",
    "login_path",
    "official_report",
    "report_context",
    "successors_of",
]
