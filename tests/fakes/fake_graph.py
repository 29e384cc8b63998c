"""A fake Meta Graph API on 127.0.0.1 (aiohttp): the Send API, the Attachment Upload API, the
Messenger Profile API and `GET /me`, for one Page. It is also the *sender* of webhooks, signed
with the app secret as Meta signs them.

Every request is checked against Meta's documented rules (the version in the path, the Page
token, `messaging_type`, the payload limits: 2,000 characters of text, 13 quick replies with
titles of 20 characters, 1-3 buttons under at most 640 characters, payloads of 1,000); anything
else is recorded in `problems` and the test fixture fails on it.

Modelled: the 24-hour standard messaging window per person (error 10 / 2018278 outside it),
people who blocked the Page (551), scripted failures (`fail_next`), sends held until released
(`hold`), reusable uploads, and the profile the Page has.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.fake_zalo import Clock

PAGE_ID = "108259845211463"
PAGE_USERNAME = "hocvusoxaphu"
PAGE_TOKEN = "EAAGm0PX4ZCpsBAFakePageToken0123456789abcdefZDZD"
APP_SECRET = "8b4c6f1e2d3a49c7b5e0f1a2c3d4e5f6"
VERIFY_TOKEN = "hocvuso-verify-7f3a"
VERSION = "v25.0"
WINDOW = timedelta(hours=24)
MESSAGING_TYPES = ("RESPONSE", "UPDATE")  # MESSAGE_TAG is never right for this bot


@dataclass
class SentMessage:
    """A message the Page sent, as the person sees it."""

    psid: str
    messaging_type: str
    text: str = ""
    quick_replies: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)
    image: str | None = None  # the attachment id or URL


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    """The `X-Hub-Signature-256` header Meta sends with `raw`."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


class FakeGraph:
    """The fake Graph API; `url` is its base (MESSENGER_GRAPH_API_BASE_URL)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.problems: list[str] = []
        self.sent: list[SentMessage] = []
        self.calls: list[str] = []  # "POST me/messages", ...
        self.profile: dict[str, Any] = {}
        self.profile_posts: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}
        self.last_action: dict[str, Any] = {}  # psid -> when they last wrote (the window)
        self.blocked: set[str] = set()
        self.refused: list[dict[str, Any]] = []  # send bodies answered with an error
        self._failures: deque[tuple[int, int | None, int]] = deque()
        self._hold: asyncio.Event | None = None
        self.held = 0
        self._dropping = False
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self.url = ""
        self._runner: web.AppRunner | None = None

    # -- the server ------------------------------------------------------------------------------

    async def start(self) -> FakeGraph:
        app = web.Application()
        app.router.add_post("/{version}/me/messages", self._send)
        app.router.add_post("/{version}/me/message_attachments", self._upload)
        app.router.add_get("/{version}/me/messenger_profile", self._get_profile)
        app.router.add_post("/{version}/me/messenger_profile", self._set_profile)
        app.router.add_get("/{version}/me", self._me)
        app.router.add_route("*", "/{tail:.*}", self._unexpected)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        self.release()
        if self._runner is not None:
            await self._runner.cleanup()

    def problem(self, text: str) -> None:
        self.problems.append(text)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], seconds: float = 10.0) -> None:
        """Wait until `predicate()` holds (checked after every request)."""

        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(until(), seconds)

    async def _unexpected(self, request: web.Request) -> web.Response:
        self.problem(f"unexpected request {request.method} {request.path}")
        return _error(400, 100, None, "Unsupported request")

    def _check_call(self, request: web.Request, what: str) -> web.Response | None:
        """The version and the token; an error answer when they are wrong."""
        self.calls.append(what)
        if request.match_info["version"] != VERSION:
            self.problem(f"{what}: version {request.match_info['version']}, not {VERSION}")
            return _error(400, 2635, None, "unknown API version")
        token = request.query.get("access_token")
        if token != PAGE_TOKEN:
            self.problem(f"{what}: access_token {token!r} is not the Page token")
            return _error(400, 190, None, "Invalid OAuth access token.")
        return None

    # -- scripting -------------------------------------------------------------------------------

    def interacted(self, psid: str) -> None:
        """The person wrote to the Page now: the 24-hour window opens."""
        self.last_action[psid] = self.clock.now()

    def fail_next(
        self, count: int, code: int, subcode: int | None = None, status: int = 400
    ) -> None:
        """The next `count` sends are answered with this Graph API error."""
        self._failures.extend([(code, subcode, status)] * count)

    def hold(self) -> None:
        """Sends wait (unanswered) until `release`."""
        self._hold = asyncio.Event()

    def release(self, *, drop: bool = False) -> None:
        """Answer the held sends; with `drop`, as if they never reached Meta (the sender died
        mid-request): refused, nothing delivered."""
        self._dropping = drop
        if self._hold is not None:
            self._hold.set()
            self._hold = None

    def messages_to(self, psid: str) -> list[SentMessage]:
        return [message for message in self.sent if message.psid == psid]

    # -- the Send API ----------------------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.Response:
        wrong = self._check_call(request, "POST me/messages")
        if wrong is not None:
            return wrong
        try:
            body = await request.json()
        except ValueError:
            self.problem("me/messages: body is not JSON")
            return _error(400, 100, None, "invalid JSON")
        message = self._check_send(body)
        if message is None:
            return _error(400, 100, None, "Invalid parameter")
        hold = self._hold
        if hold is not None:
            self.held += 1
            await self._notify()
            await hold.wait()
            if self._dropping:
                return _error(500, 2, None, "dropped: the sender went away")
        if self._failures:
            code, subcode, status = self._failures.popleft()
            self.refused.append(body)
            await self._notify()
            return _error(status, code, subcode, "scripted failure")
        if message.psid in self.blocked:
            self.refused.append(body)
            return _error(400, 551, 1545041, "This person isn't available right now.")
        last = self.last_action.get(message.psid)
        if last is None or self.clock.now() - last > WINDOW:
            self.refused.append(body)
            return _error(
                400,
                10,
                2018278,
                "(#10) This message is sent outside of allowed window.",
            )
        self.sent.append(message)
        await self._notify()
        return web.json_response(
            {"recipient_id": message.psid, "message_id": f"m_{next(self._ids)}"}
        )

    def _check_send(self, body: Any) -> SentMessage | None:
        if not isinstance(body, dict):
            self.problem("me/messages: body is not an object")
            return None
        unknown = set(body) - {"recipient", "messaging_type", "message", "tag"}
        if unknown:
            self.problem(f"me/messages: unknown fields {sorted(unknown)}")
        psid = (
            body.get("recipient", {}).get("id")
            if isinstance(body.get("recipient"), dict)
            else None
        )
        if not isinstance(psid, str) or not psid.isdigit():
            self.problem(f"me/messages: recipient {body.get('recipient')!r} is not a PSID")
            return None
        kind = body.get("messaging_type")
        if kind not in MESSAGING_TYPES or "tag" in body:
            self.problem(f"me/messages: messaging_type {kind!r} / tag {body.get('tag')!r}")
            return None
        message = body.get("message")
        if not isinstance(message, dict):
            self.problem("me/messages: no message object")
            return None
        sent = SentMessage(psid, kind)
        text = message.get("text")
        attachment = message.get("attachment")
        if (text is None) == (attachment is None):
            self.problem(f"me/messages: exactly one of text and attachment: {message}")
            return None
        if text is not None:
            if not isinstance(text, str) or not text.strip() or len(text) > 2000:
                self.problem(f"me/messages: text of {len(str(text))} characters")
                return None
            sent.text = text
        else:
            if not self._check_attachment(attachment, sent):
                return None
        quick = message.get("quick_replies")
        if quick is not None:
            if not isinstance(quick, list) or not 1 <= len(quick) <= 13:
                self.problem(
                    f"me/messages: {len(quick) if isinstance(quick, list) else '?'} quick replies"
                )
                return None
            for item in quick:
                if (
                    not self._check_title(item, "quick reply")
                    or item.get("content_type") != "text"
                ):
                    return None
                sent.quick_replies.append((item["title"], item["payload"]))
        extra = set(message) - {"text", "attachment", "quick_replies"}
        if extra:
            self.problem(f"me/messages: unknown message fields {sorted(extra)}")
            return None
        return sent

    def _check_title(self, item: Any, what: str) -> bool:
        if not isinstance(item, dict):
            self.problem(f"{what} is not an object")
            return False
        title, payload = item.get("title"), item.get("payload")
        if not isinstance(title, str) or not 0 < len(title) <= 20:
            self.problem(f"{what} title {title!r} is not 1-20 characters")
            return False
        if not isinstance(payload, str) or not 0 < len(payload) <= 1000:
            self.problem(f"{what} payload {payload!r} is not 1-1,000 characters")
            return False
        return True

    def _check_attachment(self, attachment: Any, sent: SentMessage) -> bool:
        kind = attachment.get("type") if isinstance(attachment, dict) else None
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if kind == "image" and isinstance(payload, dict):
            known = payload.get("attachment_id")
            if known is not None:
                if known not in self.uploads:
                    self.problem(f"image attachment {known!r} was never uploaded")
                    return False
                sent.image = known
                return True
            url = payload.get("url")
            if isinstance(url, str) and url.startswith("https://"):
                sent.image = url
                return True
            self.problem(f"image attachment without id or https url: {payload}")
            return False
        if kind == "template" and isinstance(payload, dict):
            text, buttons = payload.get("text"), payload.get("buttons")
            if payload.get("template_type") != "button":
                self.problem(f"template {payload.get('template_type')!r} is not a button template")
                return False
            if not isinstance(text, str) or not 0 < len(text) <= 640:
                self.problem(f"button template text of {len(str(text))} characters")
                return False
            if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
                self.problem(f"button template with {buttons!r}")
                return False
            for button in buttons:
                if not self._check_title(button, "button") or button.get("type") != "postback":
                    return False
                sent.buttons.append((button["title"], button["payload"]))
            sent.text = text
            return True
        self.problem(f"unsupported attachment {attachment!r}")
        return False

    async def _upload(self, request: web.Request) -> web.Response:
        wrong = self._check_call(request, "POST me/message_attachments")
        if wrong is not None:
            return wrong
        form = await request.post()
        message, filedata = form.get("message"), form.get("filedata")
        try:
            described = json.loads(str(message))
        except ValueError:
            described = None
        if described != {"attachment": {"type": "image", "payload": {"is_reusable": True}}}:
            self.problem(f"message_attachments: message {message!r}")
        content = filedata.file.read() if hasattr(filedata, "file") else b""
        if not content.startswith(b"\x89PNG"):
            self.problem("message_attachments: filedata is not a PNG")
            return _error(400, 100, None, "Invalid file")
        attachment = f"{next(self._ids) + 7000000000000000}"
        self.uploads[attachment] = content
        return web.json_response({"attachment_id": attachment})

    # -- the Page and its profile ----------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        wrong = self._check_call(request, "GET me")
        if wrong is not None:
            return wrong
        return web.json_response(
            {"id": PAGE_ID, "name": "Xã Phú học số", "username": PAGE_USERNAME}
        )

    async def _get_profile(self, request: web.Request) -> web.Response:
        wrong = self._check_call(request, "GET me/messenger_profile")
        if wrong is not None:
            return wrong
        fields = request.query.get("fields", "").split(",")
        found = {name: self.profile[name] for name in fields if name in self.profile}
        return web.json_response({"data": [found] if found else []})

    async def _set_profile(self, request: web.Request) -> web.Response:
        wrong = self._check_call(request, "POST me/messenger_profile")
        if wrong is not None:
            return wrong
        body = await request.json()
        for item in body.get("greeting", []):
            if len(item.get("text", "")) > 160:
                self.problem(f"greeting over 160 characters: {item}")
        for menu in body.get("persistent_menu", []):
            for action in menu.get("call_to_actions", []):
                if not 0 < len(action.get("title", "")) <= 30:
                    self.problem(f"persistent menu title {action.get('title')!r}")
        if "persistent_menu" in body and "get_started" not in {**self.profile, **body}:
            self.problem("a persistent menu needs the Get Started button")
        self.profile.update(body)
        self.profile_posts.append(body)
        await self._notify()
        return web.json_response({"result": "success"})

    # -- webhooks (Meta -> the bot) --------------------------------------------------------------

    async def post_webhook(
        self, url: str, body: dict[str, Any] | bytes, *, signature: str | None = "good"
    ) -> tuple[int, str]:
        """POST a webhook body as Meta does: `signature` "good" signs it with the app secret,
        None sends no header, any other string is sent as the header."""
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-Hub-Signature-256"] = sign(raw)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=raw, headers=headers) as response,
        ):
            return response.status, await response.text()


def _error(status: int, code: int, subcode: int | None, message: str) -> web.Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "AbCdEfGhIjK"
    return web.json_response({"error": error}, status=status)


__all__ = [
    "APP_SECRET",
    "PAGE_ID",
    "PAGE_TOKEN",
    "PAGE_USERNAME",
    "VERIFY_TOKEN",
    "VERSION",
    "FakeGraph",
    "SentMessage",
    "sign",
]
