"""Neutral replies -> Zalo Bot messages. The Bot Platform has no buttons (its capabilities say
so), so `layout` turns choices into a numbered menu ("1. …"); the core reads a typed "2",
"2." or the option's words as that choice, so the adapter passes answers through as text.

A certificate goes out as its picture by URL (`sendPhoto`: Zalo fetches it, so only from a
public https address) followed by the text with the links to the picture, PDF and verification
page; an ambassador's invite likewise, with its QR code. A lesson picture likewise goes by URL
from a public https server (the web chat's `/chat/media/`, a drawing as its PNG, its alt text as
the caption); without one, a drawing is told in words: "🖼 " and its alt text open the bubble.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.certificate import certificate_code, with_links
from bot.certificate.media import absolute, png_path
from bot.channels.layout import EMPTY_TEXT, layout, menu
from bot.channels.pictures import PICTURE_MARK, lesson_picture
from bot.core import ChannelCapabilities, Reply
from bot.i18n import N_, translator
from bot.invites.media import QR_CAPTION, invite_code, qr_path, with_qr_link
from bot.pictures import media_path

MAX_TEXT = 2000  # counted in UTF-16 units, as on Zalo OA
CAPABILITIES = ChannelCapabilities(
    buttons=False, max_buttons=0, polls=False, max_text=MAX_TEXT, proactive_window=None
)
CAPTION = N_("Your certificate of completion")


@dataclass(frozen=True)
class Photo:
    """A picture Zalo fetches from `url` (sendPhoto), with a short caption."""

    url: str
    caption: str


def render_reply(
    reply: Reply,
    caps: ChannelCapabilities = CAPABILITIES,
    *,
    public_url: str = "",
    locale: str | None = None,
) -> list[str | Photo]:
    """The messages to send for one reply, in order: texts within `caps.max_text` UTF-16 units
    and, for a certificate on a public https server, its picture first.

    A lesson picture goes first by URL when `public_url` is https; otherwise a drawing's alt
    text opens the text ("🖼 …") and a photo without one is left out.
    """
    t = translator(locale)
    messages: list[str | Photo] = []
    code = certificate_code(reply.image)
    invite = invite_code(reply.image)
    if code is not None and public_url.startswith("https://"):
        messages.append(Photo(absolute(public_url, png_path(code)), t.gettext(CAPTION)))
    if invite is not None and public_url.startswith("https://"):
        messages.append(Photo(absolute(public_url, qr_path(invite)), t.gettext(QR_CAPTION)))
    picture = lesson_picture(reply.image)
    if picture is not None:
        if public_url.startswith("https://"):
            url = absolute(public_url, media_path(picture))
            messages.append(Photo(url, reply.alt or ""))
        elif reply.alt:
            reply = replace(reply, text=f"{PICTURE_MARK}{reply.alt}\n\n{reply.text}")
    reply = with_qr_link(with_links(reply, public_url, t), public_url, t)
    messages.extend(bubble.text for bubble in layout(reply, caps))
    return messages or [EMPTY_TEXT]


__all__ = ["CAPABILITIES", "MAX_TEXT", "PICTURE_MARK", "Photo", "menu", "render_reply"]
