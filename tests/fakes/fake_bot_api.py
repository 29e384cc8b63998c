"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) for tests and benchmarks.

It speaks the real wire format (`/bot<token>/<method>`, form or multipart or JSON bodies, the
`{"ok": ..., "result" | "error_code", "description", "parameters"}` envelope) so the real
python-telegram-bot `Application` can be pointed at it with `base_url`. It records every call,
answers the methods the bot uses, fails unknown methods with 404 (like PTB's OfflineRequest, no
call goes unnoticed), and can be scripted: fail the next call with 429/403, hold one chat's
sendMessage open, answer sends after a delay, queue updates for getUpdates, and deliver updates
to a registered webhook as Telegram does. `enforce_limits()` makes it refuse, as Telegram does
with 429 and `retry_after`, any send beyond 30 messages in one second or 1 per second to one chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcd"
# Parameters that are plain strings on the wire; everything else is JSON-encoded by PTB.
_STRING_PARAMS = {
    "text",
    "caption",
    "url",
    "secret_token",
    "callback_query_id",
    "language_code",
    "photo",
    "parse_mode",
}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass
class Sent:
    """A message the bot sent (sendMessage, sendPhoto or sendDocument), as the chat would show
    it. An uploaded file is in `params` as {"filename", "size", "content_type", "content"}."""

    chat_id: int
    method: str
    text: str | None
    buttons: list[tuple[str, str]]  # (label, callback_data)
    message_id: int
    at: float
    params: dict[str, Any] = field(repr=False)


@dataclass
class Failure:
    method: str
    chat_id: int | None
    status: int
    description: str
    retry_after: int | None
    times: int


@dataclass(eq=False)
class QueuedUpdate:
    update: dict[str, Any]
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class FakeBotApi:
    """The fake server. `await FakeBotApi().start()`, then point the bot at `base_url`."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        username: str = "hocvuso_test_bot",
        send_delay: float = 0.0,
        record: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.username = username
        self.send_delay = send_delay
        self.record = record
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.arrivals: list[Call] = []  # sendMessage/sendPhoto as they arrive (before holding)
        self.unknown: list[str] = []
        self.failures: list[Failure] = []
        self.served_failures: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self.sent_count = 0
        self._holds: dict[int, asyncio.Event] = {}
        self._queue: list[QueuedUpdate] = []
        self._news = asyncio.Event()
        self._ids = itertools.count(1000)
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._closing = asyncio.Event()
        self.port = 0
        self.limits: tuple[int, float] | None = None  # (messages per second, seconds per chat)
        self.rate_limited: list[Call] = []  # sends refused with 429 by `enforce_limits`
        self._accepted: list[float] = []  # when recent sends were accepted (limits on)
        self._last_to_chat: dict[int, float] = {}

    # -- server ---------------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._http = aiohttp.ClientSession()
        return self

    async def close(self) -> None:
        self._closing.set()
        self._news.set()
        for gate in self._holds.values():
            gate.set()
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL / PTB's base_url should be."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- scripting --------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int,
        description: str,
        chat_id: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with an error."""
        self.failures.append(Failure(method, chat_id, status, description, retry_after, times))

    def enforce_limits(self, per_second: int = 30, per_chat: float = 1.0) -> None:
        """Refuse sends beyond `per_second` in any one second, or closer than `per_chat`
        seconds to one chat, with 429 and retry_after=1 (Telegram's flood control)."""
        self.limits = (per_second, per_chat)

    def _over_limit(self, chat_id: int, now: float) -> bool:
        assert self.limits is not None
        per_second, per_chat = self.limits
        self._accepted = [at for at in self._accepted if now - at < 1.0]
        last = self._last_to_chat.get(chat_id)
        if len(self._accepted) >= per_second or (last is not None and now - last < per_chat):
            return True
        self._accepted.append(now)
        self._last_to_chat[chat_id] = now
        return False

    def hold(self, chat_id: int) -> asyncio.Event:
        """Keep sendMessage/sendPhoto to `chat_id` unanswered until the returned event is set."""
        gate = self._holds[chat_id] = asyncio.Event()
        return gate

    def push(self, *updates: dict[str, Any]) -> list[QueuedUpdate]:
        """Queue updates for getUpdates (even an already confirmed update_id: a redelivery)."""
        entries = [QueuedUpdate(update) for update in updates]
        self._queue.extend(entries)
        self._news.set()
        return entries

    def confirmed(self, entry: QueuedUpdate) -> bool:
        """The bot asked for an offset past this update after receiving it."""
        return entry not in self._queue

    async def deliver(
        self, update: dict[str, Any], *, secret: str | None = None, raw: bytes | None = None
    ) -> int:
        """POST an update to the registered webhook as Telegram does; the HTTP status."""
        assert self.webhook is not None, "the bot has not called setWebhook"
        assert self._http is not None
        headers = {"Content-Type": "application/json"}
        token = self.webhook.get("secret_token") if secret is None else secret
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        body = raw if raw is not None else json.dumps(update, ensure_ascii=False).encode()
        async with self._http.post(self.webhook["url"], data=body, headers=headers) as response:
            await response.read()
            return response.status

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until `predicate()` holds (polled every few milliseconds)."""
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            await asyncio.sleep(0.005)

    # -- reading ----------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent_to(self, chat_id: int) -> list[Sent]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def texts_to(self, chat_id: int) -> list[str]:
        return [message.text or "" for message in self.sent_to(chat_id)]

    # -- the API ----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        if self.record:
            self.calls.append(call)
        failure = self._failure(method, params)
        if failure is not None:
            self.served_failures.append(call)
            return _error(failure.status, failure.description, failure.retry_after)
        if (
            self.limits is not None
            and method in ("sendMessage", "sendPhoto", "sendDocument")
            and self._over_limit(int(params["chat_id"]), call.at)
        ):
            self.rate_limited.append(call)
            return _error(429, "Too Many Requests: retry after 1", 1)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            self.unknown.append(method)
            return _error(404, "Not Found: method not found")
        result = await handler(params)
        return web.json_response({"ok": True, "result": result})

    def _failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        for failure in self.failures:
            if failure.method != method or failure.times <= 0:
                continue
            if failure.chat_id is not None and params.get("chat_id") != failure.chat_id:
                continue
            failure.times -= 1
            return failure
        return None

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Học vụ số",
            "username": self.username,
        }

    async def _api_getMe(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_setMyCommands(self, _params: dict[str, Any]) -> bool:
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _api_deleteWebhook(self, _params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_answerCallbackQuery(self, _params: dict[str, Any]) -> bool:
        return True

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if offset is not None:
            self._queue = [q for q in self._queue if not (q.delivered and q.update_id < offset)]
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while not self._queue and not self._closing.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._news.clear()
            try:
                await asyncio.wait_for(self._news.wait(), left)
            except TimeoutError:
                break
        batch = self._queue[: int(params.get("limit") or 100)]
        for entry in batch:
            entry.delivered = True
        return [entry.update for entry in batch]

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send("sendMessage", params)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send("sendPhoto", params)

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send("sendDocument", params)

    async def _send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        arrived = time.monotonic()
        if self.record:
            self.arrivals.append(Call(method, params, arrived))
        gate = self._holds.get(chat_id)
        if gate is not None:
            await gate.wait()
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        message_id = next(self._ids)
        markup = params.get("reply_markup") or {}
        buttons = [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]
        text = params.get("text") if method == "sendMessage" else params.get("caption")
        self.sent_count += 1
        if self.record:
            self.sent.append(
                Sent(chat_id, method, text, buttons, message_id, time.monotonic(), params)
            )
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self._bot_user(),
            "chat": {"id": chat_id, "type": "private", "first_name": "Learner"},
            "date": int(time.time()),
        }
        if method == "sendMessage":
            message["text"] = text
            if markup:
                message["reply_markup"] = markup
        elif method == "sendDocument":
            upload = params.get("document")
            message["document"] = {
                "file_id": f"document-file-{message_id}",
                "file_unique_id": f"d{message_id}",
                "file_name": upload.get("filename") if isinstance(upload, dict) else None,
                "mime_type": upload.get("content_type") if isinstance(upload, dict) else None,
            }
        else:
            message["photo"] = [
                {
                    "file_id": f"photo-file-{message_id}",
                    "file_unique_id": f"u{message_id}",
                    "width": 320,
                    "height": 240,
                }
            ]
        return message


async def _params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    if request.content_type == "application/json":
        body = await request.json()
        raw = {key: value for key, value in body.items()} if isinstance(body, dict) else {}
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                raw[key] = {
                    "filename": value.filename,
                    "size": len(content),
                    "content_type": value.content_type,
                    "content": content,
                }
            else:
                raw[key] = value
    raw.update(request.query)
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _STRING_PARAMS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
