"""`/verify/<code>` and the certificate files over real HTTP, on SQLite and PostgreSQL: a genuine
certificate is shown with what it certifies, a forged or malformed code is not found."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image
from pypdf import PdfReader

from bot.content import Catalog
from bot.service import ConversationService
from bot.web import build_app
from storage import CertificateRecord, Storage
from tests.certificate.helpers import (
    CODE,
    ISSUED,
    MODULES,
    NAME,
    expected_matrix,
    issue,
    png_matrix,
)
from tests.conftest import BotProcess, free_port

PUBLIC = "https://hocvuso.example.vn"
VIETNAMESE = {"Accept-Language": "vi-VN,vi;q=0.9"}


@pytest.fixture
async def client(storage: Storage, catalog: Catalog) -> AsyncIterator[TestClient]:
    await issue(storage)
    app = build_app(ConversationService(storage, catalog), public_url=PUBLIC)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        yield http


async def test_the_storage_finds_a_certificate_by_its_code_in_any_case(storage: Storage) -> None:
    await issue(storage)
    expected = CertificateRecord(CODE, NAME, MODULES, 26, "test-content", ISSUED)
    assert await storage.certificates.get(CODE) == expected
    assert await storage.certificates.get(f"  {CODE.lower()} ") == expected
    assert await storage.certificates.get("ZZZZ2345XY") is None
    assert await storage.certificates.get("") is None
    assert await storage.certificates.get("A" * 200) is None
    assert await storage.certificates.get("ABC'; DROP TABLE certificate; --") is None


async def test_a_genuine_certificate_is_shown_with_what_it_certifies(
    client: TestClient, catalog: Catalog
) -> None:
    for code in (CODE, CODE.lower()):
        response = await client.get(f"/verify/{code}", headers=VIETNAMESE)
        assert response.status == 200
        assert response.content_type == "text/html" and response.charset == "utf-8"
        page = await response.text()
        assert '<html lang="vi">' in page
        assert "Giấy chứng nhận hợp lệ" in page
        assert f'<dd class="name">{NAME}</dd>' in page
        assert "24/11/2026" in page and f"<dd>{CODE}</dd>" in page
        assert "<dd>26</dd>" in page and "toàn bộ 26 bài học" in page
        for module in catalog.required_modules:  # what the certificate was issued for
            assert f"<li>{module.title}</li>" in page
        assert "không phải là chứng nhận chính thức" in page
        assert 'href="https://binhdanhocvuso.gov.vn"' in page
        assert response.headers["X-Robots-Tag"] == "noindex"


async def test_forged_and_malformed_codes_are_not_found(client: TestClient) -> None:
    attack = "<script>alert(1)</script>"
    for code in ("ZZZZ2345XY", quote(attack, safe=""), "A" * 300, quote("ABCD 2345", safe="")):
        response = await client.get(f"/verify/{code}", headers=VIETNAMESE)
        assert response.status == 404
        page = await response.text()
        assert "Không tìm thấy giấy chứng nhận" in page
        assert "<script" not in page and "Traceback" not in page and NAME not in page
        assert 'action="/verify"' in page  # a form to type the code again


async def test_the_form_on_the_page_leads_to_the_certificate(client: TestClient) -> None:
    response = await client.get(f"/verify?code=+{CODE.lower()}+", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"/verify/{CODE}"
    response = await client.get("/verify?code=%3Cb%3E", allow_redirects=False)
    assert response.status == 404 and "<b>" not in await response.text()


async def test_machines_can_ask_for_json(client: TestClient, catalog: Catalog) -> None:
    response = await client.get(f"/verify/{CODE.lower()}?format=json")
    assert response.status == 200
    body = await response.json()
    assert body == {
        "valid": True,
        "code": CODE,
        "display_name": NAME,
        "issued_on": "2026-11-24",
        "modules": [{"id": m.id, "title": m.title} for m in catalog.required_modules],
        "lessons": 26,
        "content_version": "test-content",
        "issuer": "hocvuso",
        "official": False,
    }
    forged = await client.get("/verify/ZZZZ2345XY", headers={"Accept": "application/json"})
    assert forged.status == 404 and await forged.json() == {"valid": False}


async def test_the_picture_and_the_pdf_are_served(client: TestClient) -> None:
    verify_url = f"{PUBLIC}/verify/{CODE}"
    response = await client.get(f"/certificate/{CODE.lower()}.png")
    assert response.status == 200 and response.content_type == "image/png"
    content = await response.read()
    assert Image.open(io.BytesIO(content)).size == (1600, 1131)
    assert png_matrix(content, verify_url) == expected_matrix(verify_url)  # HOCVUSO_PUBLIC_URL

    response = await client.get(f"/certificate/{CODE}.pdf")
    assert response.status == 200 and response.content_type == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="hocvuso-chung-nhan-{CODE}.pdf"'
    text = PdfReader(io.BytesIO(await response.read())).pages[0].extract_text()
    assert NAME in text and verify_url in text

    for path in ("/certificate/ZZZZ2345XY.png", "/certificate/ZZZZ2345XY.pdf"):
        missing = await client.get(path)
        assert missing.status == 404 and missing.content_type == "text/html"


async def test_hocvuso_run_prints_the_public_url_in_qr_codes(sqlite_url: str) -> None:
    store = Storage.open(sqlite_url)
    try:
        await issue(store)
    finally:
        await store.close()
    public = "https://chungnhan.example.vn"
    process = BotProcess(sqlite_url, free_port(), {"HOCVUSO_PUBLIC_URL": public}).start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{process.base_url}/certificate/{CODE}.png") as response,
        ):
            assert response.status == 200
            content = await response.read()
    finally:
        process.stop()
    verify_url = f"{public}/verify/{CODE}"
    assert png_matrix(content, verify_url) == expected_matrix(verify_url)
