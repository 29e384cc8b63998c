"""Security headers on every response, and the flags of the cookies the server sets.

Every page is served with a Content-Security-Policy that allows scripts, styles and pictures
from this server only (no inline script or style: the pages' scripts and styles are static
files); every other response with one that allows no script at all. All carry
`X-Content-Type-Options: nosniff` and a `Referrer-Policy`. A handler that sets its own stricter
header (the certificate's page) keeps it.

Every page refuses to be framed by other sites (`frame-ancestors 'none'`, `X-Frame-Options:
DENY`), unless its handler names the sites that may (the embeddable chat, `/chat/embed`).

Cookies are always `HttpOnly` and `SameSite=Lax` (the embedded chat's: `SameSite=None;
Partitioned` over HTTPS only, decision 39), and `Secure` when learners reach the server
over HTTPS: `HOCVUSO_PUBLIC_URL` starts with https, the connection itself is TLS, or a proxy in
`HOCVUSO_TRUSTED_PROXIES` says `X-Forwarded-Proto: https`. The header is ignored from anyone
else: a forged one must not decide how our cookie is sent.

The headers are added when a response is prepared (the `on_response_prepare` signal), which
also catches the responses no middleware sees: the 500 page aiohttp writes for an unhandled
error. Cookies are already written out by then, so their flags are set by a middleware.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address

from aiohttp import web
from aiohttp.typedefs import Handler

Network = IPv4Network | IPv6Network

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # data: for small inline icons; pictures otherwise come from this server.
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)
# Anything but a page (a picture, a PDF, JSON opened in a tab) runs nothing; the inline styles
# are the browser's own, for the viewer it wraps around a picture.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
NO_FRAMING = "frame-ancestors 'none'"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Links to other sites (the official platform) do not learn which page of ours, nor which
    # certificate code, the visitor came from.
    "Referrer-Policy": "same-origin",
}


class Security:
    """The headers and cookie flags of one server.

    Args:
        public_url: `HOCVUSO_PUBLIC_URL`, or None when unknown.
        trusted_proxies: `HOCVUSO_TRUSTED_PROXIES`: the peers whose X-Forwarded-Proto counts.
    """

    def __init__(self, public_url: str | None, trusted_proxies: Iterable[Network] = ()) -> None:
        self.always_https = bool(public_url and public_url.lower().startswith("https://"))
        self.trusted_proxies: Sequence[Network] = tuple(trusted_proxies)

    def install(self, app: web.Application) -> None:
        """Add the headers to every response of `app` and the flags to its cookies."""
        app.middlewares.insert(0, self.cookie_flags)
        app.on_response_prepare.append(self.add_headers)

    def is_https(self, request: web.BaseRequest) -> bool:
        """Whether the learner's browser reached us over HTTPS."""
        if self.always_https or request.secure:
            return True
        if not self._from_trusted_proxy(request):
            return False
        # A proxy that appends rather than replaces leaves the client's own value first: the
        # last one is what the proxy next to us saw.
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[-1]
        return forwarded.strip().lower() == "https"

    def _from_trusted_proxy(self, request: web.BaseRequest) -> bool:
        remote = request.remote  # the peer's address; None on a Unix socket
        if not self.trusted_proxies or not remote:
            return False
        try:
            address = ip_address(remote.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.trusted_proxies)

    @web.middleware
    async def cookie_flags(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every cookie the handlers set: HttpOnly, SameSite=Lax, Secure over HTTPS."""
        response = await handler(request)
        secure = None
        for morsel in response.cookies.values():
            morsel["httponly"] = True
            morsel["samesite"] = morsel["samesite"] or "Lax"
            if secure is None:
                secure = self.is_https(request)
            if secure:
                morsel["secure"] = True
            elif morsel["samesite"] == "None":
                # Browsers drop SameSite=None without Secure: over plain HTTP, the default.
                morsel["samesite"] = "Lax"
        for name, morsel in list(response.cookies.items()):
            if morsel["samesite"] == "None":
                # A cookie sent inside other sites' pages is kept apart per site (CHIPS);
                # Python's cookies before 3.14 cannot say "Partitioned": written out here.
                del response.cookies[name]
                response.headers.add("Set-Cookie", f"{morsel.OutputString()}; Partitioned")
        return response

    async def add_headers(self, _request: web.Request, response: web.StreamResponse) -> None:
        """The security headers, unless the handler chose stricter ones."""
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        page = response.content_type == "text/html"
        policy = response.headers.setdefault(
            "Content-Security-Policy", PAGE_POLICY if page else FILE_POLICY
        )
        # No other site frames our pages (clickjacking), unless the handler named the sites
        # that may (the embeddable chat, decision 39); old browsers read X-Frame-Options.
        if "frame-ancestors" not in policy:
            policy = f"{policy}; {NO_FRAMING}"
            response.headers["Content-Security-Policy"] = policy
        if NO_FRAMING in policy:
            response.headers.setdefault("X-Frame-Options", "DENY")


__all__ = ["FILE_POLICY", "HEADERS", "NO_FRAMING", "PAGE_POLICY", "Security"]
