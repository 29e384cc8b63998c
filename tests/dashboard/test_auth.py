"""Signing in: a link's GET spends nothing (chat previews fetch links), the POST trades it for
a session once, used and expired links get a friendly page; pages need a session; forms need
the session's token; signing out revokes the session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.state import OfficialKind
from bot.dashboard.auth import COOKIE, form_token
from storage import SecretKind, Storage
from tests.dashboard.world import NOW, FakeSummaries, build, official, secret

ORIGIN = {"Origin": "http://127.0.0.1"}


async def client_for(aiohttp_client: Any, storage: Storage) -> Any:
    return await aiohttp_client(build(storage, FakeSummaries()))


async def test_a_link_opened_twice_with_get_is_not_spent(
    aiohttp_client: Any, storage: Storage
) -> None:
    client = await client_for(aiohttp_client, storage)
    who = await official(storage, OfficialKind.COMMUNE)
    link = await secret(storage, who, SecretKind.LOGIN)
    for path in (f"/dashboard/login/{link}", f"/dashboard/login?t={link}"):
        response = await client.get(path)
        assert response.status == 200
        text = await response.text()
        assert 'method="post"' in text and "Đăng nhập" in text and link in text
        assert COOKIE not in response.cookies
    # Still live after the previews.
    assert await storage.secrets.authenticate(link, SecretKind.LOGIN, now=NOW) is not None


async def test_the_post_signs_in_once(aiohttp_client: Any, storage: Storage) -> None:
    client = await client_for(aiohttp_client, storage)
    who = await official(storage, OfficialKind.COMMUNE)
    link = await secret(storage, who, SecretKind.LOGIN)
    response = await client.post(
        "/dashboard/login", data={"t": link}, headers=ORIGIN, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/dashboard"
    morsel = response.cookies[COOKIE]
    assert morsel["httponly"] and morsel["path"] == "/dashboard"
    assert morsel["samesite"] == "Lax"
    assert await storage.secrets.authenticate(morsel.value, SecretKind.SESSION, now=NOW) == who
    page = await client.get("/dashboard")
    assert page.status == 200
    assert "Phường Ba Đình" in await page.text()

    again = await client.post("/dashboard/login", data={"t": link}, headers=ORIGIN)
    assert again.status == 410
    text = await again.text()
    assert "/baocao" in text and "Traceback" not in text
    assert (await client.get(f"/dashboard/login/{link}")).status == 410


async def test_expired_and_unknown_links_are_refused_kindly(
    aiohttp_client: Any, storage: Storage
) -> None:
    client = await client_for(aiohttp_client, storage)
    who = await official(storage, OfficialKind.PROVINCE)
    expired = (
        await storage.secrets.issue(
            who, SecretKind.LOGIN, now=NOW - timedelta(days=2), valid_for=timedelta(days=1)
        )
    ).secret
    for link in (expired, "nonsense"):
        page = await client.get(f"/dashboard/login/{link}")
        assert page.status == 410
        assert "đường dẫn mới" in (await page.text()).lower()
        post = await client.post("/dashboard/login", data={"t": link}, headers=ORIGIN)
        assert post.status == 410


async def test_a_revoked_official_cannot_sign_in(aiohttp_client: Any, storage: Storage) -> None:
    client = await client_for(aiohttp_client, storage)
    who = await official(storage, OfficialKind.COMMUNE)
    link = await secret(storage, who, SecretKind.LOGIN)
    await storage.officials.revoke(who.public_id, now=NOW - timedelta(seconds=1))
    assert (await client.post("/dashboard/login", data={"t": link}, headers=ORIGIN)).status == 410


async def test_a_login_post_from_another_site_is_refused(
    aiohttp_client: Any, storage: Storage
) -> None:
    client = await client_for(aiohttp_client, storage)
    who = await official(storage, OfficialKind.COMMUNE)
    link = await secret(storage, who, SecretKind.LOGIN)
    response = await client.post(
        "/dashboard/login", data={"t": link}, headers={"Origin": "https://evil.example"}
    )
    assert response.status == 403
    assert await storage.secrets.authenticate(link, SecretKind.LOGIN, now=NOW) is not None


async def test_pages_without_a_session_send_to_ask_for_a_link(
    aiohttp_client: Any, sqlite_storage: Storage
) -> None:
    client = await client_for(aiohttp_client, sqlite_storage)
    for path in ("/dashboard", "/dashboard/export.csv", "/dashboard/chart.png"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"] == "/dashboard/login"
    client.session.cookie_jar.update_cookies({COOKIE: "forged"})
    assert (await client.get("/dashboard", allow_redirects=False)).status == 303
    page = await client.get("/dashboard/login")
    assert page.status == 200
    assert "/baocao" in await page.text()


async def test_logout_needs_the_form_token_and_revokes_the_session(
    aiohttp_client: Any, storage: Storage
) -> None:
    client = await client_for(aiohttp_client, storage)
    who = await official(storage, OfficialKind.ADMIN)
    session = await secret(storage, who, SecretKind.SESSION)
    client.session.cookie_jar.update_cookies({COOKIE: session})
    page = await (await client.get("/dashboard")).text()
    assert f'name="csrf" value="{form_token(session)}"' in page

    for data, headers in (
        ({}, ORIGIN),
        ({"csrf": "0" * 64}, ORIGIN),
        ({"csrf": form_token(session)}, {"Origin": "https://evil.example"}),
    ):
        refused = await client.post("/dashboard/logout", data=data, headers=headers)
        assert refused.status == 403
        assert "Traceback" not in await refused.text()
    assert await storage.secrets.authenticate(session, SecretKind.SESSION, now=NOW) == who

    out = await client.post(
        "/dashboard/logout",
        data={"csrf": form_token(session)},
        headers=ORIGIN,
        allow_redirects=False,
    )
    assert out.status == 303
    assert await storage.secrets.authenticate(session, SecretKind.SESSION, now=NOW) is None
    client.session.cookie_jar.update_cookies({COOKIE: session})
    assert (await client.get("/dashboard", allow_redirects=False)).status == 303


async def test_the_session_cookie_is_secure_behind_https(
    aiohttp_client: Any, sqlite_storage: Storage
) -> None:
    app = build(sqlite_storage, FakeSummaries(), public_url="https://hocvuso.example")
    client = await aiohttp_client(app)
    who = await official(sqlite_storage, OfficialKind.COMMUNE)
    link = await secret(sqlite_storage, who, SecretKind.LOGIN)
    response = await client.post(
        "/dashboard/login",
        data={"t": link},
        headers={"Origin": "https://hocvuso.example"},
        allow_redirects=False,
    )
    assert response.status == 303
    raw = response.headers["Set-Cookie"]
    assert "Secure" in raw and "HttpOnly" in raw and "SameSite=Lax" in raw
    assert "Path=/dashboard" in raw
