"""An ambassador's invite in chat: the one place that knows what a reply's `image` of
`"invite/<CODE>.png"` means (the core names it with `invite_image`; it renders nothing).

The picture is the QR code of the invite's web chat link (`<public URL>/?start=<CODE>`): any
phone's camera opens it in the browser, with or without Telegram or Zalo. Each channel shows it
its own way:

    web chat   the picture from /invite/<CODE>.png, with a link to open it full size (to print)
    Telegram   the PNG as a photo, rendered by `InviteQr`
    Zalo OA    a text with the picture's absolute address (`with_qr_link`)
    Zalo Bot   the picture by URL (sendPhoto, when the public URL is https) and that text
"""

from __future__ import annotations

import asyncio
import io
import re
from functools import lru_cache

import segno

from bot.core import Reply
from bot.core.context import PublicLinks
from bot.core.invite_links import web_invite_link
from bot.i18n import N_, Translator
from storage import Storage, normalise_invite_code

PREFIX = "invite/"
CACHED = 64  # rendered QR codes kept (a few kB each)
SCALE = 12  # pixels a module: sharp enough to print on a page
BORDER = 4  # the quiet zone phones' cameras need, in modules
_IMAGE = re.compile(r"invite/([A-Za-z0-9]{1,16})\.png")

QR_LINK = N_("QR code to show or print: {url}")
QR_OPEN = N_("Open the QR code (to print)")
QR_CAPTION = N_("Your invite's QR code")


def invite_code(image: str | None) -> str | None:
    """The invite code a reply's `image` names, or None for any other picture (or none)."""
    if not image:
        return None
    match = _IMAGE.fullmatch(image)
    return normalise_invite_code(match.group(1)) if match else None


def qr_path(code: str) -> str:
    """Where the invite's QR code is served (relative to the server)."""
    return f"/invite/{code}.png"


def with_qr_link(reply: Reply, base_url: str, t: Translator) -> Reply:
    """`reply` for a text-only channel: an invite's QR picture becomes its address under the
    reply's text; any other reply is returned as it is."""
    code = invite_code(reply.image)
    if code is None:
        return reply
    line = t.gettext(QR_LINK).format(url=base_url.rstrip("/") + qr_path(code))
    text = f"{reply.text.rstrip()}\n\n{line}" if reply.text.strip() else line
    return Reply(text, reply.choices, None, reply.kind)


@lru_cache(maxsize=CACHED)
def qr_png(url: str) -> bytes:
    """The QR code of `url` as a black-on-white PNG."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()


class InviteQr:
    """QR codes of ambassadors' invites, for the invite codes storage knows.

    Args:
        storage: where invite codes are looked up.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def png(self, code: str, base_url: str) -> bytes | None:
        """The QR code of the web chat link (on the server at `base_url`) of the invite `code`,
        or None when no ambassador has that invite (or they erased their data).

        Raises:
            StorageError: the database could not be read.
        """
        ambassador = await self.storage.ambassadors.by_invite(code)
        if ambassador is None or ambassador.learner_id is None:
            return None
        url = web_invite_link(PublicLinks(web=base_url), ambassador.invite_code)
        return await asyncio.to_thread(qr_png, url)


__all__ = [
    "PREFIX",
    "QR_CAPTION",
    "QR_OPEN",
    "InviteQr",
    "invite_code",
    "qr_path",
    "qr_png",
    "with_qr_link",
]
