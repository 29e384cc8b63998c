"""`storage.ambassadors` on SQLite and PostgreSQL: codes stored hashed, every answer to
`/daisu CODE`, invites, the first enrollment winning, and erasure."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.core.context import AmbassadorStatus, InviteStatus
from bot.core.events import Enrolled
from storage import Storage, format_code, normalise_ambassador_code
from storage.ambassadors import record_enrollment
from storage.progress import erase_learner
from storage.tables import assisted_t, learner_t, skill_t

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
BA_DINH, NGOC_HA = "00004", "00008"  # two wards of Hà Nội (province 01)


async def new_learner(storage: Storage, name: str) -> int:
    async with storage.unit_of_work(NOW) as uow:
        learner = await uow.connection.scalar(
            insert(learner_t)
            .values(public_id=name, state="{}", created_at=NOW, updated_at=NOW, last_seen_at=NOW)
            .returning(learner_t.c.id)
        )
    assert learner is not None
    return int(learner)


async def issue(storage: Storage, commune: str = BA_DINH, **kwargs: object) -> str:
    issued = await storage.ambassadors.issue(
        province="01",
        commune=commune,
        now=NOW,
        valid_for=kwargs.pop("valid_for", timedelta(days=14)),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )
    return issued.code


async def redeem(
    storage: Storage, code: str, learner: int, commune: str | None = None, now: datetime = NOW
) -> AmbassadorStatus:
    async with storage.unit_of_work(now) as uow:
        result = await storage.ambassadors.redeem(uow, code, learner_id=learner, commune=commune)
    return result.status


async def test_only_the_hash_of_a_code_is_stored(storage: Storage) -> None:
    code = await issue(storage, max_uses=3)
    [row] = await storage.rows("ambassador_code")
    assert row["code_hash"] == hashlib.sha256(code.encode()).hexdigest()
    assert code not in str(row)
    assert (row["commune_code"], row["max_uses"], row["uses"], row["issued_by"]) == (
        BA_DINH,
        3,
        0,
        "cli",
    )
    assert len(code) == 8 and normalise_ambassador_code(format_code(code).lower()) == code


async def test_a_code_appoints_once_and_then_is_used_up(storage: Storage) -> None:
    first, second = await new_learner(storage, "a"), await new_learner(storage, "b")
    code = await issue(storage)
    typed = " ".join(format_code(code).lower())  # "a b c d - e f g h": still the code

    async with storage.unit_of_work(NOW) as uow:
        result = await storage.ambassadors.redeem(uow, typed, learner_id=first, commune=None)
    assert result.status is AmbassadorStatus.APPOINTED and result.role is not None
    assert (result.role.province, result.role.commune) == ("01", BA_DINH)
    assert len(result.role.invite_code) == 6

    assert await redeem(storage, code, second) is AmbassadorStatus.USED_UP
    assert await redeem(storage, code, first) is AmbassadorStatus.ALREADY
    [row] = await storage.rows("ambassador_code")
    assert row["uses"] == 1
    [ambassador] = await storage.rows("ambassador")
    assert (ambassador["learner_id"], ambassador["code_id"]) == (first, row["id"])
    found = await storage.ambassadors.by_learner(first)
    assert found is not None and found.invite_code == result.role.invite_code
    assert await storage.ambassadors.by_learner(second) is None
    by_invite = await storage.ambassadors.by_invite(result.role.invite_code.lower())
    assert by_invite is not None and by_invite.learner_id == first


async def test_unknown_expired_and_wrong_commune_change_nothing(storage: Storage) -> None:
    learner = await new_learner(storage, "a")
    code = await issue(storage, valid_for=timedelta(days=1))

    typo = code[:7] + ("3" if code[7] == "2" else "2")
    assert await redeem(storage, typo, learner) is AmbassadorStatus.UNKNOWN
    assert await redeem(storage, "0OIL0OIL", learner) is AmbassadorStatus.UNKNOWN
    later = NOW + timedelta(days=1, seconds=1)
    assert await redeem(storage, code, learner, now=later) is AmbassadorStatus.EXPIRED
    assert await redeem(storage, code, learner, NGOC_HA) is AmbassadorStatus.WRONG_COMMUNE
    assert await storage.rows("ambassador") == []
    assert (await storage.rows("ambassador_code"))[0]["uses"] == 0

    assert await redeem(storage, code, learner, BA_DINH) is AmbassadorStatus.APPOINTED
    other = await issue(storage, NGOC_HA)
    # An ambassador of Ba Đình serves Ba Đình only.
    assert await redeem(storage, other, learner) is AmbassadorStatus.WRONG_COMMUNE


async def test_a_code_for_three_appoints_three(storage: Storage) -> None:
    code = await issue(storage, max_uses=3)
    learners = [await new_learner(storage, name) for name in "abcd"]
    statuses = [await redeem(storage, code, learner) for learner in learners]
    assert statuses == [AmbassadorStatus.APPOINTED] * 3 + [AmbassadorStatus.USED_UP]
    invites = {row["invite_code"] for row in await storage.rows("ambassador")}
    assert len(invites) == 3


async def test_invites_and_the_first_enrollment_wins(storage: Storage) -> None:
    ambassador, rival, villager = [await new_learner(storage, n) for n in ("a", "r", "v")]
    for learner in (ambassador, rival):
        assert await redeem(storage, await issue(storage), learner) is AmbassadorStatus.APPOINTED
    mine = await storage.ambassadors.by_learner(ambassador)
    theirs = await storage.ambassadors.by_learner(rival)
    assert mine is not None and theirs is not None

    async with storage.unit_of_work(NOW) as uow:
        check = storage.ambassadors.check_invite
        assert (await check(uow, "NOPE22", learner_id=villager)).status is InviteStatus.UNKNOWN
        own = await check(uow, mine.invite_code, learner_id=ambassador)
        assert own.status is InviteStatus.OWN
        found = await check(uow, mine.invite_code.lower(), learner_id=villager)
        assert (found.status, found.ambassador_id, found.commune, found.enrolled) == (
            InviteStatus.FOUND,
            mine.id,
            BA_DINH,
            False,
        )
        await record_enrollment(uow, villager, Enrolled(mine.id, "link"), channel="telegram")
        await record_enrollment(uow, villager, Enrolled(theirs.id, "code"), channel="webchat")
        again = await check(uow, theirs.invite_code, learner_id=villager)
        assert again.enrolled

    enrollment = await storage.ambassadors.enrollment(villager)
    assert enrollment is not None
    assert (enrollment.ambassador_id, enrollment.channel, enrollment.via) == (
        mine.id,
        "telegram",
        "link",
    )
    assert enrollment.enrolled_at == NOW


async def test_erasure_removes_the_learners_ambassador_data(storage: Storage) -> None:
    """What `/xoadulieu` runs (storage/progress.py `erase_learner`), for an ambassador and for
    a villager with an enrollment, a confirmed skill and an assisted row."""
    ambassador, villager, other, late = [await new_learner(storage, n) for n in "avol"]
    await redeem(storage, await issue(storage), ambassador)
    record = await storage.ambassadors.by_learner(ambassador)
    assert record is not None
    async with storage.unit_of_work(NOW) as uow:
        await record_enrollment(uow, villager, Enrolled(record.id, "code"), channel="zalo_oa")
        await record_enrollment(uow, other, Enrolled(record.id, "link"), channel="webchat")
        await uow.connection.execute(
            insert(skill_t).values(
                learner_id=villager, skill="vneid_level2", confirmed_by=record.id, confirmed_at=NOW
            )
        )
        await uow.connection.execute(
            insert(assisted_t).values(
                learner_id=villager, ambassador_id=record.id, alias="Bà Tư", attested_at=NOW
            )
        )
    async with storage.unit_of_work(NOW) as uow:
        await erase_learner(uow, villager)
    assert [row["learner_id"] for row in await storage.rows("enrollment")] == [other]
    for table in ("skill_confirmation", "assisted_learner"):
        assert await storage.rows(table) == [], table

    async with storage.unit_of_work(NOW) as uow:
        await erase_learner(uow, ambassador)
    [row] = await storage.rows("ambassador")
    assert row["learner_id"] is None and row["invite_code"] == record.invite_code
    # Their villagers stay attributed; their invite enrolls nobody any more.
    assert [row["ambassador_id"] for row in await storage.rows("enrollment")] == [record.id]
    async with storage.unit_of_work(NOW) as uow:
        found = await storage.ambassadors.check_invite(uow, record.invite_code, learner_id=late)
    assert found.status is InviteStatus.UNKNOWN
