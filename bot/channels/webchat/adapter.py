"""Web chat routes: `GET /` (the page), `GET /chat/api/session`, `POST /chat/api/send`.

The JSON API is documented in docs/webchat-api.md and kept stable: the provincial portal may
embed the chat.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.core import ChannelCapabilities, InboundMessage, InputKind, Reply
from bot.errors import StorageError
from bot.i18n import N_, translator
from bot.service import ConversationService, utc_now

log = logging.getLogger(__name__)

CHANNEL = "webchat"
COOKIE = "hocvuso_chat"
COOKIE_MAX_AGE = 365 * 24 * 3600
STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 256 * 1024  # far above any sane answer; the core itself rejects > 2,000 chars
CAPABILITIES = ChannelCapabilities(buttons=True, max_buttons=12, polls=False, max_text=4000)

PAGE_STRINGS = (
    N_("Học vụ số"),
    N_("Type your answer…"),
    N_("Send"),
    N_("Start learning"),
    N_("Hello! I am Học vụ số. Tap “Start learning” to begin."),
    N_("The connection was lost. Your answer is kept: tap Send to try again."),
)


class WebChat:
    """The web chat channel, bound to one conversation service."""

    def __init__(self, service: ConversationService) -> None:
        self.service = service
        self.page_template = (STATIC_DIR / "chat.html").read_text(encoding="utf-8")

    def add_routes(self, app: web.Application) -> None:
        """Register the page, its assets and the JSON API."""
        app.router.add_get("/", self.page)
        app.router.add_get("/chat", self.page)
        app.router.add_get("/chat/", self.page)
        app.router.add_get("/chat/api/session", self.session)
        app.router.add_post("/chat/api/send", self.send)
        app.router.add_static("/chat/static/", STATIC_DIR)
        app.router.add_static(
            "/chat/media/", self.service.catalog.lessons_dir, follow_symlinks=False
        )

    def _locale(self, request: web.Request) -> str:
        header = request.headers.get("Accept-Language", "")
        first = header.split(",", 1)[0].strip()
        return translator(first or None, self.service.default_locale).locale

    async def page(self, request: web.Request) -> web.Response:
        """The chat page, its interface strings translated for the browser's language."""
        t = translator(self._locale(request), self.service.default_locale)
        strings = {source: t.gettext(source) for source in PAGE_STRINGS}
        html = self.page_template.replace("__LANG__", t.locale).replace(
            "__STRINGS__", json.dumps(strings, ensure_ascii=False).replace("</", "<\\/")
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def session(self, request: web.Request) -> web.Response:
        """Whether this browser already has a learner (to resume instead of greeting)."""
        return web.json_response({"returning": bool(request.cookies.get(COOKIE))})

    async def send(self, request: web.Request) -> web.Response:
        """Take one text or choice, answer with the replies."""
        locale = self._locale(request)
        t = translator(locale, self.service.default_locale)
        token = request.cookies.get(COOKIE)
        if not token or len(token) > 64:
            token = secrets.token_urlsafe(24)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._error(413, t.gettext("Your message is too long for me to read."), token)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            body = None
        message = self._inbound(body, token, locale) if isinstance(body, dict) else None
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
            return self._reply(503, self.service.unavailable_replies(locale), token)
        except Exception:
            # A bug must not show a stack trace to a learner; nothing of the message was stored.
            log.exception("web chat message failed")
            return self._reply(500, self.service.unavailable_replies(locale), token)
        return self._reply(200, handled.replies, token)

    @staticmethod
    def _inbound(body: dict[str, Any], token: str, locale: str) -> InboundMessage | None:
        message_id = body.get("id")
        if message_id is not None and (not isinstance(message_id, str) or len(message_id) > 64):
            return None
        common: dict[str, Any] = {
            "channel": CHANNEL,
            "user_ref": token,
            "received_at": utc_now(),
            "message_id": message_id,
            "locale": locale,
        }
        choice, text = body.get("choice"), body.get("text")
        if isinstance(choice, str) and choice and len(choice) <= 64:
            return InboundMessage(kind=InputKind.CHOICE, choice_id=choice, **common)
        if isinstance(text, str):
            return InboundMessage(kind=InputKind.TEXT, text=text, **common)
        return None

    def _reply(self, status: int, replies: tuple[Reply, ...], token: str) -> web.Response:
        payload = {"replies": [self._render(reply) for reply in replies]}
        response = web.json_response(payload, status=status, dumps=_dumps)
        self._set_cookie(response, token)
        return response

    def _error(
        self, status: int, text: str, token: str, detail: str | None = None
    ) -> web.Response:
        payload: dict[str, Any] = {
            "replies": [Reply(text).to_json()],
            "error": detail or text,
        }
        response = web.json_response(payload, status=status, dumps=_dumps)
        self._set_cookie(response, token)
        return response

    @staticmethod
    def _render(reply: Reply) -> dict[str, object]:
        data = reply.to_json()
        if reply.image:
            data["image"] = "/chat/media/" + reply.image
        return data

    @staticmethod
    def _set_cookie(response: web.Response, token: str) -> None:
        response.set_cookie(
            COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax", path="/"
        )


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
