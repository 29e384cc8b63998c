"""Which reply pictures are lesson pictures (files under `lessons/`), as the channels that
render them differently from the certificates, invites and report charts need to know."""

from __future__ import annotations

from bot.certificate.media import certificate_code
from bot.invites.media import invite_code
from bot.reports.media import chart_secret


def lesson_picture(image: str | None) -> str | None:
    """`image` when it names a picture under lessons/ (not a certificate, an invite or a
    report chart, which the channels draw themselves), else None."""
    if not image or certificate_code(image) or invite_code(image):
        return None
    return None if chart_secret(image) is not None else image


__all__ = ["lesson_picture"]
