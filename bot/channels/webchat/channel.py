"""The web chat channel: `GET /` (the page), `GET /chat/api/session`, `POST /chat/api/send`.

The JSON API is documented in docs/webchat-api.md and kept stable: the provincial portal may
embed the chat. The web chat has no push: what the bot sends first (announcements, reminders)
waits in the outbox until the learner's page opens or asks (`GET /chat/api/session`).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels.base import SendErrorKind, SendFailure
from bot.channels.webchat.adapter import CHANNEL, MAX_ID, accepted_languages, to_inbound
from bot.channels.webchat.render import CAPABILITIES, dumps, render_reply
from bot.core import Reply
from bot.errors import StorageError
from bot.i18n import N_, Translator, preferred_locale, translator
from bot.outbox import replies_of
from bot.service import ConversationService, utc_now

log = logging.getLogger(__name__)

COOKIE = "hocvuso_chat"
COOKIE_MAX_AGE = 365 * 24 * 3600
STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 256 * 1024  # far above any sane answer; the core itself rejects > 2,000 chars

PAGE_STRINGS = (
    N_("Học vụ số"),
    N_("Type your answer…"),
    N_("Send"),
    N_("Start learning"),
    N_("Hello! I am Học vụ số. Tap “Start learning” to begin."),
    N_("The connection was lost. Your answer is kept: tap Send to try again."),
)


class WebChatChannel:
    """The web chat, bound to one conversation service."""

    name = CHANNEL
    capabilities = CAPABILITIES
    push = False

    def __init__(
        self, service: ConversationService, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.service = service
        self.clock = clock
        self.page_template = (STATIC_DIR / "chat.html").read_text(encoding="utf-8")

    # -- the channel contract --------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Register the page, its assets and the JSON API."""
        app.router.add_get("/", self.page)
        app.router.add_get("/chat", self.page)
        app.router.add_get("/chat/", self.page)
        app.router.add_get("/chat/api/session", self.session)
        app.router.add_post("/chat/api/send", self.receive)
        app.router.add_static("/chat/static/", STATIC_DIR)
        app.router.add_static(
            "/chat/media/", self.service.catalog.lessons_dir, follow_symlinks=False
        )

    async def start(self) -> None:
        """Nothing to start: the routes are served by the bot's web server."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """Never blocked: the learner sees the message whenever the page opens next."""
        return None

    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[dict[str, object]]:
        """The JSON bubbles for `replies`."""
        t = translator(None, self.service.default_locale)
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

    async def page(self, request: web.Request) -> web.Response:
        """The chat page, its interface strings translated for the browser's language."""
        t = translator(self._locale(request), self.service.default_locale)
        strings = {source: t.gettext(source) for source in PAGE_STRINGS}
        html = self.page_template.replace("__LANG__", t.locale).replace(
            "__STRINGS__", json.dumps(strings, ensure_ascii=False).replace("</", "<\\/")
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

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
            t = translator(self._locale(request), self.service.default_locale)
            for item in taken:
                messages.extend(render_reply(reply, t) for reply in replies_of(item.payload))
        return web.json_response({"returning": bool(token), "messages": messages}, dumps=dumps)

    async def receive(self, request: web.Request) -> web.Response:
        """Take one text or choice, answer with the replies."""
        locale = self._locale(request)
        t = translator(locale, self.service.default_locale)
        token = request.cookies.get(COOKIE)
        if not token or len(token) > MAX_ID:
            token = secrets.token_urlsafe(24)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._error(413, t.gettext("Your message is too long for me to read."), token)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            body = None
        message = to_inbound(body, token, locale, utc_now()) if isinstance(body, dict) else None
        if message is None:
            return self._error(
                400,
                t.gettext("Sorry, I could not read that message. Please try again."),
                token,
                detail='send JSON: {"text": "..."} or {"choice": "<id>"}',
            )
        try:
            handled = await self.service.handle(message)
        except StorageError:
            log.exception("web chat message not processed: database unavailable")
            return self._reply(503, self.service.unavailable_replies(locale), token, t)
        except Exception:
            # A bug must not show a stack trace to a learner; nothing of the message was stored.
            log.exception("web chat message failed")
            return self._reply(500, self.service.unavailable_replies(locale), token, t)
        return self._reply(200, handled.replies, token, t)

    def _reply(
        self, status: int, replies: tuple[Reply, ...], token: str, t: Translator
    ) -> web.Response:
        payload = {"replies": [render_reply(reply, t) for reply in replies]}
        response = web.json_response(payload, status=status, dumps=dumps)
        self._set_cookie(response, token)
        return response

    def _error(
        self, status: int, text: str, token: str, detail: str | None = None
    ) -> web.Response:
        payload: dict[str, Any] = {
            "replies": [Reply(text).to_json()],
            "error": detail or text,
        }
        response = web.json_response(payload, status=status, dumps=dumps)
        self._set_cookie(response, token)
        return response

    @staticmethod
    def _set_cookie(response: web.Response, token: str) -> None:
        response.set_cookie(
            COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax", path="/"
        )


def webchat_channel(_settings: object, service: ConversationService) -> WebChatChannel:
    """The web chat: always on (the zero-configuration default)."""
    return WebChatChannel(service)


__all__ = ["COOKIE", "MAX_BODY_BYTES", "PAGE_STRINGS", "WebChatChannel", "webchat_channel"]
