"""A fake Zalo on 127.0.0.1 (aiohttp): the OA API v3, its OAuth v4 token endpoint and the Bot
Platform API, on one port. It is also the *sender* of webhooks (signed like Zalo signs them).

Every request it receives is checked against the documented shapes (paths, headers, bodies,
limits); anything unexpected is recorded in `problems` and the test fixture fails on it.

Models it implements (see docs/zalo.md for which of these are confirmed):
* access tokens last 25 h (`expires_in` is a string, "90000"); an old access token keeps
  working until it expires even after a refresh;
* refresh tokens are single-use. `refresh_mode="grace"`: a used refresh token is accepted once
  more as long as the pair it produced was never used (that pair is then revoked);
  `refresh_mode="strict"`: a used refresh token is refused at once;
* customer-service messages only within 7 days of the user's last interaction (-230);
* scripted failures: the next N sends answer -32 / HTTP 429 / any error code.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

APP_ID = "3608465249409039670"
OA_ID = "3886132808788086451"
OA_SECRET_KEY = "oaSecretKey_0123456789abcdef"
APP_SECRET = "appSecret_ABCDEFGHIJ0123456789"
BOT_TOKEN = "7384994410222184430:HcapvQPPTFJvrEXqZKzNvJQwkrXeYJAtUTbWIXoJzYqVzHNw"
ACCESS_LIFETIME = timedelta(seconds=90000)
WINDOW = timedelta(days=7)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Clock:
    """A controllable UTC clock shared by the fake and the bot under test."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


@dataclass
class AccessToken:
    value: str
    expires_at: datetime
    used: bool = False
    revoked: bool = False


@dataclass
class RefreshToken:
    value: str
    used: bool = False
    revoked: bool = False
    successor: tuple[str, str] | None = None  # (access, refresh) it produced


@dataclass
class OAMessage:
    """A customer-service message the OA sent, as the user sees it."""

    user_id: str
    text: str
    buttons: list[tuple[str, str]]  # (title, payload)
    access_token: str
    at: datetime
    body: dict[str, Any] = field(repr=False)
    image: str | None = None  # an image message: the attachment id of the uploaded picture


@dataclass
class OAUpload:
    """A picture uploaded with /v2.0/oa/upload/image."""

    attachment_id: str
    filename: str
    content_type: str
    content: bytes


@dataclass
class BotMessage:
    chat_id: str
    text: str  # the caption of a photo
    at: datetime
    photo: str | None = None  # sendPhoto: the picture's URL (Zalo fetches it)


def _is_media(payload: Any) -> bool:
    """An image message's template: one uploaded image."""
    if not isinstance(payload, dict) or payload.get("template_type") != "media":
        return False
    elements = payload.get("elements")
    return (
        set(payload) == {"template_type", "elements"}
        and isinstance(elements, list)
        and len(elements) == 1
        and isinstance(elements[0], dict)
        and set(elements[0]) == {"media_type", "attachment_id"}
        and elements[0]["media_type"] == "image"
    )


class FakeZalo:
    """The fake; `await FakeZalo(clock).start()`, then point the bot's base URLs at `.url`."""

    def __init__(self, clock: Clock, *, refresh_mode: str = "grace") -> None:
        self.clock = clock
        self.refresh_mode = refresh_mode
        self.problems: list[str] = []
        self.requests: list[tuple[str, str]] = []  # (method, path)
        # OA
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        self.refresh_calls: list[str] = []
        self.oa_messages: list[OAMessage] = []
        self.oa_attempts = 0
        self.oa_failures: deque[tuple[int, int]] = deque()  # (error code, HTTP status)
        self.oa_gate: asyncio.Event | None = None  # when set: sends wait until it is set
        self.last_interaction: dict[str, datetime] = {}
        self.uploads: list[OAUpload] = []
        # Bot
        self.bot_updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.bot_messages: list[BotMessage] = []
        self.bot_attempts = 0
        self.bot_failures: deque[tuple[int, str]] = deque()
        self.bot_send_down = False  # sendMessage answers 502 (a gateway in trouble) until reset
        self.bot_webhook: dict[str, str] | None = None
        self.bot_calls: list[str] = []
        self.max_poll_wait = 0.2
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- server --------------------------------------------------------------------------------

    async def start(self) -> FakeZalo:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._cs_message)
        app.router.add_post("/v2.0/oa/upload/image", self._upload_image)
        app.router.add_post("/v4/oa/access_token", self._access_token)
        app.router.add_post("/bot{token}/{method}", self._bot_method)
        app.router.add_route("*", "/{tail:.*}", self._unexpected)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def problem(self, text: str) -> None:
        self.problems.append(text)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], seconds: float = 10.0) -> None:
        """Wait until `predicate()` holds (re-checked whenever the fake records something)."""

        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(until(), seconds)

    async def _unexpected(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        self.problem(f"unexpected request {request.method} {request.path}")
        return web.json_response({"error": 404, "message": "not found"}, status=404)

    # -- OAuth -----------------------------------------------------------------------------------

    def consent(self) -> str:
        """An OA administrator authorises the app: a fresh refresh token (no access token)."""
        token = RefreshToken("rt-" + secrets.token_urlsafe(24))
        self.refresh[token.value] = token
        return token.value

    def _issue(self) -> tuple[str, str]:
        access = AccessToken("at-" + secrets.token_urlsafe(24), self.clock.now() + ACCESS_LIFETIME)
        refresh = RefreshToken("rt-" + secrets.token_urlsafe(24))
        self.access[access.value] = access
        self.refresh[refresh.value] = refresh
        return access.value, refresh.value

    def _revoke(self, pair: tuple[str, str]) -> None:
        self.access[pair[0]].revoked = True
        self.refresh[pair[1]].revoked = True

    async def _access_token(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        if request.headers.get("secret_key") != APP_SECRET:
            self.problem("token endpoint: wrong or missing secret_key header")
        if request.content_type != "application/x-www-form-urlencoded":
            self.problem(f"token endpoint: content type {request.content_type}")
        form = await request.post()
        expected = {"app_id", "grant_type", "refresh_token"}
        if set(form) != expected:
            self.problem(f"token endpoint: fields {sorted(form)}")
        if form.get("app_id") != APP_ID or form.get("grant_type") != "refresh_token":
            self.problem(f"token endpoint: app_id/grant_type {dict(form)}")
        value = str(form.get("refresh_token", ""))
        self.refresh_calls.append(value)
        token = self.refresh.get(value)
        refused = {
            "error": -14014,
            "error_name": "Invalid refresh token",
            "error_reason": "refresh token is invalid or was used",
            "error_description": "Invalid refresh token",
        }
        if token is None or token.revoked:
            return web.json_response(refused)
        if token.used:
            pair = token.successor
            unused = (
                pair is not None
                and not self.access[pair[0]].used
                and not (self.refresh[pair[1]].used)
            )
            if self.refresh_mode != "grace" or not unused:
                return web.json_response(refused)
            assert pair is not None
            self._revoke(pair)
        token.used = True
        access, refresh = self._issue()
        token.successor = (access, refresh)
        await self._notify()
        return web.json_response(
            {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": str(int(ACCESS_LIFETIME.total_seconds())),
            }
        )

    def valid_access_tokens(self) -> list[str]:
        now = self.clock.now()
        return [t.value for t in self.access.values() if not t.revoked and t.expires_at > now]

    # -- OA messages -----------------------------------------------------------------------------

    def interacted(self, user_id: str) -> None:
        """The user wrote to the OA, followed it or tapped a button (opens the 7-day window)."""
        self.last_interaction[user_id] = self.clock.now()

    def fail_next_sends(self, code: int, times: int = 1, http_status: int = 200) -> None:
        """The next `times` customer-service sends fail with `code` (or HTTP `http_status`)."""
        self.oa_failures.extend([(code, http_status)] * times)

    def messages_to(self, user_id: str) -> list[OAMessage]:
        return [m for m in self.oa_messages if m.user_id == user_id]

    def _check_cs_body(self, body: Any) -> str | None:
        if not isinstance(body, dict) or set(body) != {"recipient", "message"}:
            return f"cs body keys {sorted(body) if isinstance(body, dict) else body!r}"
        recipient, message = body["recipient"], body["message"]
        if not isinstance(recipient, dict) or set(recipient) != {"user_id"}:
            return f"recipient {recipient!r}"
        if not isinstance(recipient["user_id"], str) or not recipient["user_id"].isdigit():
            return f"user_id must be a digit string: {recipient['user_id']!r}"
        if not isinstance(message, dict) or not set(message) <= {"text", "attachment"}:
            return f"message keys {message!r}"
        text = message.get("text")
        attachment = message.get("attachment")
        media = isinstance(attachment, dict) and _is_media(attachment.get("payload"))
        if not (media and text is None) and (
            not isinstance(text, str) or not text.strip() or utf16_len(text) > 2000
        ):
            return f"text missing, empty or over 2000: {str(text)[:80]!r} ({len(str(text))})"
        if attachment is None:
            return None
        if attachment.get("type") != "template" or set(attachment) != {"type", "payload"}:
            return f"attachment {attachment!r}"
        if media:
            [element] = attachment["payload"]["elements"]
            known = {upload.attachment_id for upload in self.uploads}
            if element["attachment_id"] not in known:
                return f"unknown attachment_id {element['attachment_id']!r}"
            return None
        buttons = attachment["payload"].get("buttons")
        if set(attachment["payload"]) != {"buttons"} or not isinstance(buttons, list):
            return f"template payload {attachment['payload']!r}"
        if not 1 <= len(buttons) <= 5:
            return f"{len(buttons)} buttons"
        for button in buttons:
            if set(button) != {"title", "type", "payload"} or button["type"] != "oa.query.hide":
                return f"button {button!r}"
            if not isinstance(button["title"], str) or not 1 <= len(button["title"]) <= 100:
                return f"button title {button['title']!r}"
            if not isinstance(button["payload"], str) or not 1 <= len(button["payload"]) <= 1000:
                return f"button payload {button['payload']!r}"
        return None

    async def _cs_message(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        self.oa_attempts += 1
        if "Authorization" in request.headers:
            self.problem("cs message: sent an Authorization header (Zalo uses access_token)")
        if request.content_type != "application/json":
            self.problem(f"cs message: content type {request.content_type}")
        try:
            body = json.loads(await request.read())
        except ValueError:
            self.problem("cs message: body is not JSON")
            return web.json_response({"error": -201, "message": "Invalid parameter"})
        wrong = self._check_cs_body(body)
        if wrong:
            self.problem(f"cs message: {wrong}")
            return web.json_response({"error": -201, "message": f"Invalid parameter: {wrong}"})
        if self.oa_gate is not None:
            await self._notify()
            await self.oa_gate.wait()
        token = self.access.get(request.headers.get("access_token", ""))
        now = self.clock.now()
        if token is None or token.revoked:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if token.expires_at <= now:
            return web.json_response({"error": -220, "message": "Access token has expired"})
        token.used = True
        if self.oa_failures:
            code, status = self.oa_failures.popleft()
            if status != 200:
                return web.Response(status=status, text="Too Many Requests")
            await self._notify()
            return web.json_response({"error": code, "message": f"scripted error {code}"})
        user = body["recipient"]["user_id"]
        last = self.last_interaction.get(user)
        if last is None or now - last > WINDOW:
            await self._notify()
            return web.json_response(
                {"error": -230, "message": "User has not interacted with the OA in 7 days"}
            )
        message = body["message"]
        payload = message.get("attachment", {}).get("payload", {})
        buttons = [(b["title"], b["payload"]) for b in payload.get("buttons", [])]
        image = payload["elements"][0]["attachment_id"] if _is_media(payload) else None
        self.oa_messages.append(
            OAMessage(user, message.get("text", ""), buttons, token.value, now, body, image)
        )
        await self._notify()
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {"message_id": f"{next(self._ids):x}ab", "user_id": user},
            }
        )

    async def _upload_image(self, request: web.Request) -> web.Response:
        """`POST /v2.0/oa/upload/image`: multipart `file`, jpg/png up to 1 MB."""
        self.requests.append((request.method, request.path))
        token = self.access.get(request.headers.get("access_token", ""))
        if token is None or token.revoked or token.expires_at <= self.clock.now():
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if request.content_type != "multipart/form-data":
            self.problem(f"upload image: content type {request.content_type}")
            return web.json_response({"error": -201, "message": "Invalid parameter"})
        form = await request.post()
        upload = form.get("file")
        if set(form) != {"file"} or not isinstance(upload, web.FileField):
            self.problem(f"upload image: form fields {sorted(form)}")
            return web.json_response({"error": -201, "message": "Invalid parameter"})
        content = upload.file.read()
        if upload.content_type not in ("image/png", "image/jpeg") or len(content) > 1_000_000:
            self.problem(f"upload image: {upload.content_type}, {len(content)} bytes")
            return web.json_response({"error": -201, "message": "Invalid image"})
        attachment_id = f"att{next(self._ids):x}"
        self.uploads.append(OAUpload(attachment_id, upload.filename, upload.content_type, content))
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"attachment_id": attachment_id}}
        )

    # -- OA webhooks (the fake as the sender) ----------------------------------------------------

    @staticmethod
    def sign(raw: bytes, timestamp: str, secret: str = OA_SECRET_KEY, app_id: str = APP_ID) -> str:
        return (
            "mac="
            + hashlib.sha256(
                app_id.encode() + raw + timestamp.encode() + secret.encode()
            ).hexdigest()
        )

    async def post_oa_event(
        self,
        url: str,
        event: dict[str, Any],
        *,
        secret: str = OA_SECRET_KEY,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, float]:
        """Deliver an event like Zalo does. Returns (HTTP status, seconds to answer)."""
        raw = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        sent_headers = {"Content-Type": "application/json"}
        if signature is None:
            signature = self.sign(raw, str(event.get("timestamp", "")), secret)
        if signature:
            sent_headers["X-ZEvent-Signature"] = signature
        sent_headers.update(headers or {})
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data=raw, headers=sent_headers) as response,
        ):
            await response.read()
            return response.status, loop.time() - started

    # -- Bot Platform ----------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        self.bot_updates.put_nowait(update)

    def fail_next_bot_calls(self, code: int, times: int = 1, description: str = "") -> None:
        self.bot_failures.extend([(code, description or f"scripted {code}")] * times)

    def bot_messages_to(self, chat_id: str) -> list[BotMessage]:
        return [m for m in self.bot_messages if m.chat_id == chat_id]

    async def deliver_bot_update(
        self, url: str, update: dict[str, Any], *, secret: str | None = None
    ) -> int:
        """POST an update to the bot's webhook with the secret it registered."""
        registered = self.bot_webhook["secret_token"] if self.bot_webhook else ""
        headers = {"Content-Type": "application/json"}
        token = registered if secret is None else secret
        if token:
            headers["X-Bot-Api-Secret-Token"] = token
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data=json.dumps(update).encode(), headers=headers) as resp,
        ):
            await resp.read()
            return resp.status

    @staticmethod
    def _envelope_error(code: int, description: str) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": code, "description": description}, status=code
        )

    async def _bot_method(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, "/bot<token>/" + request.match_info["method"]))
        method = request.match_info["method"]
        self.bot_calls.append(method)
        await self._notify()
        if request.match_info["token"] != BOT_TOKEN:
            return self._envelope_error(401, "Unauthorized")
        if request.content_type != "application/json":
            self.problem(f"bot {method}: content type {request.content_type}")
        try:
            body = json.loads(await request.read())
        except ValueError:
            self.problem(f"bot {method}: body is not JSON")
            return self._envelope_error(400, "Bad Request")
        if not isinstance(body, dict):
            self.problem(f"bot {method}: body is not an object")
            return self._envelope_error(400, "Bad Request")
        handlers = {
            "getMe": self._bot_get_me,
            "getUpdates": self._bot_get_updates,
            "setWebhook": self._bot_set_webhook,
            "deleteWebhook": self._bot_delete_webhook,
            "sendMessage": self._bot_send_message,
            "sendPhoto": self._bot_send_photo,
        }
        handler = handlers.get(method)
        if handler is None:
            self.problem(f"bot: unexpected method {method}")
            return self._envelope_error(404, "Not Found")
        return await handler(body)

    async def _bot_get_me(self, body: dict[str, Any]) -> web.Response:
        if body:
            self.problem(f"getMe body {body}")
        result = {"id": "7384994410", "account_name": "Bot Hoc Vu So", "account_type": "BASIC"}
        return web.json_response({"ok": True, "result": result})

    async def _bot_get_updates(self, body: dict[str, Any]) -> web.Response:
        if set(body) - {"timeout"} or not isinstance(body.get("timeout", 0), int):
            self.problem(f"getUpdates body {body}")
        if self.bot_webhook is not None:
            self.problem("getUpdates called while a webhook is set")
        wait = min(float(body.get("timeout", 0)), self.max_poll_wait)
        try:
            update = await asyncio.wait_for(self.bot_updates.get(), wait)
        except TimeoutError:
            return self._envelope_error(408, "Request timeout")
        await self._notify()
        return web.json_response({"ok": True, "result": update})

    async def _bot_set_webhook(self, body: dict[str, Any]) -> web.Response:
        url, secret = body.get("url"), body.get("secret_token")
        if set(body) != {"url", "secret_token"}:
            self.problem(f"setWebhook body keys {sorted(body)}")
        if not isinstance(url, str) or not url.startswith("https://"):
            self.problem(f"setWebhook url must be public HTTPS: {url!r}")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            self.problem("setWebhook secret_token must have 8-256 characters")
        self.bot_webhook = {"url": str(url), "secret_token": str(secret)}
        await self._notify()
        return web.json_response({"ok": True, "result": {"url": url, "updated_at": 1750316131602}})

    async def _bot_delete_webhook(self, body: dict[str, Any]) -> web.Response:
        self.bot_webhook = None
        return web.json_response({"ok": True, "result": {"url": "", "updated_at": 1750316131602}})

    async def _bot_send_message(self, body: dict[str, Any]) -> web.Response:
        self.bot_attempts += 1
        if not set(body) <= {"chat_id", "text"} or not {"chat_id", "text"} <= set(body):
            self.problem(f"sendMessage body keys {sorted(body)}")
        chat, text = body.get("chat_id"), body.get("text")
        if not isinstance(chat, str) or not chat:
            self.problem(f"sendMessage chat_id {chat!r}")
        if not isinstance(text, str) or not 1 <= utf16_len(text) <= 2000:
            self.problem(f"sendMessage text length {len(str(text))}")
        if self.bot_send_down:
            await self._notify()
            return web.Response(status=502, text="<html>502 Bad Gateway</html>")
        if self.bot_failures:
            code, description = self.bot_failures.popleft()
            await self._notify()
            return self._envelope_error(code, description)
        self.bot_messages.append(BotMessage(str(chat), str(text), self.clock.now()))
        await self._notify()
        return web.json_response(
            {"ok": True, "result": {"message_id": f"{next(self._ids):x}cd", "date": 1750316131602}}
        )

    async def _bot_send_photo(self, body: dict[str, Any]) -> web.Response:
        self.bot_attempts += 1
        if not {"chat_id", "photo"} <= set(body) <= {"chat_id", "photo", "caption"}:
            self.problem(f"sendPhoto body keys {sorted(body)}")
        chat, photo, caption = body.get("chat_id"), body.get("photo"), body.get("caption", "")
        if not isinstance(chat, str) or not chat:
            self.problem(f"sendPhoto chat_id {chat!r}")
        if not isinstance(photo, str) or not photo.startswith("https://"):
            self.problem(f"sendPhoto photo must be a public https URL: {photo!r}")
        if self.bot_failures:
            code, description = self.bot_failures.popleft()
            await self._notify()
            return self._envelope_error(code, description)
        self.bot_messages.append(BotMessage(str(chat), str(caption), self.clock.now(), str(photo)))
        await self._notify()
        return web.json_response(
            {"ok": True, "result": {"message_id": f"{next(self._ids):x}cd", "date": 1750316131602}}
        )


__all__ = [
    "APP_ID",
    "APP_SECRET",
    "BOT_TOKEN",
    "OA_ID",
    "OA_SECRET_KEY",
    "BotMessage",
    "Clock",
    "FakeZalo",
    "OAMessage",
]
