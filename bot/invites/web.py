"""`GET /invite/{code}.png`: the QR code of an ambassador's invite link, to show or print.

Only invites of active ambassadors have one (404 otherwise), so the route draws no QR code
for whatever someone types into the address.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.errors import StorageError
from bot.invites.media import InviteQr

log = logging.getLogger(__name__)

HEADERS = {"X-Robots-Tag": "noindex", "Cache-Control": "private, max-age=3600"}


class InviteRoutes:
    """The invites' QR codes on one server.

    Args:
        qr: where invites are looked up and drawn.
        public_url: the server's public address (`HOCVUSO_PUBLIC_URL`), the QR code's target;
            None: the address the request came to.
    """

    def __init__(self, qr: InviteQr, *, public_url: str | None) -> None:
        self.qr, self.public_url = qr, public_url

    def add_routes(self, app: web.Application) -> None:
        """Register the QR code route."""
        app.router.add_get("/invite/{code}.png", self.png)

    async def png(self, request: web.Request) -> web.Response:
        """The invite's QR code as a PNG, or 404."""
        base_url = self.public_url or str(request.url.origin())
        try:
            content = await self.qr.png(request.match_info["code"], base_url)
        except StorageError:
            log.exception("invite QR code failed: database unavailable")
            return web.Response(status=503, text="unavailable")
        if content is None:
            return web.Response(status=404, text="no such invite")
        return web.Response(body=content, content_type="image/png", headers=HEADERS)
