"""The web chat channel: `GET /` (the page), `GET /chat/api/session`, `POST /chat/api/send`,
and `GET /chat/embed`, the same chat compact, for other sites to frame (docs/embed.md).

The JSON API is documented in docs/webchat-api.md and kept stable: the provincial portal may
embed the chat. The web chat has no push: what the bot sends first (announcements, reminders)
waits in the outbox until the learner's page opens or asks (`GET /chat/api/session`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.channels.base import SendErrorKind, SendFailure
from bot.channels.webchat.adapter import CHANNEL, MAX_ID, accepted_languages, to_inbound
from bot.channels.webchat.openapi import openapi_document
from bot.channels.webchat.render import CAPABILITIES, dumps, render_reply
from bot.channels.webchat.validate import MAX_BODY_BYTES, Refusal, read_message
from bot.core import Reply
from bot.errors import StorageError
from bot.i18n import N_, Translator, preferred_locale, translator
from bot.outbox import replies_of
from bot.pictures import picture_file
from bot.security import PAGE_POLICY
from bot.service import ConversationService, utc_now
from lessons.pictures import SVG_SUFFIX

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

COOKIE = "hocvuso_chat"
COOKIE_MAX_AGE = 365 * 24 * 3600
STATIC_DIR = Path(__file__).resolve().parent / "static"
# What a lesson's picture may be: `/chat/media/` serves these and nothing else of `lessons/`
# (its YAML and Python are no business of a browser's).
PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})

PAGE_STRINGS = (
    N_("Học vụ số"),
    N_("Type your answer…"),
    N_("Send"),
    N_("Start learning"),
    N_("Tap “Start learning” below to begin."),
    N_("The connection was lost. Your answer is kept: tap Send to try again."),
    N_("Source code"),
)
OPEN_FULL = N_("Open in a new window")
# The header chat.js sends from the embedded page: its session cookie must cross sites.
EMBED_HEADER = "X-Hocvuso-Embed"


class WebChatChannel:
    """The web chat, bound to one conversation service."""

    name = CHANNEL
    capabilities = CAPABILITIES
    push = False

    def __init__(
        self,
        service: ConversationService,
        *,
        clock: Callable[[], datetime] = utc_now,
        embed_origins: Sequence[str] = (),
    ) -> None:
        self.service = service
        self.clock = clock
        self.embed_origins = tuple(embed_origins)
        self.page_template = (STATIC_DIR / "chat.html").read_text(encoding="utf-8")

    # -- the channel contract --------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Register the page, its assets and the JSON API."""
        app.router.add_get("/", self.page)
        app.router.add_get("/chat", self.page)
        app.router.add_get("/chat/", self.page)
        app.router.add_get("/chat/embed", self.embed)
        app.router.add_get("/chat/api/session", self.session)
        app.router.add_route("*", "/chat/api/session", self.wrong_method)
        app.router.add_post("/chat/api/send", self.receive)
        app.router.add_route("*", "/chat/api/send", self.wrong_method)
        app.router.add_get("/chat/api/openapi.json", self.openapi)
        app.router.add_static("/chat/static/", STATIC_DIR)
        app.router.add_get("/chat/media/{path:.+}", self.media)
        # Browsers ask for it whatever the page declares (the verify page, bookmarks).
        app.router.add_get("/favicon.ico", self.favicon)

    async def start(self) -> None:
        """Nothing to start: the routes are served by the bot's web server."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """Never blocked: the learner sees the message whenever the page opens next."""
        return None

    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[dict[str, object]]:
        """The JSON bubbles for `replies`."""
        t = self.service.translator(None)
        return [render_reply(reply, t) for reply in replies]

    async def send(self, recipient: str, payload: dict[str, object]) -> None:
        """The web chat cannot push; its outbox rows are shown by `session`.

        Raises:
            SendFailure: always (permanent: nothing can be sent this way).
        """
        raise SendFailure(SendErrorKind.PERMANENT, "the web chat has no push")

    # -- HTTP ------------------------------------------------------------------------------------

    def _locale(self, request: web.Request) -> str:
        """Vietnamese (the default) whenever the browser lists it at all (decision 23)."""
        languages = accepted_languages(request.headers.get("Accept-Language", ""))
        return preferred_locale(languages, self.service.default_locale)

    async def media(self, request: web.Request) -> web.StreamResponse:
        """A lesson's picture under `lessons/`, a drawing's PNG (`images/x.png` for
        `images/x.svg`, rendered now if the build has not yet); anything else is not found."""
        lessons_dir = Path(self.service.catalog.lessons_dir)
        path = request.match_info["path"]
        wanted = _picture(lessons_dir, path)
        if wanted is None and path.lower().endswith(".png"):
            drawing = path[: -len(".png")] + SVG_SUFFIX
            if _source(lessons_dir, drawing) is not None:
                wanted = await asyncio.to_thread(picture_file, lessons_dir, drawing)
        if wanted is None:
            raise web.HTTPNotFound()
        return web.FileResponse(wanted, headers={"Cache-Control": "public, max-age=3600"})

    async def favicon(self, _request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "favicon.png", headers={"Content-Type": "image/png"})

    async def page(self, request: web.Request) -> web.Response:
        """The chat page, its interface strings translated for the browser's language."""
        html = self._html(request, embedded=False)
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def embed(self, request: web.Request) -> web.Response:
        """The chat compact, for an `<iframe>` on the sites of `HOCVUSO_EMBED_ORIGINS` only:
        CSP `frame-ancestors` names them (none: no site), without X-Frame-Options."""
        ancestors = " ".join(self.embed_origins) or "'none'"
        headers = {"Content-Security-Policy": f"{PAGE_POLICY}; frame-ancestors {ancestors}"}
        html = self._html(request, embedded=True)
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=headers)

    def _html(self, request: web.Request, *, embedded: bool) -> str:
        t = self.service.translator(self._locale(request))
        strings = {source: t.gettext(source) for source in PAGE_STRINGS}
        extra = (
            f'<a class="pop" href="/" target="_blank" rel="noopener">'
            f"{escape(t.gettext(OPEN_FULL))}</a>"
            if embedded
            else ""
        )
        return (
            self.page_template.replace("__LANG__", t.locale)
            .replace("__BODY__", "embed" if embedded else "page")
            .replace("__BAR__", extra)
            .replace("__STRINGS__", json.dumps(strings, ensure_ascii=False).replace("</", "<\\/"))
        )

    async def session(self, request: web.Request) -> web.Response:
        """Whether this browser already has a learner (to resume instead of greeting), and
        the messages the bot queued for them since their last visit (shown once)."""
        token = request.cookies.get(COOKIE)
        messages: list[dict[str, object]] = []
        if token and len(token) <= MAX_ID:
            try:
                taken = await self.service.storage.outbox.take(CHANNEL, token, self.clock())
            except StorageError as exc:
                log.warning("web chat: queued messages not read (%s); shown next visit", exc)
                taken = []
            t = self.service.translator(self._locale(request))
            for item in taken:
                messages.extend(render_reply(reply, t) for reply in replies_of(item.payload))
        return web.json_response({"returning": bool(token), "messages": messages}, dumps=dumps)

    async def receive(self, request: web.Request) -> web.Response:
        """Take one text or choice, answer with the replies."""
        locale = self._locale(request)
        t = self.service.translator(locale)
        token = request.cookies.get(COOKIE)
        if not token or len(token) > MAX_ID:
            token = secrets.token_urlsafe(24)
        try:
            body = await read_message(request)
        except Refusal as refusal:
            return self._error(refusal, t, token)
        message = to_inbound(body, token, locale, utc_now())
        if message is None:  # read_message let through what the adapter cannot take: a bug
            return self._error(Refusal(400, "the body could not be read"), t, token)
        try:
            handled = await self.service.handle(message)
        except StorageError:
            log.exception("web chat message not processed: database unavailable")
            return self._reply(
                503,
                self.service.unavailable_replies(locale),
                token,
                t,
                error="the database is unavailable; nothing was recorded: retry later, same id",
            )
        except Exception:
            # A bug must not show a stack trace to a learner; nothing of the message was stored.
            log.exception("web chat message failed")
            return self._reply(
                500,
                self.service.unavailable_replies(locale),
                token,
                t,
                error="internal error; nothing was recorded: retry later with the same id",
            )
        return self._reply(200, handled.replies, token, t, embedded=_embedded(request))

    async def wrong_method(self, request: web.Request) -> web.Response:
        """A method the API path does not take: JSON like every other answer of the API."""
        t = translator(self._locale(request), self.service.default_locale)
        allow = "POST" if request.path == "/chat/api/send" else "GET, HEAD"
        return self._error(
            Refusal(405, f"{request.path} takes {allow}, not {request.method}", allow=allow), t
        )

    async def openapi(self, _request: web.Request) -> web.Response:
        """The API's OpenAPI 3.1 document (what docs/webchat-api.md says, machine-readable)."""
        return web.json_response(openapi_document(), dumps=dumps)

    def _reply(
        self,
        status: int,
        replies: tuple[Reply, ...],
        token: str,
        t: Translator,
        *,
        error: str | None = None,
        embedded: bool = False,
    ) -> web.Response:
        payload: dict[str, Any] = {"replies": [render_reply(reply, t) for reply in replies]}
        if error is not None:
            payload["error"] = error
        response = web.json_response(payload, status=status, dumps=dumps)
        self._set_cookie(response, token, embedded=embedded)
        return response

    def _error(self, refusal: Refusal, t: Translator, token: str | None = None) -> web.Response:
        """The learner's friendly sentence in `replies`, the English `error` for developers."""
        payload = {
            "replies": [Reply(t.gettext(refusal.message)).to_json()],
            "error": refusal.error,
        }
        headers = {"Allow": refusal.allow} if refusal.allow else None
        response = web.json_response(payload, status=refusal.status, dumps=dumps, headers=headers)
        if token is not None:
            self._set_cookie(response, token)
        return response

    @staticmethod
    def _set_cookie(response: web.Response, token: str, *, embedded: bool = False) -> None:
        """The learner's cookie. In the embedded chat it must reach us from inside another
        site's page: `SameSite=None` (bot.security makes it Lax again over plain HTTP, where
        browsers would drop it, and adds `Partitioned`: kept per embedding site, CHIPS)."""
        samesite = "None" if embedded else "Lax"
        response.set_cookie(
            COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite=samesite, path="/"
        )


def _embedded(request: web.Request) -> bool:
    return request.headers.get(EMBED_HEADER) == "1"


def webchat_channel(settings: Settings, service: ConversationService) -> WebChatChannel:
    """The web chat: always on (the zero-configuration default)."""
    return WebChatChannel(service, embed_origins=settings.embed_origins)


__all__ = ["COOKIE", "MAX_BODY_BYTES", "PAGE_STRINGS", "WebChatChannel", "webchat_channel"]


def _picture(lessons_dir: Path, path: str) -> Path | None:
    """The picture file `path` names inside `lessons_dir` (links resolved, so none leads out),
    or None. A few stat calls on a local disk: not worth a thread hop."""
    wanted = _source(lessons_dir, path)
    return wanted if wanted is not None and wanted.suffix.lower() in PICTURE_SUFFIXES else None


def _source(lessons_dir: Path, path: str) -> Path | None:
    """The file `path` names inside `lessons_dir`, links resolved (none leads out), or None."""
    root = lessons_dir.resolve()
    wanted = (root / path).resolve()
    return wanted if wanted.is_relative_to(root) and wanted.is_file() else None
