"""The pull API: another system reads an area's numbers with a bearer token.

    GET /api/v1/summary?province=&commune=&group=&module=&from=&to=
        Authorization: Bearer <token from `hocvuso admin token`>
        -> the `hocvuso.summary/1` document, suppressed for the token's official (decision 34)
    GET /api/v1/openapi.json   the OpenAPI 3.1 document (no token needed)

Errors are JSON `{"error": code, "message": text}`: 401 (with `WWW-Authenticate: Bearer`)
without a live token, 403 outside the token's area, 400 for a malformed filter, 503 when the
database does not answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from bot.dashboard import headers
from bot.dashboard.filters import FilterProblem, read_filters
from bot.dashboard.openapi import openapi_document
from bot.dashboard.routes import Numbers
from bot.errors import StorageError
from bot.i18n import N_, Translator
from bot.reports.model import document
from storage import SecretKind, Storage

log = logging.getLogger(__name__)

NO_TOKEN = N_("A valid API token is needed: ask the administrator for one.")
UNAVAILABLE = N_("The database did not answer. Please try again later.")


def _error(status: int, code: str, message: str, **extra: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status, headers=extra)


class ApiRoutes:
    """The pull API of one server.

    Args:
        storage: where tokens are checked.
        numbers: the summaries, places and modules (shared with the dashboard).
        t: the language of the error messages.
        clock: the current time, timezone-aware UTC.
    """

    def __init__(
        self,
        storage: Storage,
        numbers: Numbers,
        *,
        t: Translator,
        clock: Callable[[], datetime],
    ) -> None:
        self.storage, self.numbers, self.t, self.clock = storage, numbers, t, clock

    def add_routes(self, app: web.Application) -> None:
        """Register the API's routes and its headers."""
        headers.install(app)
        app.router.add_get("/api/v1/summary", self.summary)
        app.router.add_get("/api/v1/openapi.json", self.openapi)

    async def openapi(self, _request: web.Request) -> web.Response:
        """The API's OpenAPI document."""
        return web.json_response(openapi_document(tuple(self.numbers.modules)))

    async def summary(self, request: web.Request) -> web.Response:
        """The summary of the token's area."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        now = self.clock()
        try:
            official = None
            if scheme.lower() == "bearer" and token.strip():
                official = await self.storage.secrets.authenticate(
                    token.strip(), SecretKind.API, now=now
                )
            if official is None:
                challenge = 'Bearer realm="hocvuso"'
                if token:
                    challenge += ', error="invalid_token"'
                return _error(
                    401,
                    "unauthorized",
                    self.t.gettext(NO_TOKEN),
                    **{"WWW-Authenticate": challenge},
                )
            scope = official.scope
            asked = read_filters(
                request.query,
                scope,
                places=self.numbers.places,
                modules=self.numbers.modules,
                today=now.astimezone(self.numbers.zone).date(),
            )
            summary = await self.numbers.summaries(scope, asked.filters, now)
        except FilterProblem as problem:
            return _error(problem.status, problem.code, self.t.gettext(problem.message))
        except StorageError:
            log.exception("pull API: database unavailable")
            return _error(503, "unavailable", self.t.gettext(UNAVAILABLE))
        return web.json_response(document(summary, scope))


__all__ = ["ApiRoutes"]
