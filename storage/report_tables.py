"""The report log's tables beside `completion_event` (decision 35): `tally_event` and the two
rollups the officials' summaries read. Imported by `storage/tables.py`, which they extend."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _utc


class RollupHour(SQLModel, table=True):
    """The completion log counted per UTC hour × province × commune × target group × module,
    kept up to date in the transaction that writes each completion event (`storage/rollups.py`),
    so summaries sum these rows and never scan the log. Hours, not days: a local day in any
    whole-hour zone (Việt Nam: UTC+7) is a range of them. Unknown profile parts are ""."""

    __tablename__ = "rollup_hour"
    __table_args__ = (
        UniqueConstraint(
            "hour", "province_code", "commune_code", "target_group", "module_id", name="uq_rollup"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    hour: datetime = _utc(nullable=False, index=True)  # type: ignore[assignment]
    province_code: str = Field(default="", max_length=2)
    commune_code: str = Field(default="", max_length=5)
    target_group: str = Field(default="", max_length=24)
    module_id: str = Field(default="", max_length=4)
    enrolled: int = 0  # net: learners who started being counted here, less those who left
    lessons_completed: int = 0
    quizzes_passed: int = 0
    modules_completed: int = 0
    course_completed: int = 0
    assisted: int = 0  # lessons completed on an ambassador's phone
    skills_confirmed: int = 0
    vneid_reported: int = 0


class TallyEvent(SQLModel, table=True):
    """The report log's facts that are not completions: a learner counted as enrolled in an
    area (`enrolled`), no longer counted there (`unenrolled`: moved, merged or erased), a
    real-world skill an ambassador confirmed (`skill_confirmed`, `detail` the skill). Kept
    after erasure with `learner_id` emptied, like completion events."""

    __tablename__ = "tally_event"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=16)
    detail: str = Field(default="", max_length=32)
    province_code: str = Field(default="", max_length=2)
    commune_code: str = Field(default="", max_length=5)
    target_group: str = Field(default="", max_length=24)
    occurred_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class RollupActive(SQLModel, table=True):
    """Who learned in which UTC hour, area and module (one row per actor, however many
    events): the distinct "active in the last 7 days" counts sum nothing, they count these
    rows' distinct actors over 168 hours. `actor` is "L<learner id>" or, after erasure, the
    completion events' opaque token."""

    __tablename__ = "rollup_active"
    __table_args__ = (
        UniqueConstraint(
            "hour",
            "province_code",
            "commune_code",
            "target_group",
            "module_id",
            "actor",
            name="uq_rollup_active",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    hour: datetime = _utc(nullable=False, index=True)  # type: ignore[assignment]
    province_code: str = Field(default="", max_length=2)
    commune_code: str = Field(default="", max_length=5)
    target_group: str = Field(default="", max_length=24)
    module_id: str = Field(default="", max_length=4)
    actor: str = Field(max_length=24, index=True)


rollup_t: Table = RollupHour.__table__  # type: ignore[attr-defined]
tally_t: Table = TallyEvent.__table__  # type: ignore[attr-defined]
active_t: Table = RollupActive.__table__  # type: ignore[attr-defined]

__all__ = ["RollupActive", "RollupHour", "TallyEvent", "active_t", "rollup_t", "tally_t"]
