"""The one aiohttp application: health checks, the source download, the certificates'
verification page and files, the public handbook (`/sotay`), the officials' dashboard and pull
API, and every channel's routes (the web chat page and API, the platforms' webhooks)."""

from __future__ import annotations

import io
import logging
import tarfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path

from aiohttp import web

from bot.certificate import CertificateFiles, CertificateRoutes
from bot.channels.base import Channel
from bot.channels.webchat.channel import MAX_BODY_BYTES
from bot.core.scope import Scope
from bot.dashboard import SummaryFunction
from bot.dashboard.wiring import mount
from bot.invites import InviteQr, InviteRoutes
from bot.reports.build import build_summary
from bot.reports.model import Filters, Summary
from bot.reports.web import ReportChartRoutes, ReportCharts
from bot.security import Network, Security
from bot.service import ConversationService, utc_now
from bot.sotay import SotayRoutes

log = logging.getLogger(__name__)

SERVICE_KEY = web.AppKey("service", ConversationService)


class Readiness:
    """Whether start-up is over: channels on, scheduler running. The port opens before (the
    webhooks must be reachable while channels register them), so /readyz says "starting" until
    `hocvuso run` calls `started()`; an app built without one is ready at once."""

    def __init__(self, ready: bool = True) -> None:
        self.ready = ready

    def started(self) -> None:
        self.ready = True


READINESS_KEY = web.AppKey("readiness", Readiness)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_PARTS = (
    "bot",
    "storage",
    "lessons",
    "quizzes",
    "locales",
    "docs",
    "bench",
    ".ci",
    "pyproject.toml",
    "Makefile",
    "README.md",
    "LICENSE",
)


@cache
def source_archive() -> bytes:
    """The running program's source as a .tar.gz: the AGPL asks network services to offer it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for part in SOURCE_PARTS:
            path = PROJECT_ROOT / part
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                if "__pycache__" in file.parts or file.suffix in (".mo", ".pyc"):
                    continue
                archive.add(file, arcname=f"hocvuso/{file.relative_to(PROJECT_ROOT)}")
    return buffer.getvalue()


async def source(_request: web.Request) -> web.Response:
    """Download the source code of this server (AGPL-3.0-or-later, section 13)."""
    return web.Response(
        body=source_archive(),
        content_type="application/gzip",
        headers={"Content-Disposition": 'attachment; filename="hocvuso-source.tar.gz"'},
    )


async def healthz(_request: web.Request) -> web.Response:
    """The process is up."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """The process can serve learners: start-up is over and the database answers."""
    service = request.app[SERVICE_KEY]
    if not request.app[READINESS_KEY].ready:
        return web.json_response({"status": "starting"}, status=503)
    if await service.storage.ping():
        return web.json_response({"status": "ok", "content_version": service.catalog.version})
    return web.json_response({"status": "database unavailable"}, status=503)


def service_summaries(service: ConversationService) -> SummaryFunction:
    """The officials' summaries from the service's storage, places, zone and content."""

    async def summaries(scope: Scope, filters: Filters, now: datetime) -> Summary:
        return await build_summary(service.storage, service.report_context(), scope, filters, now)

    return summaries


def build_app(
    service: ConversationService,
    channels: Sequence[Channel] = (),
    *,
    public_url: str | None = None,
    trusted_proxies: Iterable[Network] = (),
    readiness: Readiness | None = None,
    summaries: SummaryFunction | None = None,
) -> web.Application:
    """Assemble the web application around a conversation service and its channels.

    `public_url` is the server's address from outside (`HOCVUSO_PUBLIC_URL`), for the QR codes
    on certificates; without it, the address each request came to. It and `trusted_proxies`
    (`HOCVUSO_TRUSTED_PROXIES`) tell whether learners reach us over HTTPS (`bot.security`).
    `summaries` gives the officials' dashboard and pull API their numbers
    (`bot.dashboard.SummaryFunction`); by default the service's (`service_summaries`).
    """
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    Security(public_url, trusted_proxies).install(app)
    app[SERVICE_KEY] = service
    app[READINESS_KEY] = readiness or Readiness()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/source.tar.gz", source)
    files = CertificateFiles(service.storage, service.catalog, service.zone)
    CertificateRoutes(
        files, public_url=public_url, default_locale=service.default_locale
    ).add_routes(app)
    InviteRoutes(InviteQr(service.storage), public_url=public_url).add_routes(app)
    SotayRoutes(service.catalog, lambda: service.translator(service.default_locale)).add_routes(
        app
    )
    charts = ReportCharts(service.storage, service.report_context, service.clock)
    ReportChartRoutes(charts).add_routes(app)
    mount(
        app,
        service.storage,
        summaries or service_summaries(service),
        places=service.places,
        modules={module.id: module.title for module in service.catalog.modules},
        zone=service.zone,
        locale=service.default_locale,
        public_url=public_url,
        clock=utc_now,
        catalog=service.catalog,
    )
    for channel in channels:
        channel.add_routes(app)
    return app
