"""`storage.roster` on SQLite and PostgreSQL: an ambassador's villagers (enrolled and learning
together) with what the roster shows, a nudge recorded once per villager and day with its
outbox message, confirmed skills kept with who confirmed them, and erasure."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update

from bot.core.events import Enrolled, NudgeQueued, SkillConfirmed
from bot.core.villagers import Villager
from storage import Storage
from storage.ambassadors import record_enrollment
from storage.progress import erase_learner
from storage.roster import record_nudge, record_skill
from storage.tables import assisted_t, fire_t, identity_t, learner_t, progress_t

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 10)
BA_DINH = "00004"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


NOW = local(DAY, 10)


async def new_learner(
    storage: Storage, name: str, *, channel: str | None = "telegram", **columns: object
) -> int:
    """A consenting learner (with an identity on `channel`, unless None)."""
    values: dict[str, object] = {
        "public_id": name,
        "state": "{}",
        "created_at": NOW,
        "updated_at": NOW,
        "last_seen_at": NOW,
        "consent_version": "2026-12",
        "consent_at": NOW,
        **columns,
    }
    async with storage.unit_of_work(NOW) as uow:
        learner = await uow.connection.scalar(
            insert(learner_t).values(**values).returning(learner_t.c.id)
        )
        assert learner is not None
        if channel is not None:
            await uow.connection.execute(
                insert(identity_t).values(
                    channel=channel,
                    external_id=f"{channel}-{name}",
                    learner_id=learner,
                    created_at=NOW,
                    last_inbound_at=NOW,
                )
            )
    return int(learner)


async def appoint(storage: Storage, learner: int) -> int:
    async with storage.unit_of_work(NOW) as uow:
        record = await storage.ambassadors.appoint(
            uow, learner_id=learner, province="01", commune=BA_DINH
        )
    return record.id


async def enroll(
    storage: Storage, learner: int, ambassador: int, at: datetime, channel: str = "telegram"
) -> None:
    async with storage.unit_of_work(at) as uow:
        await record_enrollment(uow, learner, Enrolled(ambassador, "code"), channel=channel)


def nudge(learner: int, day: date = DAY) -> NudgeQueued:
    return NudgeQueued(
        learner_id=learner,
        day=day,
        not_before=local(day, 7) if day > DAY else NOW,
        expires_at=local(day, 21),
        text="👋 Đại sứ số nhắc bác",
        choices=(("r:next_lesson", "Học ngay"),),
    )


async def test_the_roster_holds_the_ambassadors_villagers_and_what_it_shows(
    storage: Storage,
) -> None:
    me = await new_learner(storage, "me")
    mine = await appoint(storage, me)
    someone = await new_learner(storage, "other")
    other = await appoint(storage, someone)
    first = await new_learner(storage, "v1", last_step_on=DAY - timedelta(days=1))
    second = await new_learner(storage, "v2", channel="zalo_oa", reminder_slot="off", locale="en")
    together = await new_learner(storage, "v3", channel=None)
    theirs = await new_learner(storage, "v4")
    await enroll(storage, first, mine, local(DAY - timedelta(days=5), 9))
    await enroll(storage, second, mine, local(DAY - timedelta(days=2), 9), channel="zalo_oa")
    await enroll(storage, theirs, other, local(DAY - timedelta(days=5), 9))
    async with storage.unit_of_work(NOW) as uow:
        conn = uow.connection
        await conn.execute(
            insert(assisted_t).values(
                learner_id=together,
                ambassador_id=mine,
                alias="Bà Tư",
                attested_at=local(DAY - timedelta(days=3), 9),
            )
        )
        for minutes, (lesson, status) in enumerate((("A2", "failed"), ("A1", "passed"))):
            await conn.execute(
                insert(progress_t).values(
                    learner_id=first,
                    lesson_id=lesson,
                    status=status,
                    started_at=NOW,
                    updated_at=NOW + timedelta(minutes=minutes),
                    passed_at=NOW if status == "passed" else None,
                )
            )
        await conn.execute(
            insert(fire_t),
            [
                {"learner_id": first, "kind": "nudge", "day": DAY, "created_at": NOW},
                {"learner_id": second, "kind": "nudge", "day": DAY - timedelta(days=1),
                 "created_at": NOW},
                {"learner_id": second, "kind": "reminder", "day": DAY, "created_at": NOW},
            ],
        )  # fmt: skip
        await record_skill(uow, SkillConfirmed(first, "qr_payment", mine))
    await storage.identities.mark_unreachable("zalo_oa", "zalo_oa-v2", "blocked", NOW)

    roster = await storage.roster.load(me, today=DAY)
    assert roster is not None and roster.ambassador_id == mine
    v1, v3, v2 = roster.villagers  # in the order they joined me
    assert v1 == Villager(
        learner_id=first,
        number=1,
        joined_at=local(DAY - timedelta(days=5), 9),
        via="code",
        channel="telegram",
        alias=None,
        last_seen_at=NOW,
        last_step_on=DAY - timedelta(days=1),
        passed=frozenset({"A1"}),
        lesson_id="A1",  # the one opened last
        locale=None,
        reminders_off=False,
        reach="telegram",
        skills=v1.skills,
        nudged_on=frozenset({DAY}),
    )
    assert [s.skill for s in v1.skills] == ["qr_payment"] and v1.skills[0].confirmed_at == NOW
    assert (v3.number, v3.alias, v3.via, v3.channel, v3.reach, v3.assisted) == (
        2,
        "Bà Tư",
        "assisted",
        None,
        None,
        True,
    )
    assert (v2.number, v2.channel, v2.locale, v2.reminders_off, v2.reach) == (
        3,
        "zalo_oa",
        "en",
        True,
        None,  # blocked: no app to write to
    )
    assert v2.nudged_on == frozenset()  # yesterday's is past; a reminder is no nudge

    theirs_roster = await storage.roster.load(someone, today=DAY)
    assert theirs_roster is not None
    assert [v.learner_id for v in theirs_roster.villagers] == [theirs]  # only their own
    assert await storage.roster.load(first, today=DAY) is None  # no ambassador


async def test_a_nudge_is_recorded_once_a_day_with_its_message(storage: Storage) -> None:
    me = await new_learner(storage, "me")
    await appoint(storage, me)
    villager = await new_learner(storage, "v1")
    gone = await new_learner(storage, "v2")
    await storage.identities.mark_unreachable("telegram", "telegram-v2", "blocked", NOW)

    async with storage.unit_of_work(NOW) as uow:
        assert await record_nudge(uow, nudge(villager))
        assert not await record_nudge(uow, nudge(villager))  # the same day: once
        assert await record_nudge(uow, nudge(villager, DAY + timedelta(days=1)))
        assert not await record_nudge(uow, nudge(gone))  # no app to write to: nothing
    today, tomorrow = await storage.rows("outbox_message", kind="nudge")
    assert (today["learner_id"], today["channel"], today["recipient"]) == (
        villager,
        "telegram",
        "telegram-v1",
    )
    assert today["dedupe_key"] == f"nudge:{villager}:{DAY.isoformat()}"
    payload = json.loads(today["payload"])
    assert payload["expires_at"] == local(DAY, 21).isoformat()
    [reply] = payload["replies"]
    assert reply == {
        "text": "👋 Đại sứ số nhắc bác",
        "choices": [{"id": "r:next_lesson", "label": "Học ngay"}],
        "kind": "reminder",
    }
    assert tomorrow["not_before"].replace(tzinfo=UTC) == local(DAY + timedelta(days=1), 7)
    fires = await storage.rows("scheduled_fire", kind="nudge")
    assert sorted((f["learner_id"], f["day"]) for f in fires) == [
        (villager, DAY),
        (villager, DAY + timedelta(days=1)),
    ]


async def test_a_skill_is_kept_with_who_confirmed_it_and_the_learners_profile(
    storage: Storage,
) -> None:
    me = await new_learner(storage, "me")
    mine = await appoint(storage, me)
    villager = await new_learner(
        storage, "v1", province_code="01", commune_code=BA_DINH, target_group="residents"
    )
    stranger = await new_learner(storage, "v2")
    await enroll(storage, villager, mine, NOW)

    async with storage.unit_of_work(NOW) as uow:
        await record_skill(uow, SkillConfirmed(villager, "vneid_level2", mine))
        await record_skill(uow, SkillConfirmed(stranger, "vneid_level2", mine))  # not theirs
    async with storage.unit_of_work(NOW + timedelta(days=1)) as uow:
        await uow.connection.execute(
            update(learner_t).where(learner_t.c.id == villager).values(commune_code="00008")
        )
        await record_skill(uow, SkillConfirmed(villager, "vneid_level2", mine))  # the first stays
        await record_skill(uow, SkillConfirmed(villager, "scam_156", mine))
    first, second = await storage.rows("skill_confirmation")
    assert (first["learner_id"], first["skill"], first["confirmed_by"]) == (
        villager,
        "vneid_level2",
        mine,
    )
    assert first["confirmed_at"].replace(tzinfo=UTC) == NOW
    assert (first["province_code"], first["commune_code"], first["target_group"]) == (
        "01",
        BA_DINH,
        "residents",
    )
    assert (second["skill"], second["commune_code"]) == ("scam_156", "00008")
    skills = await storage.roster.real_skills(villager)
    assert [(s.skill, s.confirmed_at) for s in skills] == [
        ("vneid_level2", NOW),
        ("scam_156", NOW + timedelta(days=1)),
    ]
    assert await storage.roster.real_skills(stranger) == ()


async def test_erasure_takes_a_villager_off_the_roster_with_their_nudges_and_skills(
    storage: Storage,
) -> None:
    me = await new_learner(storage, "me")
    mine = await appoint(storage, me)
    leaving, staying = await new_learner(storage, "v1"), await new_learner(storage, "v2")
    for villager in (leaving, staying):
        await enroll(storage, villager, mine, NOW)
    async with storage.unit_of_work(NOW) as uow:
        for villager in (leaving, staying):
            await record_nudge(uow, nudge(villager))
            await record_skill(uow, SkillConfirmed(villager, "qr_payment", mine))
    async with storage.unit_of_work(NOW) as uow:
        await erase_learner(uow, leaving)
    roster = await storage.roster.load(me, today=DAY)
    assert roster is not None
    assert [(v.learner_id, v.number) for v in roster.villagers] == [(staying, 1)]
    for table in ("skill_confirmation", "scheduled_fire", "outbox_message"):
        assert [row["learner_id"] for row in await storage.rows(table)] == [staying], table

    # The ambassador erases their data: no roster any more; what they confirmed stays.
    async with storage.unit_of_work(NOW) as uow:
        await erase_learner(uow, me)
    assert await storage.roster.load(me, today=DAY) is None
    [skill] = await storage.rows("skill_confirmation")
    assert (skill["learner_id"], skill["confirmed_by"]) == (staying, mine)
