"""`GET /report/chart/<secret>.png`: the chart `/baocao` links to, drawn for the official the
secret belongs to (their scope, small counts hidden as they may see them) when it is fetched,
so the picture is always today's numbers. The secret is reusable until it expires (a chat app
fetches a link's preview before the official opens it) and opens nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web

from bot.reports.build import ReportContext, build_summary
from bot.reports.chart import chart_png
from bot.reports.model import Filters, document
from storage import SecretKind, Storage, StorageError

log = logging.getLogger(__name__)

NOT_FOUND = (
    "Liên kết biểu đồ này không còn dùng được. Gõ /baocao trong khung chat để lấy liên kết mới."
)


class ReportCharts:
    """`/baocao`'s charts drawn for the official a chart secret belongs to."""

    def __init__(
        self,
        storage: Storage,
        context: Callable[[], ReportContext],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.storage, self.context, self.clock = storage, context, clock

    async def png(self, secret: str) -> bytes | None:
        """The chart, or None when the secret is unknown, expired or its official revoked.

        Raises:
            StorageError: the database could not be read.
        """
        now = self.clock()
        official = await self.storage.secrets.authenticate(secret, SecretKind.CHART, now=now)
        if official is None:
            return None
        context, scope = self.context(), official.scope
        summary = await build_summary(self.storage, context, scope, Filters(), now)
        title = context.label(scope.province, scope.commune) if scope.province else "Toàn quốc"
        return await asyncio.to_thread(
            chart_png, document(summary, viewer=scope), title, places=context.label
        )


class ReportChartRoutes:
    """The chart route (`GET /report/chart/<secret>.png`)."""

    def __init__(self, charts: ReportCharts) -> None:
        self.charts = charts

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/report/chart/{secret}.png", self.chart)

    async def chart(self, request: web.Request) -> web.Response:
        headers = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
        try:
            png = await self.charts.png(request.match_info["secret"])
        except StorageError:
            log.exception("the report chart could not be read")
            return web.Response(
                status=503,
                text="Hệ thống đang bận, xin thử lại sau ít phút.",
                headers={**headers, "Retry-After": "60"},
            )
        if png is None:
            return web.Response(status=404, text=NOT_FOUND, headers=headers)
        return web.Response(body=png, content_type="image/png", headers=headers)


__all__ = ["ReportChartRoutes", "ReportCharts"]
