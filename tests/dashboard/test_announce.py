"""The dashboard's announcement form, on SQLite and PostgreSQL: an official queues an
announcement for their own area (and group) only, whatever the form says; a commune official's
always goes to their commune; the same text twice the same day is queued once; forged forms
and mistakes are refused with a page that says why."""

from __future__ import annotations

from typing import Any

from bot.core.state import OfficialKind
from bot.dashboard.auth import COOKIE, form_token
from storage import SecretKind, Storage
from tests.dashboard.world import FakeSummaries, build, official, secret
from tests.outbox.scoped import VUNG_TAU, populate, recipients

ORIGIN = {"Origin": "http://127.0.0.1"}


async def signed_in(aiohttp_client: Any, storage: Storage, kind: OfficialKind) -> tuple[Any, str]:
    client = await aiohttp_client(build(storage, FakeSummaries()))
    session = await secret(storage, await official(storage, kind), SecretKind.SESSION)
    client.session.cookie_jar.update_cookies({COOKIE: session})
    return client, form_token(session)


async def announce(client: Any, csrf: str, **fields: str) -> tuple[int, str]:
    response = await client.post(
        "/dashboard/announce", data={"csrf": csrf, **fields}, headers=ORIGIN
    )
    return response.status, await response.text()


async def test_a_commune_official_reaches_their_commune_only(
    aiohttp_client: Any, storage: Storage
) -> None:
    await populate(storage)
    client, csrf = await signed_in(aiohttp_client, storage, OfficialKind.COMMUNE)
    page = await (await client.get("/dashboard")).text()
    assert 'action="/dashboard/announce"' in page and 'name="to_commune"' not in page
    # A forged commune field is ignored: a commune official's announcement is their commune's.
    status, text = await announce(
        client, csrf, text="Họp dân tối nay", group="residents", to_commune=VUNG_TAU
    )
    assert status == 200, text
    assert "1 tin nhắn" in text and "Phường Ba Đình" in text
    assert await recipients(storage) == ["an"]
    status, _text = await announce(client, csrf, text="Họp dân tối nay", group="residents")
    assert status == 200 and await recipients(storage) == ["an"]  # the same one, once
    status, _text = await announce(client, csrf, text="Học vụ số tuần này")
    assert status == 200 and await recipients(storage) == ["an", "an", "binh"]


async def test_a_province_official_stays_in_the_province(
    aiohttp_client: Any, storage: Storage
) -> None:
    await populate(storage)
    client, csrf = await signed_in(aiohttp_client, storage, OfficialKind.PROVINCE)
    page = await (await client.get("/dashboard")).text()
    assert 'name="to_commune"' in page and 'name="to_province"' not in page
    status, text = await announce(client, csrf, text="Ngày hội", to_commune=VUNG_TAU)
    assert status == 403 and "ngoài địa bàn" in text
    status, text = await announce(client, csrf, text="Ngày hội", to_commune="12345")
    assert status == 400
    status, text = await announce(client, csrf, text="Ngày hội", group="aliens")
    assert status == 400
    assert await recipients(storage) == []
    status, text = await announce(client, csrf, text="Ngày hội")
    assert status == 200, text
    assert await recipients(storage) == ["an", "binh", "hoa"]


async def test_forged_and_empty_forms_queue_nothing(aiohttp_client: Any, storage: Storage) -> None:
    await populate(storage)
    client, csrf = await signed_in(aiohttp_client, storage, OfficialKind.ADMIN)
    for data, headers in (
        ({"text": "x"}, ORIGIN),
        ({"csrf": "0" * 64, "text": "x"}, ORIGIN),
        ({"csrf": csrf, "text": "x"}, {"Origin": "https://evil.example"}),
    ):
        response = await client.post("/dashboard/announce", data=data, headers=headers)
        assert response.status == 403
    assert (await announce(client, csrf, text="   "))[0] == 400
    assert (await announce(client, csrf, text="x" * 5000))[0] == 400
    assert await recipients(storage) == []
    status, _text = await announce(client, csrf, text="Chào cả nước", to_province="79")
    assert status == 200 and await recipients(storage) == ["chi"]
