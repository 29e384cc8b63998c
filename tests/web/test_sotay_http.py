"""The public handbook page (`/sotay`), the embeddable chat's framing rules and cookie, and the
static export, over HTTP against the real application (no browser: see test_sotay_browser)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.channels.webchat import WebChatChannel
from bot.cli import main
from bot.content import Catalog
from bot.errors import ConfigurationError
from bot.i18n import translator
from bot.service import ConversationService
from bot.settings import load_settings
from bot.sotay import export_html, sections
from bot.web import build_app
from storage import Storage
from tests.web.test_security_headers import assert_no_inline_code, policy

PORTAL = "https://congthongtin.tinh.example.vn"


async def serve(
    storage: Storage,
    catalog: Catalog,
    *,
    origins: Sequence[str] = (),
    public_url: str | None = None,
) -> TestServer:
    service = ConversationService(storage, catalog)
    channel = WebChatChannel(service, embed_origins=origins)
    return TestServer(build_app(service, [channel], public_url=public_url), host="127.0.0.1")


@pytest.fixture
async def base_url(sqlite_storage: Storage, catalog: Catalog) -> AsyncIterator[str]:
    async with await serve(sqlite_storage, catalog, origins=(PORTAL,)) as server:
        yield str(server.make_url("")).rstrip("/")


async def get(
    url: str, headers: dict[str, str] | None = None
) -> tuple[aiohttp.ClientResponse, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response, await response.text()


async def search_page(base_url: str, query: str) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{base_url}/sotay", params={"q": query}) as response,
    ):
        assert response.status == 200
        return await response.text()


def questions(html: str) -> list[str]:
    """The questions on the page, in order (results first, then the full list)."""
    return [unescape(q) for q in re.findall(r'class="q">(.*?)</h[34]>', html)]


def results(html: str) -> list[str]:
    """The questions in the search results only."""
    found = re.search(r'<section class="results".*?</section>', html, re.S)
    return questions(found.group(0)) if found else []


async def test_the_page_lists_every_entry_by_module(base_url: str, catalog: Catalog) -> None:
    response, html = await get(f"{base_url}/sotay")
    assert response.status == 200 and response.content_type == "text/html"
    assert '<html lang="vi">' in html
    assert "<h1>" in html and "Sổ tay học vụ số" in html
    assert '<label for="q">' in html and 'name="q"' in html and 'method="get"' in html
    # Every entry once, under its lesson's module, in course order.
    assert sorted(questions(html)) == sorted(e.question for e in catalog.handbook.entries)
    titles = [unescape(t) for t in re.findall(r'<h3 id="chu-de-[a-z]-t">(.*?)</h3>', html)]
    parts = sections(catalog)
    assert titles == [s.module.title for s in parts]
    assert sum(len(s.entries) for s in parts) == len(catalog.handbook)
    # Each entry names its lesson.
    first = catalog.handbook.entries[0]
    lesson = catalog.lesson(first.lesson)
    assert lesson is not None
    assert f"Bài {lesson.id}: {lesson.title}" in unescape(html)
    assert 'href="/"' in html  # learn with the chatbot
    assert "data-k=" not in html  # only the export's script needs the keywords
    assert_no_inline_code(html, "/sotay")


async def test_the_page_is_cacheable_and_keeps_no_one(base_url: str) -> None:
    response, _ = await get(f"{base_url}/sotay?q=otp")
    headers = response.headers
    assert headers["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in headers
    csp = policy(headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    css, _ = await get(f"{base_url}/sotay/static/sotay.css")
    assert css.status == 200 and css.content_type == "text/css"


@pytest.mark.parametrize("query", ["chuyển tiền", "chuyen tien", "CHUYEN TIEN", "ck"])
async def test_search_with_or_without_accents_is_the_chats_search(
    base_url: str, catalog: Catalog, query: str
) -> None:
    html = await search_page(base_url, query)
    expected = [hit.entry.question for hit in catalog.handbook.search(query, limit=8)]
    assert expected, query
    assert results(html) == expected  # best first, as the chat ranks them
    assert f"Kết quả cho “{query}”" in unescape(html)
    # The results come first; the topics lead back to the full list.
    assert html.index('class="results"') < html.index('id="chu-de"')
    assert 'href="/sotay#chu-de-a"' in html


async def test_accents_typed_decide_like_in_the_chat(base_url: str, catalog: Catalog) -> None:
    plain = results(await search_page(base_url, "chuyen tien"))
    accented = results(await search_page(base_url, "chuyển tiền"))
    assert plain[0] == accented[0]


@pytest.mark.parametrize("query", ["", "   ", "xyzzyq plugh"])
async def test_nothing_found_says_so_and_shows_the_topics(
    base_url: str, catalog: Catalog, query: str
) -> None:
    html = unescape(await search_page(base_url, query))
    if query.strip():
        assert "Chưa có câu trả lời nào khớp với “xyzzyq plugh”" in html
    else:
        assert "Hãy gõ vài từ để tìm" in html
    assert results(html) == []
    assert 'id="chu-de"' in html and len(questions(html)) == len(catalog.handbook)


async def test_what_the_visitor_types_is_escaped(base_url: str) -> None:
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    html = await search_page(base_url, attack)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&quot;&gt;&lt;script&gt;' in html
    assert html.count("<script") == 0  # the server's page has no script at all


async def test_a_long_query_is_cut(base_url: str) -> None:
    response, html = await get(f"{base_url}/sotay?q={'a' * 5000}")
    assert response.status == 200 and "a" * 201 not in html


# -- the embeddable chat ----------------------------------------------------------------------


async def test_only_the_embed_page_may_be_framed_by_the_listed_sites(base_url: str) -> None:
    response, html = await get(f"{base_url}/chat/embed")
    assert response.status == 200
    csp = policy(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == [PORTAL]
    assert csp["script-src"] == ["'self'"]
    assert "X-Frame-Options" not in response.headers
    assert 'class="embed"' in html and 'target="_blank"' in html
    assert_no_inline_code(html, "/chat/embed")
    for path in ("/", "/chat", "/sotay", "/verify/NOTACODE1"):
        response, page = await get(f"{base_url}{path}")
        assert "__" not in page and "embed" not in page, path
        csp = policy(response.headers["Content-Security-Policy"])
        assert csp["frame-ancestors"] == ["'none'"], path
        assert response.headers["X-Frame-Options"] == "DENY", path
    launcher, script = await get(f"{base_url}/chat/static/embed.js")
    assert launcher.status == 200 and "/chat/embed" in script


async def test_without_embed_origins_no_site_may_frame_it(
    sqlite_storage: Storage, catalog: Catalog
) -> None:
    async with await serve(sqlite_storage, catalog) as server:
        response, _ = await get(str(server.make_url("/chat/embed")))
    assert policy(response.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_embed_origins_are_read_and_checked() -> None:
    settings = load_settings(
        _env_file=None,
        embed_origins="https://CongThongTin.tinh.gov.vn/, https://*.tinh.gov.vn http://localhost:8000",
    )
    assert settings.embed_origins == (
        "https://congthongtin.tinh.gov.vn",
        "https://*.tinh.gov.vn",
        "http://localhost:8000",
    )
    assert load_settings(_env_file=None).embed_origins == ()
    for wrong in ("https://a.vn/chat", "*", "a.vn", "'self'", "https://a.vn;script-src *"):
        with pytest.raises(ConfigurationError, match="EMBED_ORIGINS"):
            load_settings(_env_file=None, embed_origins=wrong)


async def embed_cookie(url: str, embedded: bool) -> str:
    headers = {"Content-Type": "application/json"}
    if embedded:
        headers["X-Hocvuso-Embed"] = "1"
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/chat/api/send", data=b'{"text": "/start"}', headers=headers) as answer,
    ):
        assert answer.status == 200
        [raw] = answer.headers.getall("Set-Cookie")
    return raw


async def test_the_embedded_chat_cookie_crosses_sites_only_over_https(
    sqlite_storage: Storage, catalog: Catalog
) -> None:
    async with await serve(sqlite_storage, catalog, origins=(PORTAL,)) as server:
        url = str(server.make_url("")).rstrip("/")
        # Plain HTTP: browsers drop SameSite=None without Secure, so the usual Lax cookie.
        raw = await embed_cookie(url, embedded=True)
        assert "SameSite=Lax" in raw and "Partitioned" not in raw and "Secure" not in raw
    public = "https://hocvuso.tinh.example.vn"
    async with await serve(
        sqlite_storage, catalog, origins=(PORTAL,), public_url=public
    ) as server:
        url = str(server.make_url("")).rstrip("/")
        raw = await embed_cookie(url, embedded=True)
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(raw)
        assert "SameSite=None" in raw and "Secure" in raw and "HttpOnly" in raw
        assert "Partitioned" in raw
        # The chat's own page keeps its first-party cookie.
        raw = await embed_cookie(url, embedded=False)
        assert "SameSite=Lax" in raw and "Partitioned" not in raw


# -- the static export ------------------------------------------------------------------------


def test_the_export_writes_a_page_that_opens_from_disk(catalog: Catalog, tmp_path: Path) -> None:
    written = export_html(catalog, translator("vi"), tmp_path / "sotay")
    assert [p.name for p in written] == ["index.html", "sotay.css", "sotay.js"]
    html = (tmp_path / "sotay" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html
    assert 'href="sotay.css"' in html and 'src="sotay.js"' in html
    # Relative links only: nothing that needs a server.
    assert not re.search(r'(href|src|action)="/', html)
    assert len(questions(html)) == len(catalog.handbook)
    assert "<noscript>" in html and 'data-k="' in html
    assert "Học cùng chatbot" not in html  # no chat address given
    assert_no_inline_code(html, "index.html")


def test_the_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    assert main(["handbook", "export", "--html", str(target), "--chat-url", "https://x.vn/"]) == 0
    out = capsys.readouterr().out
    assert str(target / "index.html") in out and "handbook entries" in out
    html = (target / "index.html").read_text(encoding="utf-8")
    assert 'href="https://x.vn/"' in html
    assert (target / "sotay.js").read_text(encoding="utf-8").startswith("// The static Sổ tay")
    # A file where the folder should be: one line saying what to fix, exit code 2.
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert main(["handbook", "export", "--html", str(blocked / "sub")]) == 2
    assert "hocvuso: --html" in capsys.readouterr().err


async def test_the_page_is_compressed(base_url: str) -> None:
    async with (
        aiohttp.ClientSession(auto_decompress=False) as http,
        http.get(f"{base_url}/sotay", headers={"Accept-Encoding": "gzip"}) as response,
    ):
        body = await response.read()
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(body) < 30_000
