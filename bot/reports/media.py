"""The chart `/baocao` shows, as a reply's picture: the one place that knows what an `image` of
`"report/<SECRET>.png"` means and where it is served (like `bot.certificate.media`).

    web chat   the picture from /report/chart/<SECRET>.png
    Telegram   the PNG drawn when it is sent, as a photo
    Zalo       no picture (the reply's text carries the chart's link)
"""

from __future__ import annotations

import re

PREFIX = "report/"
_IMAGE = re.compile(r"report/([A-Za-z0-9_-]{20,80})\.png")


def chart_image(secret: str) -> str:
    """The image name of the chart a chart secret draws."""
    return f"{PREFIX}{secret}.png"


def chart_secret(image: str | None) -> str | None:
    """The chart secret a reply's `image` names, or None for any other picture (or none)."""
    if not image:
        return None
    match = _IMAGE.fullmatch(image)
    return match.group(1) if match else None


def chart_path(secret: str) -> str:
    """Where the chart is served (relative to the server)."""
    return f"/report/chart/{secret}.png"


__all__ = ["PREFIX", "chart_image", "chart_path", "chart_secret"]
