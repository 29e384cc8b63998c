"""Lesson progress, completion events and erasure, written inside a turn's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from bot.core.events import (
    CertificateIssued,
    CourseCompleted,
    LessonCompleted,
    LessonStarted,
    LinkCodeIssued,
    ModuleCompleted,
    OfficialCertificationReported,
    QuizFinished,
)
from bot.core.state import Profile
from storage.db import insert_ignore
from storage.families import leave_family
from storage.repository import UnitOfWork
from storage.tables import (
    ambassador_t,
    answer_t,
    assisted_t,
    certificate_t,
    completion_t,
    contest_attempt_t,
    enrollment_t,
    fire_t,
    identity_t,
    learner_t,
    link_t,
    official_t,
    outbox_t,
    progress_t,
    skill_t,
)
from storage.tallies import anonymise, log_completion

MilestoneEvent = (
    ModuleCompleted
    | CourseCompleted
    | CertificateIssued
    | OfficialCertificationReported
    | LinkCodeIssued
)


def profile_snapshot(profile: Profile) -> dict[str, Any]:
    """Who learned, copied onto each completion event (reports count by these)."""
    return {
        "province_code": profile.province,
        "commune_code": profile.commune,
        "target_group": profile.group.value if profile.group else None,
        "age_band": profile.age_band.value if profile.age_band else None,
    }


async def record_milestone(
    uow: UnitOfWork,
    learner_id: int,
    event: MilestoneEvent,
    *,
    channel: str,
    content_version: str,
    profile: Profile,
    assisted: bool = False,
) -> None:
    """Write a module or course completion, a certificate, a VNeID report or a link code
    (`assisted`: completed in a learning-together session)."""
    conn, now = uow.connection, uow.now
    snapshot = profile_snapshot(profile)

    async def completion(kind: str, lesson_id: str, module_id: str) -> None:
        await log_completion(
            conn,
            {
                "learner_id": learner_id,
                "kind": kind,
                "lesson_id": lesson_id,
                "module_id": module_id,
                "channel": channel,
                "content_version": content_version,
                "occurred_at": now,
                "assisted": assisted,
                **snapshot,
            },
        )

    if isinstance(event, ModuleCompleted):
        if not await _recorded(uow, learner_id, "module_completed", event.module_id):
            await completion("module_completed", event.module_id, event.module_id)
    elif isinstance(event, CourseCompleted):
        if not await _recorded(uow, learner_id, "course_completed", ""):
            await completion("course_completed", "", "")
    elif isinstance(event, OfficialCertificationReported):
        await conn.execute(
            update(learner_t).where(learner_t.c.id == learner_id).values(vneid_reported_at=now)
        )
        await completion("vneid_reported", "", "")
    elif isinstance(event, CertificateIssued):
        await conn.execute(
            insert(certificate_t).values(
                code=event.code,
                learner_id=learner_id,
                display_name=event.display_name[:80],
                modules=json.dumps(list(event.modules)),
                lessons=event.lessons,
                content_version=content_version,
                issued_at=now,
            )
        )
    else:
        # Six digits repeat in time: a used or expired row with the same code makes room.
        await conn.execute(
            delete(link_t).where(
                link_t.c.code == event.code,
                or_(link_t.c.used_at.is_not(None), link_t.c.expires_at <= now),
            )
        )
        await conn.execute(
            insert(link_t).values(
                code=event.code,
                learner_id=learner_id,
                created_at=now,
                expires_at=event.expires_at,
            )
        )


async def _recorded(uow: UnitOfWork, learner_id: int, kind: str, module_id: str) -> bool:
    """Whether this learner's module or course completion is already recorded (a learner
    completes each once, even when two linked apps' progress meets)."""
    found = await uow.connection.scalar(
        select(completion_t.c.id)
        .where(
            completion_t.c.learner_id == learner_id,
            completion_t.c.kind == kind,
            completion_t.c.module_id == module_id,
        )
        .limit(1)
    )
    return found is not None


async def record_progress(
    uow: UnitOfWork,
    learner_id: int,
    event: LessonStarted | LessonCompleted | QuizFinished,
    *,
    channel: str,
    content_version: str,
    module_of: dict[str, str],
    profile: Profile | None = None,
    assisted: bool = False,
) -> None:
    """Update lesson progress and append completion events for one lesson event (`assisted`:
    in a learning-together session, counted apart in reports)."""
    snapshot = {**profile_snapshot(profile or Profile()), "assisted": assisted}
    if isinstance(event, LessonStarted):
        await _progress(uow, learner_id, event.lesson_id, started=True)
    elif isinstance(event, LessonCompleted):
        await _progress(uow, learner_id, event.lesson_id, status="read", read=True)
        await _completion(
            uow, learner_id, "lesson_completed", event.lesson_id, module_of, channel,
            content_version, **snapshot,
        )  # fmt: skip
    else:
        await _finish_quiz(uow, learner_id, event)
        await _completion(
            uow,
            learner_id,
            "quiz_passed" if event.passed else "quiz_failed",
            event.lesson_id,
            module_of,
            channel,
            content_version,
            attempt=event.attempt,
            score=event.points,
            max_score=event.max_points,
            **snapshot,
        )


async def _progress(
    uow: UnitOfWork,
    learner_id: int,
    lesson_id: str,
    *,
    started: bool = False,
    status: str | None = None,
    read: bool = False,
) -> None:
    conn, now = uow.connection, uow.now
    await conn.execute(
        insert_ignore(conn.dialect.name, progress_t).values(
            learner_id=learner_id,
            lesson_id=lesson_id,
            status="started",
            attempts=0,
            started_at=now,
            updated_at=now,
        )
    )
    changes: dict[str, Any] = {"updated_at": now}
    if read:
        changes["read_at"] = func.coalesce(progress_t.c.read_at, now)
    if status == "read":
        # Reading again never downgrades a lesson that was already passed or failed.
        await conn.execute(
            update(progress_t)
            .where(
                progress_t.c.learner_id == learner_id,
                progress_t.c.lesson_id == lesson_id,
                progress_t.c.status == "started",
            )
            .values(status="read")
        )
    if started or read:
        await conn.execute(
            update(progress_t)
            .where(progress_t.c.learner_id == learner_id, progress_t.c.lesson_id == lesson_id)
            .values(**changes)
        )


async def _finish_quiz(uow: UnitOfWork, learner_id: int, event: QuizFinished) -> None:
    conn, now = uow.connection, uow.now
    await _progress(uow, learner_id, event.lesson_id)
    where = and_(progress_t.c.learner_id == learner_id, progress_t.c.lesson_id == event.lesson_id)
    row = (await conn.execute(select(progress_t).where(where))).one()
    ratio = event.points / event.max_points if event.max_points else 0.0
    passed = row.status == "passed" or event.passed
    await conn.execute(
        update(progress_t)
        .where(where)
        .values(
            status="passed" if passed else "failed",
            attempts=max(row.attempts, event.attempt),
            best_score=max(row.best_score or 0.0, ratio),
            passed_at=row.passed_at or (now if event.passed else None),
            updated_at=now,
        )
    )


async def _completion(
    uow: UnitOfWork,
    learner_id: int,
    kind: str,
    lesson_id: str,
    module_of: dict[str, str],
    channel: str,
    content_version: str,
    **extra: Any,
) -> None:
    await log_completion(
        uow.connection,
        {
            "learner_id": learner_id,
            "kind": kind,
            "lesson_id": lesson_id,
            "module_id": module_of.get(lesson_id, lesson_id[:1]),
            "channel": channel,
            "content_version": content_version,
            "occurred_at": uow.now,
            **extra,
        },
    )


async def erase_learner(uow: UnitOfWork, learner_id: int) -> None:
    """Delete a learner's personal data: answers, progress, identities (every app linked with
    /lienket: one learner is one person), queued messages, reminders fired, certificates (the
    only place a name is kept), link codes, who enrolled them, the skills an ambassador
    confirmed for them and their assisted-villager row. Completion events stay, no longer
    linked, with their commune and group, so anonymous totals hold. An ambassador's row stays
    with `learner_id` emptied: the villagers they enrolled stay attributed to it.

    The villagers an ambassador learned with who have no app of their own go too: nobody else
    could ever reach them, see their data or ask for its deletion. One who has since linked a
    phone (/lienket) keeps everything and simply learns alone from now on."""
    conn = uow.connection
    await _release_villagers(uow, learner_id)
    await leave_family(uow, learner_id)
    await anonymise(conn, learner_id, uow.now)
    # An official's row stays too (who granted what), no longer linked to anyone.
    # Contest attempts stay counted in their commune's standings, unlinked; the participation
    # code goes with the person.
    await conn.execute(
        update(contest_attempt_t)
        .where(contest_attempt_t.c.learner_id == learner_id)
        .values(learner_id=None, certificate_code=None)
    )
    for linked in (ambassador_t, official_t):
        await conn.execute(
            update(linked).where(linked.c.learner_id == learner_id).values(learner_id=None)
        )
    for table in (
        answer_t,
        progress_t,
        identity_t,
        outbox_t,
        fire_t,
        certificate_t,
        link_t,
        enrollment_t,
        skill_t,
        assisted_t,
    ):
        await conn.execute(delete(table).where(table.c.learner_id == learner_id))
    await conn.execute(delete(learner_t).where(learner_t.c.id == learner_id))


async def _release_villagers(uow: UnitOfWork, ambassador_learner_id: int) -> None:
    conn = uow.connection
    mine = select(ambassador_t.c.id).where(ambassador_t.c.learner_id == ambassador_learner_id)
    villagers = (
        await conn.execute(
            select(assisted_t.c.learner_id).where(assisted_t.c.ambassador_id.in_(mine))
        )
    ).scalars()
    for villager in list(villagers):
        has_app = await conn.scalar(
            select(identity_t.c.id).where(identity_t.c.learner_id == villager).limit(1)
        )
        if has_app is None:
            await erase_learner(uow, villager)
        else:
            await conn.execute(delete(assisted_t).where(assisted_t.c.learner_id == villager))


__all__ = [
    "MilestoneEvent",
    "erase_learner",
    "profile_snapshot",
    "record_milestone",
    "record_progress",
]
