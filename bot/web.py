"""The one aiohttp application: web chat, health checks, and (later) webhooks and dashboard."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.channels.webchat import WebChat
from bot.channels.webchat.adapter import MAX_BODY_BYTES
from bot.service import ConversationService

log = logging.getLogger(__name__)

SERVICE_KEY = web.AppKey("service", ConversationService)


async def healthz(_request: web.Request) -> web.Response:
    """The process is up."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """The process can serve learners: the database answers."""
    service = request.app[SERVICE_KEY]
    if await service.storage.ping():
        return web.json_response({"status": "ok", "content_version": service.catalog.version})
    return web.json_response({"status": "database unavailable"}, status=503)


def build_app(service: ConversationService) -> web.Application:
    """Assemble the web application around a conversation service."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SERVICE_KEY] = service
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    WebChat(service).add_routes(app)
    return app
