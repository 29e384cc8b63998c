"""Signing in to the dashboard: one-time links traded for a session cookie, the session read
back on every request, the form token that ties a POST to its session, signing out.

    GET  /dashboard/login/{token}, /dashboard/login?t=   a page with one "Sign in" button;
                                                         the link is not spent (chat apps
                                                         fetch links for their previews)
    POST /dashboard/login                                spends the link: a session cookie,
                                                         then on to /dashboard
    GET  /dashboard/login                                "ask for a link" (where anyone
                                                         without a session is sent)
    POST /dashboard/logout                               the session revoked, the cookie gone

The cookie holds the session secret (only its hash is stored: `storage.secrets`); it is
HttpOnly, SameSite=Lax, limited to /dashboard, and Secure over HTTPS (`bot.security` sets the
flags of every cookie). A POST must carry the form token derived from the session secret, which
another site cannot read, and must not come from another origin.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from bot.dashboard import pages
from bot.errors import StorageError
from bot.i18n import Translator
from storage import OfficialRecord, SecretKind, Storage

log = logging.getLogger(__name__)

COOKIE = "hocvuso_dashboard"
COOKIE_PATH = "/dashboard"
SESSION_FOR = timedelta(hours=12)
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class SignedIn:
    """The official behind a request, and the session secret it came with."""

    official: OfficialRecord
    session: str

    @property
    def csrf(self) -> str:
        """The form token of this session."""
        return form_token(self.session)


def form_token(session: str) -> str:
    """The token a session's forms carry: derived from its secret, which only the official's
    browser holds (the cookie is HttpOnly), so no other site can forge it."""
    return hashlib.sha256(b"hocvuso-dashboard-form\0" + session.encode()).hexdigest()


def html(text: str, status: int = 200) -> web.Response:
    """A dashboard page."""
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    """303 See Other: after a POST, the browser GETs `location`. Returned, not raised, so the
    cookie flags of `bot.security` apply to the cookie it sets."""
    return web.Response(status=303, headers={"Location": location})


class Sessions:
    """Who is signed in, and the sign-in and sign-out routes.

    Args:
        storage: where secrets are checked.
        t: the pages' language.
        clock: the current time, timezone-aware UTC.
        public_url: the server's public address; a POST's Origin must be it or the request's.
        session_for: how long a session lasts.
    """

    def __init__(
        self,
        storage: Storage,
        t: Translator,
        *,
        clock: Callable[[], datetime],
        public_url: str | None,
        session_for: timedelta = SESSION_FOR,
    ) -> None:
        self.storage, self.t, self.clock = storage, t, clock
        self.public_origin = (public_url or "").rstrip("/").lower()
        self.session_for = session_for

    def add_routes(self, app: web.Application) -> None:
        """Register the sign-in and sign-out routes."""
        app.router.add_get("/dashboard/login", self.login_page)
        app.router.add_get("/dashboard/login/{token}", self.login_page)
        app.router.add_post("/dashboard/login", self.login)
        app.router.add_post("/dashboard/logout", self.logout)

    async def signed_in(self, request: web.Request) -> SignedIn | None:
        """The official whose live session the request's cookie is, or None.

        Raises:
            StorageError: the database did not answer.
        """
        secret = request.cookies.get(COOKIE, "")
        if not secret:
            return None
        official = await self.storage.secrets.authenticate(
            secret, SecretKind.SESSION, now=self.clock()
        )
        return None if official is None else SignedIn(official, secret)

    def same_origin(self, request: web.Request) -> bool:
        """Whether a POST came from our own pages. Browsers send Origin with every POST; one
        without it is not a browser's cross-site form, so the form token decides alone."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        origin = origin.rstrip("/").lower()
        return origin in (self.public_origin, str(request.url.origin()).lower())

    async def checked_post(self, request: web.Request) -> tuple[SignedIn, dict[str, str]]:
        """The signed-in official of a POST and its form, checked for its token and origin.

        Raises:
            web.HTTPException: 303 to sign in without a session, 403 without the form token.
        """
        form = {key: str(value) for key, value in (await request.post()).items()}
        try:
            signed = await self.signed_in(request)
        except StorageError:
            log.exception("dashboard: database unavailable")
            raise web.HTTPServiceUnavailable(
                text=pages.unavailable(self.t), content_type="text/html"
            ) from None
        if signed is None:
            raise web.HTTPSeeOther(pages.LOGIN_PATH)
        token = form.get(CSRF_FIELD, "")
        if not self.same_origin(request) or not hmac.compare_digest(token, signed.csrf):
            raise web.HTTPForbidden(text=pages.bad_form(self.t), content_type="text/html")
        return signed, form

    async def login_page(self, request: web.Request) -> web.Response:
        """A link's page: a button that signs in (the link stays unspent), or "ask for a
        link" when there is none or it no longer works."""
        token = request.match_info.get("token") or request.query.get("t", "")
        if not token:
            return html(pages.need_link(self.t, signed_out="out" in request.query))
        try:
            official = await self.storage.secrets.authenticate(
                token, SecretKind.LOGIN, now=self.clock()
            )
        except StorageError:
            log.exception("dashboard sign-in: database unavailable")
            return html(pages.unavailable(self.t), 503)
        if official is None:
            return html(pages.link_dead(self.t), 410)
        return html(pages.login_confirm(self.t, token))

    async def login(self, request: web.Request) -> web.Response:
        """Spend the link for a session, set its cookie and go on to the dashboard."""
        if not self.same_origin(request):
            return html(pages.bad_form(self.t), 403)
        token = str((await request.post()).get("t", ""))
        try:
            issued = await self.storage.secrets.exchange(
                token, now=self.clock(), session_for=self.session_for
            )
        except StorageError:
            log.exception("dashboard sign-in: database unavailable")
            return html(pages.unavailable(self.t), 503)
        if issued is None:
            return html(pages.link_dead(self.t), 410)
        log.info("dashboard: official %s signed in", issued.official.public_id)
        response = redirect("/dashboard")
        response.set_cookie(
            COOKIE,
            issued.secret,
            path=COOKIE_PATH,
            max_age=int(self.session_for.total_seconds()),
            httponly=True,
            samesite="Lax",
        )
        return response

    async def logout(self, request: web.Request) -> web.Response:
        """End the session (revoked in the database, not only forgotten by the browser)."""
        signed, _form = await self.checked_post(request)
        try:
            await self.storage.secrets.revoke_secret(
                signed.session, SecretKind.SESSION, now=self.clock()
            )
        except StorageError:
            log.exception("dashboard sign-out: database unavailable")
            return html(pages.unavailable(self.t), 503)
        response = redirect(f"{pages.LOGIN_PATH}?out=1")
        response.del_cookie(COOKIE, path=COOKIE_PATH)
        return response


__all__ = [
    "COOKIE",
    "CSRF_FIELD",
    "SESSION_FOR",
    "Sessions",
    "SignedIn",
    "form_token",
    "html",
    "redirect",
]
