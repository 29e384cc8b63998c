"""The database tables (SQLModel). Every timestamp is timezone-aware UTC.

Alembic migrations in `storage/migrations/` create these; a test checks that the models and
the migrations agree, so a column added here without a migration fails CI.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, Index, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utc(**kwargs: object) -> object:
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))  # type: ignore[arg-type]


class Learner(SQLModel, table=True):
    """A pseudonymous learner: no name, no phone, no ID number."""

    __tablename__ = "learner"

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=32, unique=True, index=True)
    locale: str | None = Field(default=None, max_length=8)
    state: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    consent_version: str | None = Field(default=None, max_length=16)
    consent_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    updated_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    last_seen_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    # The profile, copied from the state on every save, for the reminder job and the reports.
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5, index=True)
    admin_version: str | None = Field(default=None, max_length=16)
    target_group: str | None = Field(default=None, max_length=24)
    age_band: str | None = Field(default=None, max_length=8)
    reminder_slot: str | None = Field(default=None, max_length=8)
    # The last local day with a completed step (reminders skip a learner who is done today).
    last_step_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # "Certified on VNeID", as the learner reported it: apart from our own completion.
    vneid_reported_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    # Where the learner is counted as enrolled ("province|commune|group", "" for a part not
    # said; NULL: not counted, no consent): compared with the profile on every save, so a
    # change writes one unenrolled and one enrolled tally (`storage/enrolled.py`).
    counted_as: str | None = Field(default=None, max_length=40)


class ChannelIdentity(SQLModel, table=True):
    """Who a learner is on one channel: (channel, external id) -> learner."""

    __tablename__ = "channel_identity"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_channel_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    # Platform said the learner blocked us or is out of the reply window: no proactive sends
    # until they write again (any inbound message clears it).
    unreachable_since: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    unreachable_reason: str | None = Field(default=None, max_length=64)
    last_inbound_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]


class ProcessedMessage(SQLModel, table=True):
    """De-duplication keys of inbound messages, with the replies they produced."""

    __tablename__ = "processed_message"
    __table_args__ = (UniqueConstraint("channel", "message_key", name="uq_processed_message"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    message_key: str = Field(max_length=128)
    response: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    processed_at: datetime = _utc(nullable=False, index=True)  # type: ignore[assignment]


class LessonProgress(SQLModel, table=True):
    """One learner's progress in one lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_id", name="uq_lesson_progress"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    lesson_id: str = Field(max_length=8)
    status: str = Field(max_length=16)  # started | read | passed | failed
    attempts: int = 0
    best_score: float | None = None
    started_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    read_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    passed_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    updated_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class QuizAnswer(SQLModel, table=True):
    """Every answer a learner gave to a quiz question."""

    __tablename__ = "quiz_answer"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    lesson_id: str = Field(max_length=8)
    attempt: int
    question_id: str = Field(max_length=16)
    answer: str = Field(max_length=200)
    correct: bool
    points: float
    content_version: str = Field(max_length=16)
    answered_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class CompletionEvent(SQLModel, table=True):
    """Append-only log: lesson completed, quiz passed, quiz completed-but-failed.

    `learner_id` becomes NULL when a learner asks to be forgotten, so totals stay right
    while nothing points back to the person.
    """

    __tablename__ = "completion_event"
    __table_args__ = (Index("ix_completion_event_kind_lesson", "kind", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", index=True)
    # lesson_completed | quiz_passed | quiz_failed | module_completed | course_completed |
    # vneid_reported (lesson_id is "" for the last two, and the module's id for a module)
    kind: str = Field(max_length=24)
    lesson_id: str = Field(max_length=8)
    module_id: str = Field(max_length=4)
    attempt: int | None = None
    score: float | None = None
    max_score: int | None = None
    channel: str = Field(max_length=16)
    content_version: str = Field(max_length=16)
    occurred_at: datetime = _utc(nullable=False, index=True)  # type: ignore[assignment]
    # Who learned, copied at the time of the event, so anonymous totals by commune x group
    # stay right after the learner is erased.
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5)
    target_group: str | None = Field(default=None, max_length=24)
    age_band: str | None = Field(default=None, max_length=8)
    assisted: bool = False  # learned on an ambassador's phone (issue 11)
    # Who did it, for the distinct "active" counts once `learner_id` is gone: NULL while the
    # learner exists (the learner id stands for them), an opaque token after erasure.
    actor: str | None = Field(default=None, max_length=24)


class InboxEvent(SQLModel, table=True):
    """A raw platform event stored before it is acknowledged, so a crash never loses it.

    Unique on (channel, event_key): a redelivered event is recognised and dropped.
    """

    __tablename__ = "inbox_event"
    __table_args__ = (
        UniqueConstraint("channel", "event_key", name="uq_inbox_event"),
        Index("ix_inbox_event_pending", "processed_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    event_key: str = Field(max_length=128)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    processed_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class OutboxMessage(SQLModel, table=True):
    """A message waiting to be sent (replies, reminders, report pushes), drained by a sender."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe"),
        Index("ix_outbox_due", "channel", "status", "not_before"),
        Index("ix_outbox_sent_at", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    recipient: str = Field(max_length=128)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", index=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(default="normal", max_length=16)
    dedupe_key: str | None = Field(default=None, max_length=160)
    # pending -> sending (claimed by a drainer until `claimed_until`) -> sent | skipped | dead;
    # a claim whose lease ran out (the drainer died) is pending again.
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    not_before: datetime = _utc(nullable=False)  # type: ignore[assignment]
    claimed_until: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    sent_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ChannelToken(SQLModel, table=True):
    """Rotating platform credentials (Zalo OA access/refresh tokens), one row per channel."""

    __tablename__ = "channel_token"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16, unique=True)
    access_token: str = Field(sa_column=Column(Text, nullable=False))
    refresh_token: str = Field(sa_column=Column(Text, nullable=False))
    access_expires_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    generation: int = 0
    updated_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class ScheduledFire(SQLModel, table=True):
    """A reminder or nudge that fired: one row per learner, kind and local day, so a restart
    or a second worker never sends it twice."""

    __tablename__ = "scheduled_fire"
    __table_args__ = (UniqueConstraint("learner_id", "kind", "day", name="uq_scheduled_fire"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    kind: str = Field(max_length=16)  # reminder | nudge
    day: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class Certificate(SQLModel, table=True):
    """A certificate of completion. `display_name` is the only place a name is ever stored,
    and only because the learner asked for it to be printed."""

    __tablename__ = "certificate"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=24, unique=True)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", index=True)
    display_name: str = Field(default="", max_length=80)
    modules: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of module ids
    lessons: int = 0
    content_version: str = Field(max_length=16)
    issued_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class LinkCode(SQLModel, table=True):
    """A one-time code from /lienket: typed on another channel, it links the two identities."""

    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    expires_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    used_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]


class AmbassadorCode(SQLModel, table=True):
    """A code that makes its holder an ambassador for one commune (`/daisu CODE`).

    Only the SHA-256 of the code is kept: a leaked table gives nobody a working code.
    """

    __tablename__ = "ambassador_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    province_code: str = Field(max_length=2)
    commune_code: str = Field(max_length=5)
    admin_version: str | None = Field(default=None, max_length=16)
    max_uses: int = 1
    uses: int = 0
    issued_by: str = Field(max_length=64)  # "cli", or the issuing official's public id
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    expires_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class Ambassador(SQLModel, table=True):
    """A digital ambassador (Đại sứ số) for one commune, with a personal invite code.

    `learner_id` is emptied when the ambassador erases their data: the villagers they enrolled
    stay attributed to "a former ambassador" of that commune.
    """

    __tablename__ = "ambassador"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", unique=True)
    province_code: str = Field(max_length=2)
    commune_code: str = Field(max_length=5, index=True)
    admin_version: str | None = Field(default=None, max_length=16)
    invite_code: str = Field(max_length=16, unique=True)
    code_id: int | None = Field(default=None, foreign_key="ambassador_code.id")
    since: datetime = _utc(nullable=False)  # type: ignore[assignment]


class AssistedLearner(SQLModel, table=True):
    """A villager without a phone of their own, learning on an ambassador's phone ("học cùng").

    The villager is an ordinary learner row with no channel identity; this row says which
    ambassador runs their sessions (and attested, on `attested_at`, that the villager agreed to
    the privacy notice) and the short alias the ambassador chose to tell villagers apart.
    """

    __tablename__ = "assisted_learner"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True)
    ambassador_id: int = Field(foreign_key="ambassador.id", index=True)
    alias: str = Field(max_length=40)
    attested_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class Enrollment(SQLModel, table=True):
    """Who brought a learner in: one row per learner, the first invite wins."""

    __tablename__ = "enrollment"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", unique=True)
    ambassador_id: int = Field(foreign_key="ambassador.id", index=True)
    channel: str = Field(max_length=16)
    via: str = Field(max_length=16)  # link | code | assisted
    enrolled_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class SkillConfirmation(SQLModel, table=True):
    """A real-world skill an ambassador saw the learner do (VNeID level 2, paid by QR, ...)."""

    __tablename__ = "skill_confirmation"
    __table_args__ = (UniqueConstraint("learner_id", "skill", name="uq_skill_confirmation"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    skill: str = Field(max_length=32)
    confirmed_by: int = Field(foreign_key="ambassador.id")
    confirmed_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    # The profile at confirmation time, like completion_event: reports never join the learner.
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5)
    target_group: str | None = Field(default=None, max_length=24)


class Official(SQLModel, table=True):
    """A commune or province official, or an administrator: who may see which numbers.

    `role` is commune | province | admin; the area is the commune (with its province) for a
    commune official, the province for a province official, none for an administrator. An
    official who also chats with the bot is linked to their learner (`/canbo CODE`); one made
    by `hocvuso admin grant` may have no learner at all and sign in by a one-time link.
    """

    __tablename__ = "official"

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=32, unique=True)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", unique=True)
    role: str = Field(max_length=16)
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5)
    # How the dashboard greets them ("Cán bộ UBND xã Tân Phú"): a role title, not a person's name.
    label: str = Field(default="", max_length=80)
    granted_by: str = Field(max_length=64)  # "cli", or the granting official's public id
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    revoked_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]


class OfficialCode(SQLModel, table=True):
    """A one-time (or limited-use) code that makes its typist an official (`/canbo CODE`);
    only the SHA-256 is stored, like ambassador codes."""

    __tablename__ = "official_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5)
    max_uses: int = 1
    uses: int = 0
    issued_by: str = Field(max_length=64)
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    expires_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class OfficialSecret(SQLModel, table=True):
    """A hashed secret an official signs in or calls the API with: a one-time dashboard login
    link (`kind` login: short-lived, single use) or a bearer token for the pull API (`kind` api:
    until revoked). Scoped like its owner, checked on the server for every request."""

    __tablename__ = "official_secret"

    id: int | None = Field(default=None, primary_key=True)
    official_id: int = Field(foreign_key="official.id", index=True)
    kind: str = Field(max_length=8)  # login | api
    secret_hash: str = Field(max_length=64, unique=True)
    label: str = Field(default="", max_length=80)
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    expires_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    used_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    revoked_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]


class Target(SQLModel, table=True):
    """A commune's target for one group and year: the population (denominator) and the share
    of it the provincial plan asks to reach (`hocvuso targets import`)."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("year", "commune_code", "target_group", name="uq_target"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    province_code: str = Field(max_length=2, index=True)
    commune_code: str = Field(max_length=5)
    target_group: str = Field(max_length=24)
    population: int
    target_percent: float
    source: str = Field(default="", max_length=120)  # the imported file's name
    imported_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


# Core-level handles of the tables, for the statements inside `storage/` (never outside it).
learner_t: Table = Learner.__table__  # type: ignore[attr-defined]
identity_t: Table = ChannelIdentity.__table__  # type: ignore[attr-defined]
processed_t: Table = ProcessedMessage.__table__  # type: ignore[attr-defined]
progress_t: Table = LessonProgress.__table__  # type: ignore[attr-defined]
answer_t: Table = QuizAnswer.__table__  # type: ignore[attr-defined]
completion_t: Table = CompletionEvent.__table__  # type: ignore[attr-defined]
inbox_t: Table = InboxEvent.__table__  # type: ignore[attr-defined]
outbox_t: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
token_t: Table = ChannelToken.__table__  # type: ignore[attr-defined]
fire_t: Table = ScheduledFire.__table__  # type: ignore[attr-defined]
certificate_t: Table = Certificate.__table__  # type: ignore[attr-defined]
link_t: Table = LinkCode.__table__  # type: ignore[attr-defined]
ambassador_code_t: Table = AmbassadorCode.__table__  # type: ignore[attr-defined]
ambassador_t: Table = Ambassador.__table__  # type: ignore[attr-defined]
assisted_t: Table = AssistedLearner.__table__  # type: ignore[attr-defined]
enrollment_t: Table = Enrollment.__table__  # type: ignore[attr-defined]
skill_t: Table = SkillConfirmation.__table__  # type: ignore[attr-defined]
official_t: Table = Official.__table__  # type: ignore[attr-defined]
official_code_t: Table = OfficialCode.__table__  # type: ignore[attr-defined]
official_secret_t: Table = OfficialSecret.__table__  # type: ignore[attr-defined]
target_t: Table = Target.__table__  # type: ignore[attr-defined]

# The report log's other half and its rollups (decision 35), in their own module for length.
# The families (Gia đình số), in their own module for length.
# The contests (decision 41).
from storage.contest_tables import Contest as Contest  # noqa: E402
from storage.contest_tables import ContestAttempt as ContestAttempt  # noqa: E402
from storage.contest_tables import contest_attempt_t as contest_attempt_t  # noqa: E402
from storage.contest_tables import contest_t as contest_t  # noqa: E402
from storage.family_tables import Family as Family  # noqa: E402
from storage.family_tables import FamilyCertificate as FamilyCertificate  # noqa: E402
from storage.family_tables import FamilyMember as FamilyMember  # noqa: E402
from storage.family_tables import family_certificate_t as family_certificate_t  # noqa: E402
from storage.family_tables import family_member_t as family_member_t  # noqa: E402
from storage.family_tables import family_t as family_t  # noqa: E402
from storage.report_tables import (  # noqa: E402 - after `_utc`, which they use
    RollupActive as RollupActive,
)
from storage.report_tables import RollupHour as RollupHour  # noqa: E402
from storage.report_tables import TallyEvent as TallyEvent  # noqa: E402
from storage.report_tables import active_t as active_t  # noqa: E402
from storage.report_tables import rollup_t as rollup_t  # noqa: E402
from storage.report_tables import tally_t as tally_t  # noqa: E402
