"""`storage.assisted` on SQLite and PostgreSQL: a villager added by an ambassador (no channel
identity, consent attested, enrolled "assisted"), listed and loaded for their ambassador only,
erased by them only; completions counted assisted apart from self-completed for a commune."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.core.assisted_session import villager_state
from bot.core.context import CONSENT_VERSION
from bot.core.events import LessonCompleted, QuizFinished, VillagerAdded
from bot.core.state import LearnerState
from storage import AssistedSplit, SavedTurn, Storage, TurnKey
from storage.progress import erase_learner
from storage.tables import identity_t, learner_t

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
BA_DINH, NGOC_HA = "00004", "00008"  # two wards of Hà Nội (province 01)
MODULES = {"A1": "A", "A2": "A"}


async def ambassador(storage: Storage, name: str, commune: str = BA_DINH) -> int:
    """A learner appointed ambassador of `commune`; their learner id."""
    async with storage.unit_of_work(NOW) as uow:
        learner = await uow.connection.scalar(
            insert(learner_t)
            .values(public_id=name, state="{}", created_at=NOW, updated_at=NOW, last_seen_at=NOW)
            .returning(learner_t.c.id)
        )
        assert learner is not None
        await storage.ambassadors.appoint(uow, learner_id=learner, province="01", commune=commune)
    return int(learner)


def villager(public_id: str, alias: str, commune: str = BA_DINH) -> VillagerAdded:
    return VillagerAdded(
        public_id=public_id,
        alias=alias,
        consent_version=CONSENT_VERSION,
        province="01",
        commune=commune,
        age_band="60_plus",
        group="residents",
    )


async def add(storage: Storage, mine: int, event: VillagerAdded, when: datetime = NOW) -> int:
    async with storage.unit_of_work(when) as uow:
        loaded = await storage.assisted.add(
            uow,
            ambassador_learner_id=mine,
            event=event,
            state=villager_state(event),
            channel="telegram",
        )
    assert loaded is not None and loaded.learner is not None
    return loaded.learner.id


async def test_a_villager_is_a_learner_without_identity_enrolled_by_attestation(
    storage: Storage,
) -> None:
    mine = await ambassador(storage, "amb")
    ba_tu = await add(storage, mine, villager("v1", "Bà Tư"))
    [row] = await storage.rows("learner", id=ba_tu)
    assert (row["public_id"], row["consent_version"]) == ("v1", CONSENT_VERSION)
    assert row["consent_at"] is not None and row["commune_code"] == BA_DINH
    assert (row["age_band"], row["target_group"], row["reminder_slot"]) == (
        "60_plus",
        "residents",
        "off",
    )
    state = LearnerState.from_json(row["state"])
    assert state.consent and state.profile.asked and state.turn >= 1_000_000
    assert await storage.rows("channel_identity", learner_id=ba_tu) == []
    [assisted] = await storage.rows("assisted_learner")
    assert (assisted["learner_id"], assisted["alias"]) == (ba_tu, "Bà Tư")
    [enrolled] = await storage.rows("enrollment")
    assert (enrolled["learner_id"], enrolled["via"], enrolled["channel"]) == (
        ba_tu,
        "assisted",
        "telegram",
    )


async def test_villagers_are_listed_and_loaded_for_their_own_ambassador_only(
    storage: Storage,
) -> None:
    mine, theirs = await ambassador(storage, "amb"), await ambassador(storage, "other", NGOC_HA)
    await add(storage, mine, villager("v1", "Bà Tư"))
    await add(storage, mine, villager("v2", "Ông Năm"), NOW + timedelta(minutes=5))
    await add(storage, theirs, villager("v3", "Cô Ba", NGOC_HA))
    async with storage.unit_of_work(NOW) as uow:
        listed = await storage.assisted.villagers(uow, mine)
        loaded = await storage.assisted.load(
            uow, ambassador_learner_id=mine, public_id="v2", channel="webchat"
        )
        foreign = await storage.assisted.load(
            uow, ambassador_learner_id=mine, public_id="v3", channel="webchat"
        )
        no_role = await storage.assisted.load(
            uow, ambassador_learner_id=999_999, public_id="v1", channel="webchat"
        )
    assert [(v.public_id, v.alias) for v in listed] == [("v1", "Bà Tư"), ("v2", "Ông Năm")]
    assert loaded is not None and loaded.learner is not None
    assert loaded.learner.public_id == "v2" and loaded.consent_version == CONSENT_VERSION
    assert loaded.key.channel == "webchat" and loaded.key.message_key is None
    assert foreign is None and no_role is None


async def test_completions_keep_assisted_and_self_completed_apart(storage: Storage) -> None:
    mine = await ambassador(storage, "amb")
    ba_tu = await add(storage, mine, villager("v1", "Bà Tư"))
    async with storage.unit_of_work(NOW) as uow:
        loaded = await storage.assisted.load(
            uow, ambassador_learner_id=mine, public_id="v1", channel="webchat"
        )
        [me] = await storage.turns.load(uow, [TurnKey("webchat", "me")])
        assert loaded is not None and loaded.learner is not None and me.learner is not None
        read = (LessonCompleted("A1"),)
        passed = (QuizFinished("A1", 1, 4.0, 4, True),)
        on_my_own = me.learner.state.model_copy(update={"consent": True})
        on_my_own.profile.commune = BA_DINH
        await storage.turns.save(
            uow,
            [
                SavedTurn(loaded, loaded.learner.state, read + passed, None, assisted=True),
                SavedTurn(me, on_my_own, read, None),
            ],
            content_version="test",
            module_of=MODULES,
        )
    elsewhere = await ambassador(storage, "other", NGOC_HA)
    await add(storage, elsewhere, villager("v3", "Cô Ba", NGOC_HA))

    assert await storage.assisted.completions(BA_DINH) == {
        "lesson_completed": AssistedSplit(own=1, assisted=1),
        "quiz_passed": AssistedSplit(own=0, assisted=1),
    }
    assert await storage.assisted.completions(NGOC_HA) == {}
    later = NOW + timedelta(seconds=1)
    assert await storage.assisted.completions(BA_DINH, since=later) == {}
    assert await storage.assisted.completions(BA_DINH, until=NOW) == {}
    flagged = {
        (e["learner_id"], e["kind"], e["assisted"]) for e in await storage.rows("completion_event")
    }
    assert (ba_tu, "quiz_passed", True) in flagged


async def test_an_ambassador_erases_their_own_villager_only(storage: Storage) -> None:
    mine, theirs = await ambassador(storage, "amb"), await ambassador(storage, "other", NGOC_HA)
    ba_tu = await add(storage, mine, villager("v1", "Bà Tư"))
    async with storage.unit_of_work(NOW) as uow:
        loaded = await storage.assisted.load(
            uow, ambassador_learner_id=mine, public_id="v1", channel="webchat"
        )
        assert loaded is not None and loaded.learner is not None
        await storage.turns.save(
            uow,
            [SavedTurn(loaded, loaded.learner.state, (LessonCompleted("A1"),), None, True)],
            content_version="test",
            module_of=MODULES,
        )
    async with storage.unit_of_work(NOW) as uow:
        assert not await storage.assisted.erase(uow, ambassador_learner_id=theirs, public_id="v1")
    assert await storage.rows("learner", id=ba_tu) != []
    async with storage.unit_of_work(NOW) as uow:
        assert await storage.assisted.erase(uow, ambassador_learner_id=mine, public_id="v1")
    assert await storage.rows("learner", id=ba_tu) == []
    for table in ("assisted_learner", "enrollment", "lesson_progress"):
        assert await storage.rows(table) == [], table
    [event] = await storage.rows("completion_event")
    assert (event["learner_id"], event["assisted"], event["commune_code"]) == (None, True, BA_DINH)
    assert await storage.assisted.completions(BA_DINH) == {
        "lesson_completed": AssistedSplit(own=0, assisted=1)
    }


async def test_erasing_an_ambassador_erases_the_villagers_only_they_could_reach(
    storage: Storage,
) -> None:
    """Nobody else could see or delete a phone-less villager's data once their ambassador is
    gone; one who linked a phone of their own keeps everything and learns alone."""
    mine, theirs = await ambassador(storage, "amb"), await ambassador(storage, "other", NGOC_HA)
    ba_tu = await add(storage, mine, villager("v1", "Bà Tư"))
    ong_ba = await add(storage, mine, villager("v2", "Ông Ba"))
    co_hai = await add(storage, theirs, villager("v3", "Cô Hai", NGOC_HA))
    async with storage.unit_of_work(NOW) as uow:
        await uow.connection.execute(
            insert(identity_t).values(
                channel="telegram", external_id="42", learner_id=ong_ba, created_at=NOW
            )
        )
    async with storage.unit_of_work(NOW) as uow:
        await erase_learner(uow, mine)
    assert await storage.rows("learner", id=ba_tu) == []
    assert await storage.rows("learner", id=ong_ba) != []
    assert [row["learner_id"] for row in await storage.rows("assisted_learner")] == [co_hai]
    [ambassador_row] = await storage.rows("ambassador", commune_code=BA_DINH)
    assert ambassador_row["learner_id"] is None
