"""`storage.families` on SQLite and PostgreSQL, through `storage.turns.save` as the service
writes turns: a family created and joined (one family per learner, the helper kept), the rule
(`adults` and `everyone`, two members at least) applied in the turn's transaction, the commune
and certificate of a digital family, leaving and erasure keeping the count right, a certificate
that outlives its family."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.core.events import (
    CourseCompleted,
    DataErased,
    DomainEvent,
    FamilyCreated,
    FamilyHelperChosen,
    FamilyJoined,
    FamilyLeft,
)
from bot.core.families import FamilyRule
from bot.core.state import AgeBand, LearnerState, Profile
from storage import SavedTurn, Storage, TurnKey
from storage.merge import merge_learners

NOW = datetime(2026, 3, 10, 3, tzinfo=UTC)
CODE = "GDABC234"


async def turn(
    storage: Storage,
    user: str,
    *events: DomainEvent,
    age: AgeBand | None = AgeBand.FROM_36_TO_59,
    commune: str | None = None,
    rule: FamilyRule = FamilyRule.ADULTS,
) -> int:
    """One consenting learner's turn with `events`, saved as the service saves it; their id."""
    async with storage.unit_of_work(NOW) as uow:
        [loaded] = await storage.turns.load(uow, [TurnKey("telegram", user)])
        assert loaded.learner is not None
        profile = Profile(
            age_band=age, commune=commune, province="01" if commune else None, asked=True
        )
        state = LearnerState(consent=True, profile=profile)
        await storage.turns.save(
            uow,
            [SavedTurn(loaded, state, tuple(events), None)],
            content_version="test",
            module_of={},
            family_rule=rule,
        )
        return loaded.learner.id


async def family_id(storage: Storage) -> int:
    [row] = await storage.rows("family")
    return int(row["id"])


async def members(storage: Storage) -> Sequence[str]:
    return [str(row["alias"]) for row in await storage.rows("family_member")]


async def test_creating_joining_and_one_family_each(storage: Storage) -> None:
    mother = await turn(storage, "mother", FamilyCreated(CODE, "Mẹ"), commune="00004")
    fid = await family_id(storage)
    await turn(storage, "father", FamilyJoined(fid, "Bố"))
    # A second family for a member, or joining twice, is refused quietly.
    await turn(storage, "father", FamilyCreated("GDZZZZZZ", "Bố"))
    await turn(storage, "father", FamilyJoined(fid, "Bố lần hai"))
    assert await members(storage) == ["Mẹ", "Bố"]
    [row] = await storage.rows("family")
    assert row["code"] == CODE and row["helper_learner_id"] == mother and not row["digital"]


async def test_the_rule_counts_adults_and_the_family_becomes_digital_once(
    storage: Storage,
) -> None:
    await turn(storage, "mother", FamilyCreated(CODE, "Mẹ"), commune="00004")
    fid = await family_id(storage)
    await turn(storage, "child", FamilyJoined(fid, "Bé"), age=AgeBand.UNDER_16)
    # The mother has finished; under `adults` the child does not count: digital...
    await turn(storage, "mother", CourseCompleted(), commune="00004")
    assert await storage.families.digital_by_commune() == {"00004": 1}
    [cert] = await storage.rows("family_certificate")
    assert cert["members"] == 2 and cert["commune_code"] == "00004"
    # ...with the `everyone` rule the child counts: not digital any more, the certificate stays.
    await turn(storage, "child", rule=FamilyRule.EVERYONE, age=AgeBand.UNDER_16)
    assert await storage.families.digital_by_commune() == {}
    assert await storage.families.certificate(str(cert["code"]).lower()) is not None
    # Back under `adults`: digital again, with the same certificate.
    await turn(storage, "child", age=AgeBand.UNDER_16)
    assert await storage.families.digital_by_commune() == {"00004": 1}
    assert len(await storage.rows("family_certificate")) == 1


async def test_a_single_member_is_no_digital_family(storage: Storage) -> None:
    await turn(storage, "alone", FamilyCreated(CODE, "Một mình"), CourseCompleted())
    assert await storage.families.digital_by_commune() == {}


async def test_leaving_and_erasure_keep_the_count_right(storage: Storage) -> None:
    mother = await turn(storage, "mother", FamilyCreated(CODE, "Mẹ"), CourseCompleted())
    fid = await family_id(storage)
    father = await turn(storage, "father", FamilyJoined(fid, "Bố"), CourseCompleted())
    await turn(storage, "uncle", FamilyJoined(fid, "Chú"))
    assert await storage.families.digital_by_commune() == {}
    await turn(storage, "uncle", FamilyLeft(fid))  # the one still learning leaves
    assert await storage.families.digital_by_commune() == {"": 1}
    # The father becomes the helper; then he erases his data: one member left, not counted.
    await turn(storage, "mother", FamilyHelperChosen(fid, father))
    [row] = await storage.rows("family")
    assert row["helper_learner_id"] == father
    await turn(storage, "father", DataErased())
    assert await storage.families.digital_by_commune() == {}
    [row] = await storage.rows("family")
    assert row["helper_learner_id"] is None and await members(storage) == ["Mẹ"]
    # A helper chosen outside the family is refused.
    await turn(storage, "mother", FamilyHelperChosen(fid, 999_999))
    assert (await storage.rows("family"))[0]["helper_learner_id"] is None
    # The last member leaves: the family is gone, its certificate is not.
    await turn(storage, "mother", FamilyLeft(fid))
    assert await storage.rows("family") == [] and await storage.rows("family_member") == []
    assert len(await storage.rows("family_certificate")) == 1
    assert mother


async def test_the_family_context_names_members_and_the_invite(storage: Storage) -> None:
    await turn(storage, "mother", FamilyCreated(CODE, "Mẹ"))
    fid = await family_id(storage)
    father = await turn(storage, "father", FamilyJoined(fid, "Bố"))
    stranger = await turn(storage, "stranger")
    async with storage.unit_of_work(NOW) as uow:
        mine = await storage.families.context(
            uow, father, "gd-abc 234", today=NOW.date(), rule=FamilyRule.ADULTS
        )
        other = await storage.families.context(
            uow, stranger, CODE, today=NOW.date(), rule=FamilyRule.ADULTS
        )
        unknown = await storage.families.context(
            uow, stranger, "GDNOPE22", today=NOW.date(), rule=FamilyRule.ADULTS
        )
    assert mine.family is not None and [m.alias for m in mine.family.members] == ["Mẹ", "Bố"]
    assert mine.family.helper is not None and mine.family.helper.alias == "Mẹ"
    assert mine.invite is not None and mine.invite.status.value == "same"
    assert other.family is None and other.invite is not None
    assert other.invite.status.value == "found" and other.invite.helper == "Mẹ"
    assert unknown.invite is not None and unknown.invite.status.value == "unknown"


async def test_linking_apps_moves_the_membership_or_leaves_one_family(storage: Storage) -> None:
    helper = await turn(storage, "mother", FamilyCreated(CODE, "Mẹ"))
    phone = await turn(storage, "mother-zalo")  # the same person on another app, no family
    fid = await family_id(storage)
    son = await turn(storage, "son", FamilyJoined(fid, "Con"))
    other = await turn(storage, "son-web", FamilyCreated("GDQQQQQQ", "Con (web)"))
    async with storage.unit_of_work(NOW) as uow:
        await merge_learners(uow, keep=phone, drop=helper)  # the membership and helper move
        await merge_learners(uow, keep=son, drop=other)  # the son keeps his first family
    rows = {row["learner_id"]: row["alias"] for row in await storage.rows("family_member")}
    assert rows == {phone: "Mẹ", son: "Con"}
    [row] = await storage.rows("family")  # the son's own family, empty, is gone
    assert row["helper_learner_id"] == phone
