"""Ambassadors' invites outside the core: the QR code of an invite link, how each channel shows
it, and the route that serves it.

Modules:
    media: the `"invite/<CODE>.png"` reply convention, the URLs, the QR code as a PNG.
    web: `GET /invite/<code>.png`.
"""

from bot.invites.media import InviteQr, invite_code, qr_path, with_qr_link
from bot.invites.web import InviteRoutes

__all__ = ["InviteQr", "InviteRoutes", "invite_code", "qr_path", "with_qr_link"]
