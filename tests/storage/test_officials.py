"""`storage.officials` on SQLite and PostgreSQL: roles granted with their areas, `/canbo`
codes stored hashed and every answer to them, look-ups, revoking; and the ambassador codes an
official issues inside their turn's transaction."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from bot.core.context import OfficialStatus
from bot.core.state import OfficialKind
from storage import Storage, format_code
from storage.progress import erase_learner
from tests.storage.test_ambassadors import BA_DINH, NOW, new_learner


async def redeem(
    storage: Storage, code: str, learner: int, *, later: timedelta = timedelta(0)
) -> OfficialStatus:
    async with storage.unit_of_work(NOW + later) as uow:
        result = await storage.officials.redeem(uow, code, learner_id=learner)
    return result.status


async def test_grant_stores_the_role_and_area_and_revoke_ends_it(storage: Storage) -> None:
    commune = await storage.officials.grant(
        kind=OfficialKind.COMMUNE, province="01", commune=BA_DINH, label="UBND", now=NOW
    )
    province = await storage.officials.grant(kind=OfficialKind.PROVINCE, province="01", now=NOW)
    admin = await storage.officials.grant(kind=OfficialKind.ADMIN, now=NOW)
    rows = await storage.rows("official")
    assert [(r["role"], r["province_code"], r["commune_code"]) for r in rows] == [
        ("commune", "01", BA_DINH),
        ("province", "01", None),
        ("admin", None, None),
    ]
    assert rows[0]["label"] == "UBND" and rows[0]["learner_id"] is None
    assert len({commune.public_id, province.public_id, admin.public_id}) == 3
    found = await storage.officials.by_public_id(province.public_id)
    assert found is not None and found.scope.allows("01", "00008")
    assert not commune.scope.allows("01", "00008") and admin.scope.allows("79", None)

    assert await storage.officials.revoke(commune.public_id, now=NOW)
    assert not await storage.officials.revoke(commune.public_id, now=NOW)
    assert not await storage.officials.revoke("nobody", now=NOW)
    gone = await storage.officials.by_public_id(commune.public_id)
    assert gone is not None and gone.revoked_at == NOW
    assert [o.public_id for o in await storage.officials.all()][0] == commune.public_id


async def test_areas_must_fit_the_role(storage: Storage) -> None:
    with pytest.raises(ValueError, match="commune official"):
        await storage.officials.grant(kind=OfficialKind.COMMUNE, province="01", now=NOW)
    with pytest.raises(ValueError, match="province official"):
        await storage.officials.issue(
            kind=OfficialKind.PROVINCE,
            province="01",
            commune=BA_DINH,
            now=NOW,
            valid_for=timedelta(days=1),
        )
    with pytest.raises(ValueError, match="administrator"):
        await storage.officials.grant(kind=OfficialKind.ADMIN, province="01", now=NOW)
    assert await storage.rows("official") == [] and await storage.rows("official_code") == []


async def test_a_code_is_hashed_appoints_once_and_then_is_used_up(storage: Storage) -> None:
    first, second = await new_learner(storage, "a"), await new_learner(storage, "b")
    issued = await storage.officials.issue(
        kind=OfficialKind.COMMUNE,
        province="01",
        commune=BA_DINH,
        now=NOW,
        valid_for=timedelta(days=7),
    )
    [row] = await storage.rows("official_code")
    assert row["code_hash"] == hashlib.sha256(issued.code.encode()).hexdigest()
    assert issued.code not in str(row) and row["max_uses"] == 1

    async with storage.unit_of_work(NOW) as uow:
        result = await storage.officials.redeem(
            uow, format_code(issued.code).lower(), learner_id=first
        )
    assert result.status is OfficialStatus.APPOINTED and result.role is not None
    assert (result.role.kind, result.role.commune) == (OfficialKind.COMMUNE, BA_DINH)
    assert await redeem(storage, issued.code, second) is OfficialStatus.USED_UP
    assert await redeem(storage, issued.code, first) is OfficialStatus.ALREADY
    assert (await storage.rows("official_code"))[0]["uses"] == 1
    mine = await storage.officials.by_learner(first)
    assert mine is not None and mine.public_id == result.role.public_id
    assert await storage.officials.by_learner(second) is None

    # Revoked: no longer an official, and a new code may appoint them again.
    assert await storage.officials.revoke(mine.public_id, now=NOW)
    assert await storage.officials.by_learner(first) is None
    again = await storage.officials.issue(
        kind=OfficialKind.ADMIN, now=NOW, valid_for=timedelta(days=1)
    )
    assert await redeem(storage, again.code, first) is OfficialStatus.APPOINTED


async def test_unknown_and_expired_codes_change_nothing(storage: Storage) -> None:
    learner = await new_learner(storage, "a")
    issued = await storage.officials.issue(
        kind=OfficialKind.PROVINCE,
        province="01",
        now=NOW,
        valid_for=timedelta(days=1),
        max_uses=2,
    )
    code = issued.code
    typo = code[:7] + ("3" if code[7] == "2" else "2")
    assert await redeem(storage, typo, learner) is OfficialStatus.UNKNOWN
    assert await redeem(storage, "0OIL0OIL", learner) is OfficialStatus.UNKNOWN
    late = timedelta(days=1, seconds=1)
    assert await redeem(storage, code, learner, later=late) is OfficialStatus.EXPIRED
    assert await storage.rows("official") == []
    assert (await storage.rows("official_code"))[0]["uses"] == 0


async def test_an_ambassador_code_issued_in_a_turn_rolls_back_with_it(storage: Storage) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with storage.unit_of_work(NOW) as uow:
            await storage.ambassadors.issue(
                province="01", commune=BA_DINH, now=NOW, valid_for=timedelta(days=1), uow=uow
            )
            raise Boom
    assert await storage.rows("ambassador_code") == []
    async with storage.unit_of_work(NOW) as uow:
        await storage.ambassadors.issue(
            province="01",
            commune=BA_DINH,
            now=NOW,
            valid_for=timedelta(days=1),
            uow=uow,
            issued_by="abc",
        )
    [row] = await storage.rows("ambassador_code")
    assert row["issued_by"] == "abc"


async def test_erasure_unlinks_the_official_and_keeps_the_row(storage: Storage) -> None:
    learner = await new_learner(storage, "a")
    issued = await storage.officials.issue(
        kind=OfficialKind.ADMIN, now=NOW, valid_for=timedelta(days=1)
    )
    assert await redeem(storage, issued.code, learner) is OfficialStatus.APPOINTED
    async with storage.unit_of_work(NOW) as uow:
        await erase_learner(uow, learner)
    [row] = await storage.rows("official")
    assert row["learner_id"] is None and row["role"] == "admin"
    assert await storage.rows("learner") == []
