"""The headers of every dashboard and pull-API response: nothing cached (the numbers are an
area's and the page an official's), never framed, no script at all.

Set when a response is prepared, after `bot.security` added the server-wide ones, so they
also cover the 404 and 500 pages aiohttp writes itself under these paths.
"""

from __future__ import annotations

from aiohttp import web

PREFIXES = ("/dashboard", "/api/v1/")
POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": POLICY,
    "X-Robots-Tag": "noindex",
}


def is_dashboard_path(path: str) -> bool:
    """Whether `path` is the dashboard's or the pull API's."""
    return path == "/dashboard" or path.startswith(PREFIXES)


async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Replace the server-wide headers by the dashboard's stricter ones on its paths."""
    if is_dashboard_path(request.path):
        response.headers.update(HEADERS)


def install(app: web.Application) -> None:
    """Add the headers to `app`'s dashboard and API responses (once)."""
    if add_headers not in app.on_response_prepare:
        app.on_response_prepare.append(add_headers)


__all__ = ["HEADERS", "POLICY", "install", "is_dashboard_path"]
