"""`/dashboard/contests` on SQLite and PostgreSQL: an official creates a contest for their own
area only (forged areas and forms refused), the announcement is queued for its learners, and
the page shows participation and results per commune × group with small counts hidden."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.content import Catalog
from bot.core.events import ContestAnswered, ContestFinished, ContestStarted
from bot.core.state import OfficialKind, TargetGroup
from bot.dashboard.auth import COOKIE, Sessions, form_token
from bot.dashboard.contests import ContestRoutes
from bot.i18n import translator
from bot.places.data import load_places
from storage import SecretKind, Storage
from storage.contests import record_contest_event
from tests.dashboard.world import NOW, ZONE, official, secret
from tests.outbox.scoped import VUNG_TAU, populate, recipients
from tests.reports.test_build import BA_DINH, HOAN_KIEM, _learner

ORIGIN = {"Origin": "http://127.0.0.1"}


def _app(storage: Storage, catalog: Catalog) -> web.Application:
    app = web.Application()
    t = translator("vi")
    clock = lambda: NOW  # noqa: E731 - a fixed clock
    sessions = Sessions(storage, t, clock=clock, public_url="http://127.0.0.1")
    ContestRoutes(sessions, load_places(), catalog, t, ZONE, clock).add_routes(app)
    return app


async def _signed_in(
    aiohttp_client: Any, storage: Storage, catalog: Catalog, kind: OfficialKind
) -> tuple[Any, str]:
    client = await aiohttp_client(_app(storage, catalog))
    session = await secret(storage, await official(storage, kind), SecretKind.SESSION)
    client.session.cookie_jar.update_cookies({COOKIE: session})
    return client, form_token(session)


def _form(csrf: str, **fields: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "title": "Rung chuông vàng",
        "opens": (NOW + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),  # local time
        "closes": (NOW + timedelta(hours=10)).strftime("%Y-%m-%dT%H:%M"),
        "questions": "3",
        "seconds": "20",
        "lessons": "A1,A2",
        **fields,
    }


async def test_a_commune_official_creates_for_their_commune_and_sees_results(
    aiohttp_client: Any, storage: Storage, catalog: Catalog
) -> None:
    await populate(storage)
    client, csrf = await _signed_in(aiohttp_client, storage, catalog, OfficialKind.COMMUNE)
    page = await (await client.get("/dashboard/contests")).text()
    assert 'action="/dashboard/contests"' in page and 'name="commune"' not in page
    # A forged commune is ignored: a commune official's contest is their commune's.
    response = await client.post(
        "/dashboard/contests", data=_form(csrf, commune=VUNG_TAU), headers=ORIGIN
    )
    text = await response.text()
    assert response.status == 200, text
    assert "Đã tạo “Rung chuông vàng”" in text
    [contest] = await storage.contests.listed()
    assert (contest.province, contest.commune, len(contest.questions)) == ("01", BA_DINH, 3)
    assert await recipients(storage) == ["an", "binh"]  # Ba Đình's learners who agreed

    for score in (3, 2, 2, 1, 3):
        await _play(storage, contest.id, BA_DINH, score)
    await _play(storage, contest.id, HOAN_KIEM, 3)
    page = await (await client.get("/dashboard/contests")).text()
    assert "Rung chuông vàng" in page and "Phường Ba Đình" in page
    assert "Phường Hoàn Kiếm" not in page  # outside the commune official's area
    assert "<td>5</td>" in page and "<td>2,2</td>" in page


async def test_forged_and_wrong_forms_create_nothing(
    aiohttp_client: Any, storage: Storage, catalog: Catalog
) -> None:
    client, csrf = await _signed_in(aiohttp_client, storage, catalog, OfficialKind.PROVINCE)
    forged = await client.post("/dashboard/contests", data=_form("nope"), headers=ORIGIN)
    assert forged.status == 403
    outside = await client.post(
        "/dashboard/contests", data=_form(csrf, commune=VUNG_TAU), headers=ORIGIN
    )
    assert outside.status == 403 and "nằm ngoài địa bàn" in await outside.text()
    wrong = await client.post(
        "/dashboard/contests", data=_form(csrf, closes="soon"), headers=ORIGIN
    )
    assert wrong.status == 400
    too_many = await client.post(
        "/dashboard/contests", data=_form(csrf, questions="99"), headers=ORIGIN
    )
    text = await too_many.text()
    assert (
        too_many.status == 400 and "Chưa tạo được cuộc thi: số câu mỗi người: từ 1 đến 30" in text
    )
    assert await storage.contests.listed() == []
    signed_out = await aiohttp_client(_app(storage, catalog))
    response = await signed_out.get("/dashboard/contests", allow_redirects=False)
    assert response.status == 303


async def _play(storage: Storage, contest_id: int, commune: str, score: int) -> None:
    learner, _profile = await _learner(storage, NOW, commune, TargetGroup.RESIDENTS)
    async with storage.unit_of_work(NOW) as uow:
        await record_contest_event(
            uow, learner, ContestStarted(contest_id, "01", commune, "residents")
        )
        for number in range(3):
            await record_contest_event(
                uow, learner, ContestAnswered(contest_id, f"c{number}", number < score, 4000)
            )
        await record_contest_event(
            uow, learner, ContestFinished(contest_id, score, 12000, f"C{learner}")
        )
