"""The contests' tables (decision 41): `contest` (what an official set up) and
`contest_attempt` (one row per learner and contest, unique). Imported by `storage/tables.py`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _utc


class Contest(SQLModel, table=True):
    """A timed quiz an official opens to the learners of their area (`hocvuso contest create`,
    the dashboard). The questions are stored whole (quiz questions as JSON), so a later edit of
    the course changes no running contest. `results_at` is set once, when the standings are
    computed and each player's result is queued."""

    __tablename__ = "contest"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    opens_at: datetime = _utc(nullable=False, index=True)  # type: ignore[assignment]
    closes_at: datetime = _utc(nullable=False, index=True)  # type: ignore[assignment]
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5)
    target_group: str | None = Field(default=None, max_length=24)
    seconds: int  # per question
    questions: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    source: str = Field(default="", max_length=200)  # "lessons A1,B2" or the GIFT file's name
    official_id: int | None = Field(default=None, foreign_key="official.id")
    created_by: str = Field(default="", max_length=64)
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    results_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]


class ContestAttempt(SQLModel, table=True):
    """A learner's one attempt at a contest. The unique (contest, learner) pair is what refuses
    a second attempt, whatever the conversation state says. Each answer updates this row only
    (no shared counter); the rank is written once, at the close. The area and group are copied
    when the attempt starts, and stay (with `learner_id` emptied) when the learner is erased,
    so the standings by commune hold."""

    __tablename__ = "contest_attempt"
    __table_args__ = (UniqueConstraint("contest_id", "learner_id", name="uq_contest_attempt"),)

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contest.id", index=True)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", index=True)
    province_code: str = Field(default="", max_length=2)
    commune_code: str = Field(default="", max_length=5)
    target_group: str = Field(default="", max_length=24)
    started_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    answered: int = 0
    score: int = 0
    total_ms: int = 0
    finished_at: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    rank: int | None = None
    certificate_code: str | None = Field(default=None, max_length=16, unique=True)


contest_t: Table = Contest.__table__  # type: ignore[attr-defined]
contest_attempt_t: Table = ContestAttempt.__table__  # type: ignore[attr-defined]
