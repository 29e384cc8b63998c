"""Security headers on every route of the real `hocvuso run`, pages without inline script or
style, and the session cookie's flags behind (trusted and untrusted) proxies."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.channels.registry import build_channels
from bot.channels.webchat import WebChatChannel
from bot.content import Catalog
from bot.service import ConversationService
from bot.settings import load_settings
from bot.web import build_app
from storage import Storage
from tests.certificate.helpers import CODE, issue
from tests.conftest import BotProcess, free_port

COOKIE = "hocvuso_chat"
START = b'{"text": "/start"}'
JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[BotProcess]:
    """`hocvuso run` on SQLite with one certificate issued."""
    store = Storage.open(sqlite_url)
    try:
        await issue(store)
    finally:
        await store.close()
    process = BotProcess(sqlite_url, free_port()).start()
    yield process
    process.stop()


def first_file(directory: Path) -> str:
    return min(
        str(path.relative_to(directory))
        for path in directory.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def every_request(app: web.Application) -> Iterator[tuple[str, str]]:
    """(method, path) for each route the application has: every page, file and endpoint,
    with a real certificate code and a real file for the patterns."""
    for resource in app.router.resources():
        info = resource.get_info()
        if "directory" in info:
            path = f"{info['prefix']}/{first_file(info['directory'])}"
        elif "formatter" in info:
            path = re.sub(r"\{[^}]+\}", CODE, info["formatter"])
        else:
            path = info["path"]
        methods = {route.method for route in resource} - {"HEAD", "*"}
        for method in sorted(methods):
            yield method, path


async def test_every_route_sends_the_security_headers(
    server: BotProcess, sqlite_url: str, catalog: Catalog
) -> None:
    store = Storage.open(sqlite_url)
    settings = load_settings(_env_file=None, database_url=sqlite_url)
    service = ConversationService(store, catalog)
    app = build_app(service, build_channels(settings, service))  # the same routes, to list
    requests = [
        *every_request(app),
        ("GET", "/no/such/page"),  # the router's own 404
        ("GET", "/chat/api/send"),  # 405
        ("GET", "/verify/NOTACODE1"),  # the certificate's 404 page
        ("GET", f"/verify?code={CODE.lower()}"),  # a redirect (an HTTPException)
    ]
    await store.close()
    assert ("GET", f"/verify/{CODE}") in requests and ("POST", "/chat/api/send") in requests
    seen = set()
    async with aiohttp.ClientSession() as http:
        for method, path in requests:
            body = START if method == "POST" else None
            async with http.request(
                method, server.base_url + path, data=body, headers=JSON, allow_redirects=False
            ) as response:
                headers, content = response.headers, await response.text(errors="replace")
            where = f"{method} {path} ({response.status})"
            seen.add(response.status)
            csp = policy(headers.get("Content-Security-Policy", ""))
            assert "unsafe-eval" not in str(csp), where
            if response.content_type == "text/html":
                # Scripts and styles from this server only (the verify page: no script).
                assert csp.get("script-src", csp["default-src"]) in (["'self'"], ["'none'"])
                assert csp["style-src"] == ["'self'"], where
                assert_no_inline_code(content, where)
            else:
                assert csp["default-src"] == ["'none'"] and "script-src" not in csp, where
            assert headers.get("X-Content-Type-Options") == "nosniff", where
            assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), where
    assert {200, 303, 404, 405} <= seen


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_no_inline_code(html: str, where: str) -> None:
    """What `script-src 'self'` and `style-src 'self'` would block."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, (where, tag)
    assert "<style" not in html, where
    assert not re.search(r"\sstyle\s*=", html), where
    assert not re.search(r"\son[a-z]+\s*=", html), where
    assert "javascript:" not in html, where


async def cookie_after(base_url: str, headers: dict[str, str] | None = None) -> SimpleCookie:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{base_url}/chat/api/send", data=START, headers={**JSON, **(headers or {})}
        ) as response,
    ):
        assert response.status == 200
        [raw] = response.headers.getall("Set-Cookie")
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(raw)
    assert raw.count("HttpOnly") == 1 and "SameSite=Lax" in raw
    return cookie


def secure(cookie: SimpleCookie) -> bool:
    morsel = cookie[COOKIE]
    assert morsel["httponly"] is True and morsel["samesite"] == "Lax"
    return bool(morsel["secure"])


async def test_the_cookie_is_secure_only_over_https(server: BotProcess, sqlite_url: str) -> None:
    # Plain HTTP, no proxy trusted: whatever a client claims, no Secure flag.
    assert not secure(await cookie_after(server.base_url))
    assert not secure(await cookie_after(server.base_url, {"X-Forwarded-Proto": "https"}))

    behind = BotProcess(
        sqlite_url, free_port(), {"HOCVUSO_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}
    ).start()
    try:
        url = behind.base_url
        assert secure(await cookie_after(url, {"X-Forwarded-Proto": "https"}))
        assert secure(await cookie_after(url, {"X-Forwarded-Proto": "HTTPS"}))
        assert not secure(await cookie_after(url, {"X-Forwarded-Proto": "http"}))
        assert not secure(await cookie_after(url))
        # A proxy that appends: the client's forged "https" comes first, the proxy's last.
        assert not secure(await cookie_after(url, {"X-Forwarded-Proto": "https, http"}))
        assert secure(await cookie_after(url, {"X-Forwarded-Proto": "http, https"}))
    finally:
        behind.stop()

    public = BotProcess(
        sqlite_url, free_port(), {"HOCVUSO_PUBLIC_URL": "https://hocvuso.example.vn"}
    ).start()
    try:
        assert secure(await cookie_after(public.base_url))
    finally:
        public.stop()


async def test_a_proxy_outside_the_trusted_networks_is_not_believed(
    sqlite_storage: Storage, catalog: Catalog
) -> None:
    from ipaddress import ip_network

    service = ConversationService(sqlite_storage, catalog)
    app = build_app(service, [WebChatChannel(service)], trusted_proxies=[ip_network("10.0.0.0/8")])
    async with TestServer(app, host="127.0.0.1") as test_server:
        base_url = str(test_server.make_url("")).rstrip("/")
        assert not secure(await cookie_after(base_url, {"X-Forwarded-Proto": "https"}))
