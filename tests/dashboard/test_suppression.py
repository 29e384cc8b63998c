"""Counts of 1–4 are "<5" in the page, the CSV, the XLSX and the API for a province official
(and an administrator), and shown as they are to the commune's own official (decision 34);
every dashboard and API response carries the strict headers."""

from __future__ import annotations

import csv
import io
from typing import Any

import jsonschema_rs
import openpyxl

from bot.core.state import OfficialKind
from bot.dashboard.auth import COOKIE
from bot.dashboard.headers import FILES_POLICY, POLICY
from bot.dashboard.openapi import openapi_document
from bot.dashboard.wiring import report_files
from bot.places.data import load_places
from storage import SecretKind, Storage
from tests.dashboard.world import BA_DINH, MODULES, FakeSummaries, build, official, secret


async def session_client(aiohttp_client: Any, storage: Storage, kind: OfficialKind) -> Any:
    app = build(storage, FakeSummaries(), report_files(load_places(), "vi"))
    client = await aiohttp_client(app)
    who = await official(storage, kind)
    client.session.cookie_jar.update_cookies(
        {COOKIE: await secret(storage, who, SecretKind.SESSION)}
    )
    return client


async def api_json(aiohttp_client: Any, storage: Storage, kind: OfficialKind, query: str) -> Any:
    client = await aiohttp_client(build(storage, FakeSummaries()))
    token = await secret(storage, await official(storage, kind), SecretKind.API, valid_for=None)
    response = await client.get(
        f"/api/v1/summary?{query}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200
    return await response.json()


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_values(body: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    return [cell.value for row in sheet.iter_rows() for cell in row]


async def test_a_province_official_sees_small_counts_hidden_everywhere(
    aiohttp_client: Any, sqlite_storage: Storage
) -> None:
    client = await session_client(aiohttp_client, sqlite_storage, OfficialKind.PROVINCE)
    page = await (await client.get("/dashboard")).text()
    # Ba Đình's 3 pupils are hidden; Hoàn Kiếm's 12 residents are shown.
    assert "&lt;5" in page and ">12<" in page
    rows = csv_rows(await (await client.get("/dashboard/export.csv")).read())
    ba_dinh = [row for row in rows if row["commune_code"] == BA_DINH]
    assert ba_dinh and all(row["enrolled"] == "<5" for row in ba_dinh)
    assert "3" not in {row["enrolled"] for row in rows}
    values = xlsx_values(await (await client.get("/dashboard/export.xlsx")).read())
    assert "<5" in values and 3 not in values and 12 in values
    doc = await api_json(aiohttp_client, sqlite_storage, OfficialKind.PROVINCE, "")
    assert {row["enrolled"] for row in doc["rows"] if row["commune_code"] == BA_DINH} == {"<5"}
    assert 3 not in {row["enrolled"] for row in doc["rows"]}


async def test_the_communes_own_official_sees_them(
    aiohttp_client: Any, sqlite_storage: Storage
) -> None:
    client = await session_client(aiohttp_client, sqlite_storage, OfficialKind.COMMUNE)
    page = await (await client.get("/dashboard")).text()
    assert "&lt;5</td>" not in page and ">3<" in page
    rows = csv_rows(await (await client.get("/dashboard/export.csv")).read())
    assert {row["enrolled"] for row in rows if row["commune_code"] == BA_DINH} == {"3"}
    values = xlsx_values(await (await client.get("/dashboard/export.xlsx")).read())
    assert 3 in values and "<5" not in values
    doc = await api_json(aiohttp_client, sqlite_storage, OfficialKind.COMMUNE, "")
    assert doc["totals"]["enrolled"] == 3
    assert {row["commune_code"] for row in doc["rows"]} == {BA_DINH}


async def test_the_api_document_keeps_its_schema(
    aiohttp_client: Any, sqlite_storage: Storage
) -> None:
    schema = openapi_document(tuple(MODULES))
    validator = jsonschema_rs.validator_for(
        {**schema["components"]["schemas"]["Summary"], "components": schema["components"]}
    )
    for kind in OfficialKind:
        doc = await api_json(aiohttp_client, sqlite_storage, kind, "group=pupils")
        validator.validate(doc)
        doc = await api_json(aiohttp_client, sqlite_storage, kind, "")
        validator.validate(doc)


async def test_every_response_has_the_strict_headers(
    aiohttp_client: Any, sqlite_storage: Storage
) -> None:
    client = await session_client(aiohttp_client, sqlite_storage, OfficialKind.ADMIN)
    for path in (
        "/dashboard",
        "/dashboard/login",
        "/dashboard/login/nonsense",
        "/dashboard/export.csv",
        "/dashboard/export.xlsx",
        "/dashboard/chart.png",
        "/dashboard/static/dashboard.css",
        "/dashboard/nothing-here",
        "/dashboard?commune=99999",
        "/api/v1/summary",
        "/api/v1/openapi.json",
    ):
        response = await client.get(path, allow_redirects=False)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        policy = response.headers["Content-Security-Policy"]
        page = response.content_type == "text/html"
        assert policy == (POLICY if page else FILES_POLICY), path
        assert "frame-ancestors 'none'" in policy, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
    files = await client.get("/dashboard/export.csv?group=pupils&module=A")
    disposition = files.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and "pupils-A" in disposition
    page = await (await client.get("/dashboard")).text()
    assert '<html lang="vi">' in page and "<script" not in page and "style=" not in page
