"""Many learners' turns in one transaction: a fixed number of statements per batch.

`Turns.load` reads (and creates) every learner of a batch with a handful of statements;
`Turns.save` writes the core's outcomes back with bulk statements. Rare events (a lesson
started or finished, a quiz finished, an erasure) still take a statement or two each.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update

from bot.core.events import (
    CertificateIssued,
    ConsentChanged,
    ContestAnswered,
    ContestFinished,
    ContestStarted,
    CourseCompleted,
    DataErased,
    DomainEvent,
    Enrolled,
    FamilyCreated,
    FamilyHelperChosen,
    FamilyJoined,
    FamilyLeft,
    LessonCompleted,
    LessonStarted,
    LocaleChanged,
    ModuleCompleted,
    NudgeQueued,
    OfficialCertificationReported,
    QuestionAnswered,
    QuizFinished,
    ReviewAnswered,
    SkillConfirmed,
)
from bot.core.families import FamilyRule
from bot.core.state import LearnerState
from storage.ambassadors import record_enrollment
from storage.contests import record_contest_event
from storage.db import as_utc, insert_ignore
from storage.families import NewlyDigital, families_of, record_family, refresh_families
from storage.progress import MilestoneEvent, erase_learner, record_milestone, record_progress
from storage.repository import Storage, UnitOfWork
from storage.roster import record_nudge, record_skill
from storage.tables import answer_t, identity_t, learner_t, processed_t, progress_t
from storage.tallies import sync_enrolled


@dataclass(frozen=True)
class LearnerRecord:
    """A learner as the service sees it."""

    id: int
    public_id: str
    state: LearnerState
    created: bool


@dataclass(frozen=True)
class Duplicate:
    """The message key was seen before; `response` is what was answered then (JSON), if kept."""

    response: str | None


@dataclass(frozen=True)
class TurnKey:
    """Who wrote, on which channel, with which platform message id (if any)."""

    channel: str
    external_id: str
    message_key: str | None = None


@dataclass(frozen=True)
class LoadedTurn:
    """A turn ready for the engine: the learner, or the earlier answer to a duplicate."""

    key: TurnKey
    learner: LearnerRecord | None
    duplicate: Duplicate | None = None
    consent_version: str | None = None
    consent_at: datetime | None = None


@dataclass(frozen=True)
class SavedTurn:
    """What to write for one turn: the learner's new state and the core's domain events."""

    turn: LoadedTurn
    state: LearnerState
    events: tuple[DomainEvent, ...]
    response: str | None
    # A villager's turn run on an ambassador's phone: completions are flagged assisted.
    assisted: bool = False


_UPDATE_LEARNER = (
    update(learner_t)
    .where(learner_t.c.id == bindparam("learner_id"))
    .values(
        state=bindparam("state"),
        locale=bindparam("locale"),
        consent_version=bindparam("consent_version"),
        consent_at=bindparam("consent_at"),
        province_code=bindparam("province_code"),
        commune_code=bindparam("commune_code"),
        admin_version=bindparam("admin_version"),
        target_group=bindparam("target_group"),
        age_band=bindparam("age_band"),
        reminder_slot=bindparam("reminder_slot"),
        last_step_on=bindparam("last_step_on"),
        updated_at=bindparam("now"),
        last_seen_at=bindparam("now"),
    )
)
_TOUCH_IDENTITY = (
    update(identity_t)
    .where(identity_t.c.id == bindparam("identity_id"))
    .values(last_inbound_at=bindparam("now"), unreachable_since=None, unreachable_reason=None)
)


# A lesson opened: what `record_progress` does for one LessonStarted (insert the
# progress row if missing, touch it), for every learner of a batch at once.
_FRESH_INBOUND = timedelta(minutes=1)  # last-inbound precision: reply windows are in days
_TOUCH_LESSONS = (
    update(progress_t)
    .where(
        progress_t.c.learner_id == bindparam("b_learner"),
        progress_t.c.lesson_id == bindparam("b_lesson"),
    )
    .values(updated_at=bindparam("b_now"))
)


# What a learner did: written only for a learner who agreed (decisions 3 and 22). Without
# consent lessons and the handbook are open, and the core records none of these; should one
# come anyway, it stops here.
_NEEDS_CONSENT = (
    ContestStarted,
    ContestAnswered,
    ContestFinished,
    LessonStarted,
    LessonCompleted,
    QuestionAnswered,
    QuizFinished,
    ModuleCompleted,
    CourseCompleted,
    CertificateIssued,
    OfficialCertificationReported,
    ReviewAnswered,
    FamilyCreated,
    FamilyJoined,
)


def _recorded_events(save: SavedTurn) -> list[DomainEvent]:
    """The turn's events storage writes: those about what the learner did need consent."""
    if save.state.consent:
        return list(save.events)
    return [event for event in save.events if not isinstance(event, _NEEDS_CONSENT)]


def _lock_key(channel: str, external_id: str) -> int:
    digest = hashlib.blake2b(f"{channel}\0{external_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Turns:
    """Learners' turns, many per transaction (`Storage.turns`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def load(self, uow: UnitOfWork, keys: Sequence[TurnKey]) -> list[LoadedTurn]:
        """Lock, de-duplicate and load (or create) the learners of a batch, in `keys` order.

        Raises:
            ValueError: one identity appears twice (the caller serialises a learner's turns).
        """
        return await _load_turns(uow, keys)

    async def save(
        self,
        uow: UnitOfWork,
        saves: Sequence[SavedTurn],
        *,
        content_version: str,
        module_of: dict[str, str],
        family_rule: FamilyRule = FamilyRule.ADULTS,
    ) -> list[NewlyDigital]:
        """Write every turn's outcome (see `_save_turns`); the families of the batch's
        learners are checked against `family_rule` afterwards (`storage/families.py`): those
        that became a "Gia đình số" are returned."""
        return await _save_turns(
            uow,
            saves,
            content_version=content_version,
            module_of=module_of,
            family_rule=family_rule,
        )


async def _load_turns(uow: UnitOfWork, keys: Sequence[TurnKey]) -> list[LoadedTurn]:
    """Lock, de-duplicate and load (or create) the learners of a batch, in `keys` order.

    Raises:
        ValueError: one identity appears twice (the caller serialises a learner's turns).
    """
    conn, now = uow.connection, uow.now
    identities = {(k.channel, k.external_id) for k in keys}
    if len(identities) != len(keys):
        raise ValueError("a batch holds at most one turn per learner")
    if conn.dialect.name == "postgresql":
        # Sorted, so two workers locking overlapping batches never wait on each other in a cycle.
        lock_keys = sorted(_lock_key(c, e) for c, e in identities)
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"),
            {"keys": lock_keys},
        )

    message_keys = {(k.channel, k.message_key[:128]) for k in keys if k.message_key}
    seen: dict[tuple[str, str], str | None] = {}
    if message_keys:
        rows = await conn.execute(
            select(processed_t.c.channel, processed_t.c.message_key, processed_t.c.response).where(
                processed_t.c.message_key.in_(sorted({key for _c, key in message_keys}))
            )
        )
        seen = {
            (r.channel, r.message_key): r.response
            for r in rows
            if (r.channel, r.message_key) in message_keys
        }

    rows = await conn.execute(
        select(
            identity_t.c.channel,
            identity_t.c.external_id,
            identity_t.c.id.label("identity_id"),
            identity_t.c.unreachable_since,
            identity_t.c.last_inbound_at,
            learner_t.c.id,
            learner_t.c.public_id,
            learner_t.c.state,
            learner_t.c.consent_version,
            learner_t.c.consent_at,
        )
        .join(learner_t, identity_t.c.learner_id == learner_t.c.id)
        .where(identity_t.c.external_id.in_(sorted({e for _c, e in identities})))
        # PostgreSQL: a learner linked to two apps has two identity locks; the row lock makes
        # two processes take its turns one after the other (SQLite has one writer anyway).
        .with_for_update(of=learner_t)
    )
    found = {
        (r.channel, r.external_id): r for r in rows if (r.channel, r.external_id) in identities
    }

    touch = [
        {"identity_id": r.identity_id, "now": now}
        for r in found.values()
        if r.unreachable_since is not None
        or r.last_inbound_at is None
        or now - as_utc(r.last_inbound_at) > _FRESH_INBOUND
    ]
    if touch:
        await conn.execute(_TOUCH_IDENTITY, touch)

    missing = [k for k in keys if (k.channel, k.external_id) not in found]
    created: dict[tuple[str, str], LearnerRecord] = {}
    if missing:
        params = [
            {
                "public_id": secrets.token_hex(8),
                "state": "{}",
                "created_at": now,
                "updated_at": now,
                "last_seen_at": now,
            }
            for _ in missing
        ]
        result = await conn.execute(
            insert(learner_t).returning(
                learner_t.c.id, learner_t.c.public_id, sort_by_parameter_order=True
            ),
            params,
        )
        ids = result.all()
        await conn.execute(
            insert(identity_t),
            [
                {
                    "channel": k.channel,
                    "external_id": k.external_id,
                    "learner_id": row.id,
                    "created_at": now,
                    "last_inbound_at": now,
                }
                for k, row in zip(missing, ids, strict=True)
            ],
        )
        for k, row in zip(missing, ids, strict=True):
            created[(k.channel, k.external_id)] = LearnerRecord(
                row.id, row.public_id, LearnerState(), True
            )

    loaded = []
    for key in keys:
        identity = (key.channel, key.external_id)
        if key.message_key and (key.channel, key.message_key[:128]) in seen:
            response = seen[(key.channel, key.message_key[:128])]
            loaded.append(LoadedTurn(key, None, Duplicate(response)))
        elif identity in created:
            loaded.append(LoadedTurn(key, created[identity]))
        else:
            row = found[identity]
            record = LearnerRecord(row.id, row.public_id, LearnerState.from_json(row.state), False)
            loaded.append(LoadedTurn(key, record, None, row.consent_version, row.consent_at))
    return loaded


async def _save_turns(
    uow: UnitOfWork,
    saves: Sequence[SavedTurn],
    *,
    content_version: str,
    module_of: dict[str, str],
    family_rule: FamilyRule = FamilyRule.ADULTS,
) -> list[NewlyDigital]:
    """Write every turn's outcome: claims, learner rows, answers, progress, completions;
    then the families of the batch's learners (before and after) meet the rule again.

    Lessons opened (LessonStarted, the frequent progress event) are written for the whole batch
    with two statements, before the other events: it only creates a missing progress row and
    sets `updated_at`, which every progress event sets to the same `now`, so its place among a
    learner's events changes nothing. The rarer events keep a few statements each, in order.
    """
    conn, now = uow.connection, uow.now
    await _start_lessons(uow, saves)
    claims = [
        {
            "channel": s.turn.key.channel,
            "message_key": s.turn.key.message_key[:128],
            "response": s.response,
            "processed_at": now,
        }
        for s in saves
        if s.turn.key.message_key
    ]
    if claims:
        await conn.execute(insert(processed_t), claims)

    learner_rows: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    families = await families_of(
        conn, [s.turn.learner.id for s in saves if s.turn.learner is not None]
    )
    for save in saves:
        learner, channel = save.turn.learner, save.turn.key.channel
        assert learner is not None
        if any(isinstance(event, DataErased) for event in save.events):
            await erase_learner(uow, learner.id)
            continue
        row = {
            "learner_id": learner.id,
            "state": save.state.to_json(),
            "locale": save.state.locale,
            "consent_version": save.turn.consent_version,
            "consent_at": save.turn.consent_at,
            "now": now,
            **_profile_columns(save.state if save.state.consent else LearnerState()),
        }
        for event in _recorded_events(save):
            if isinstance(event, ConsentChanged):
                row["consent_version"] = event.version if event.given else None
                row["consent_at"] = now if event.given else None
            elif isinstance(event, LocaleChanged):
                row["locale"] = event.locale
            elif isinstance(event, QuestionAnswered):
                answers.append(
                    {
                        "learner_id": learner.id,
                        "lesson_id": event.lesson_id,
                        "attempt": event.attempt,
                        "question_id": event.question_id,
                        "answer": event.answer[:200],
                        "correct": event.correct,
                        "points": event.points,
                        "content_version": content_version,
                        "answered_at": now,
                    }
                )
            elif isinstance(event, LessonCompleted | QuizFinished):
                await record_progress(
                    uow,
                    learner.id,
                    event,
                    channel=channel,
                    content_version=content_version,
                    module_of=module_of,
                    profile=save.state.profile,
                    assisted=save.assisted,
                )
            elif isinstance(event, ContestStarted | ContestAnswered | ContestFinished):
                await record_contest_event(uow, learner.id, event)
            elif isinstance(event, Enrolled):
                await record_enrollment(uow, learner.id, event, channel=channel)
            elif isinstance(event, NudgeQueued):
                await record_nudge(uow, event)
            elif isinstance(event, SkillConfirmed):
                await record_skill(uow, event)
            elif isinstance(event, FamilyCreated | FamilyJoined | FamilyHelperChosen | FamilyLeft):
                touched = await record_family(uow, learner.id, event)
                if touched is not None:
                    families.add(touched)
            elif isinstance(event, MilestoneEvent):
                await record_milestone(
                    uow,
                    learner.id,
                    event,
                    channel=channel,
                    content_version=content_version,
                    profile=save.state.profile,
                    assisted=save.assisted,
                )
        learner_rows.append(row)
    if answers:
        await conn.execute(insert(answer_t), answers)
    if learner_rows:
        await conn.execute(_UPDATE_LEARNER, learner_rows)
        await sync_enrolled(conn, [row["learner_id"] for row in learner_rows], now)
    if not families:
        return []
    # After the learner rows: a member's age band or completion may have changed.
    return await refresh_families(uow, families, family_rule)


def _profile_columns(state: LearnerState) -> dict[str, Any]:
    """The learner row's copy of the profile and activity, for SQL queries (reminders,
    reports), written from the state on every save."""
    profile = state.profile
    return {
        "province_code": profile.province,
        "commune_code": profile.commune,
        "admin_version": profile.admin_version,
        "target_group": profile.group.value if profile.group else None,
        "age_band": profile.age_band.value if profile.age_band else None,
        "reminder_slot": profile.reminder.value if profile.reminder else None,
        "last_step_on": state.streak.last_day,
    }


async def _start_lessons(uow: UnitOfWork, saves: Sequence[SavedTurn]) -> None:
    """Every LessonStarted of the batch (not of turns that erase the learner)."""
    started = [
        (save.turn.learner.id, event.lesson_id)
        for save in saves
        if save.turn.learner is not None
        and not any(isinstance(event, DataErased) for event in save.events)
        for event in _recorded_events(save)
        if isinstance(event, LessonStarted)
    ]
    if not started:
        return
    conn, now = uow.connection, uow.now
    await conn.execute(
        insert_ignore(conn.dialect.name, progress_t),
        [
            {
                "learner_id": learner_id,
                "lesson_id": lesson_id,
                "status": "started",
                "attempts": 0,
                "started_at": now,
                "updated_at": now,
            }
            for learner_id, lesson_id in started
        ],
    )
    await conn.execute(
        _TOUCH_LESSONS,
        [
            {"b_learner": learner_id, "b_lesson": lesson_id, "b_now": now}
            for learner_id, lesson_id in started
        ],
    )


__all__ = ["Duplicate", "LearnerRecord", "LoadedTurn", "SavedTurn", "TurnKey", "Turns"]
