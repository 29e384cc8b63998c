"""Every page, file and API call is for the official's own area, checked on the server before
the numbers are asked for; small counts are "<5" everywhere except for the commune's own
officials (decision 34)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.state import OfficialKind
from bot.dashboard.auth import COOKIE
from storage import SecretKind, Storage
from tests.dashboard.world import (
    BA_DINH,
    HANOI,
    HOAN_KIEM,
    SOUTH,
    VUNG_TAU,
    FakeSummaries,
    build,
    official,
    secret,
)

PAGES = ("/dashboard", "/dashboard/export.csv", "/dashboard/export.xlsx", "/dashboard/chart.png")


async def signed_in(
    aiohttp_client: Any, storage: Storage, kind: OfficialKind
) -> tuple[Any, FakeSummaries]:
    summaries = FakeSummaries()
    client = await aiohttp_client(build(storage, summaries))
    who = await official(storage, kind)
    client.session.cookie_jar.update_cookies(
        {COOKIE: await secret(storage, who, SecretKind.SESSION)}
    )
    return client, summaries


async def api_client(
    aiohttp_client: Any, storage: Storage, kind: OfficialKind
) -> tuple[Any, dict[str, str], FakeSummaries]:
    summaries = FakeSummaries()
    client = await aiohttp_client(build(storage, summaries))
    who = await official(storage, kind)
    token = await secret(storage, who, SecretKind.API, valid_for=None)
    return client, {"Authorization": f"Bearer {token}"}, summaries


OUTSIDE_A_COMMUNE = (
    f"commune={HOAN_KIEM}",
    f"commune={VUNG_TAU}",
    f"province={HANOI}",
    f"province={SOUTH}",
    f"province={HANOI}&commune={HOAN_KIEM}",
)


@pytest.mark.parametrize("query", OUTSIDE_A_COMMUNE)
async def test_a_commune_official_sees_no_other_area(
    aiohttp_client: Any, storage: Storage, query: str
) -> None:
    client, summaries = await signed_in(aiohttp_client, storage, OfficialKind.COMMUNE)
    for path in PAGES:
        response = await client.get(f"{path}?{query}", allow_redirects=False)
        assert response.status == 403, (path, query)
        assert response.content_type == "text/html"
        text = await response.text()
        assert "ngoài địa bàn" in text
        assert "Hoàn Kiếm" not in text and "Vũng Tàu" not in text
    api, auth, api_summaries = await api_client(aiohttp_client, storage, OfficialKind.COMMUNE)
    response = await api.get(f"/api/v1/summary?{query}", headers=auth)
    assert response.status == 403
    assert (await response.json())["error"] == "out_of_scope"
    # Refused before the numbers were asked for.
    assert summaries.calls == [] and api_summaries.calls == []


async def test_a_province_official_sees_only_their_province(
    aiohttp_client: Any, storage: Storage
) -> None:
    client, summaries = await signed_in(aiohttp_client, storage, OfficialKind.PROVINCE)
    for query in (f"commune={VUNG_TAU}", f"province={SOUTH}"):
        for path in PAGES:
            assert (await client.get(f"{path}?{query}")).status == 403
    assert summaries.calls == []
    page = await client.get(f"/dashboard?commune={HOAN_KIEM}")
    assert page.status == 200
    ((scope, filters),) = summaries.calls
    assert (filters.province, filters.commune) == (HANOI, HOAN_KIEM)
    assert scope.province == HANOI


async def test_whole_area_by_default_and_selects_from_the_scope(
    aiohttp_client: Any, storage: Storage
) -> None:
    commune, calls = await signed_in(aiohttp_client, storage, OfficialKind.COMMUNE)
    text = await (await commune.get("/dashboard")).text()
    assert calls.calls[0][1].commune == BA_DINH
    assert 'name="commune"' not in text and 'name="province"' not in text
    assert "Phường Ba Đình" in text and "Phường Hoàn Kiếm" not in text

    province, calls = await signed_in(aiohttp_client, storage, OfficialKind.PROVINCE)
    text = await (await province.get("/dashboard")).text()
    assert calls.calls[0][1].province == HANOI and calls.calls[0][1].commune is None
    assert 'name="commune"' in text and 'name="province"' not in text
    assert "Phường Vũng Tàu" not in text

    admin, calls = await signed_in(aiohttp_client, storage, OfficialKind.ADMIN)
    text = await (await admin.get("/dashboard")).text()
    assert calls.calls[0][1].province is None
    assert 'name="province"' in text and 'name="commune"' not in text
    text = await (await admin.get(f"/dashboard?province={SOUTH}")).text()
    assert 'name="commune"' in text and "Phường Vũng Tàu" in text


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-13-01", "bad_from"),
        ("to=yesterday", "bad_to"),
        ("from=1999-01-01", "bad_from"),
        ("from=2026-05-01&to=2026-04-01", "bad_period"),
        ("group=farmers", "unknown_group"),
        ("module=Z", "unknown_module"),
        ("commune=99999", "unknown_commune"),
        ("province=99", "unknown_province"),
        (f"province={SOUTH}&commune={HOAN_KIEM}", "commune_not_in_province"),
    ],
)
async def test_malformed_filters_are_400(
    aiohttp_client: Any, sqlite_storage: Storage, query: str, code: str
) -> None:
    client, auth, summaries = await api_client(aiohttp_client, sqlite_storage, OfficialKind.ADMIN)
    response = await client.get(f"/api/v1/summary?{query}", headers=auth)
    assert response.status == 400
    body = await response.json()
    assert body["error"] == code and body["message"]
    page, _ = await signed_in(aiohttp_client, sqlite_storage, OfficialKind.ADMIN)
    assert (await page.get(f"/dashboard?{query}")).status == 400
    assert summaries.calls == []


async def test_the_api_needs_a_live_token(aiohttp_client: Any, storage: Storage) -> None:
    client, auth, summaries = await api_client(aiohttp_client, storage, OfficialKind.PROVINCE)
    who = await official(storage, OfficialKind.COMMUNE)
    session = await secret(storage, who, SecretKind.SESSION)
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Basic {auth['Authorization'][7:]}"},
        # A dashboard session is not an API token.
        {"Authorization": f"Bearer {session}"},
    ):
        response = await client.get("/api/v1/summary", headers=headers)
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await response.json())["error"] == "unauthorized"
    assert summaries.calls == []
    ok = await client.get("/api/v1/summary", headers=auth)
    assert ok.status == 200
    assert (await ok.json())["filters"]["province"] == HANOI
