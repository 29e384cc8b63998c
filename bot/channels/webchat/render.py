"""Web chat, outbound: a neutral `Reply` -> the JSON the page shows (docs/webchat-api.md)."""

from __future__ import annotations

import json

from bot.certificate.media import (
    PDF_LINK,
    VERIFY_LINK,
    certificate_code,
    pdf_path,
    png_path,
    verify_path,
)
from bot.core import ChannelCapabilities, Reply
from bot.i18n import Translator, translator
from bot.invites.media import QR_OPEN, invite_code, qr_path
from bot.pictures import MEDIA_PATH, media_path
from bot.reports.media import chart_path, chart_secret

CAPABILITIES = ChannelCapabilities(buttons=True, max_buttons=12, polls=False, max_text=4000)


def render_reply(reply: Reply, t: Translator | None = None) -> dict[str, object]:
    """`{"text", "choices": [{"id", "label"}], "image"?, "alt"?, "links"?}`; the picture as a
    URL of ours (a drawing's PNG), with its alt text when it is a drawing. A certificate shows
    its picture, with links to its PDF and its verification page (labels in `t`'s language);
    an ambassador's invite its QR code, with a link to open it full size (to print)."""
    data = reply.to_json()
    code = certificate_code(reply.image)
    invite = invite_code(reply.image)
    if invite is not None:
        t = t or translator(None)
        data["image"] = qr_path(invite)
        data["links"] = [{"url": qr_path(invite), "label": t.gettext(QR_OPEN)}]
    elif code is not None:
        t = t or translator(None)
        data["image"] = png_path(code)
        data["links"] = [
            {"url": pdf_path(code), "label": t.gettext(PDF_LINK)},
            {"url": verify_path(code), "label": t.gettext(VERIFY_LINK)},
        ]
    elif chart_secret(reply.image) is not None:
        data["image"] = chart_path(chart_secret(reply.image) or "")
    elif reply.image:
        data["image"] = media_path(reply.image)
    return data


def dumps(value: object) -> str:
    """JSON with Vietnamese letters as they are (not \\u escapes)."""
    return json.dumps(value, ensure_ascii=False)


__all__ = ["CAPABILITIES", "MEDIA_PATH", "dumps", "render_reply"]
