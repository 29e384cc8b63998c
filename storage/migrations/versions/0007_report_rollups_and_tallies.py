"""report rollups and tallies: rollup_hour, rollup_active, tally_event, learner.counted_as,
completion_event.actor; the existing log counted into the new rollups

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:33:36.903523
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rollup_active',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('target_group', sa.String(length=24), nullable=False),
    sa.Column('module_id', sa.String(length=4), nullable=False),
    sa.Column('actor', sa.String(length=24), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hour', 'province_code', 'commune_code', 'target_group', 'module_id', 'actor', name='uq_rollup_active')
    )
    with op.batch_alter_table('rollup_active', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_active_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_rollup_active_hour'), ['hour'], unique=False)

    op.create_table('rollup_hour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('target_group', sa.String(length=24), nullable=False),
    sa.Column('module_id', sa.String(length=4), nullable=False),
    sa.Column('enrolled', sa.Integer(), nullable=False),
    sa.Column('lessons_completed', sa.Integer(), nullable=False),
    sa.Column('quizzes_passed', sa.Integer(), nullable=False),
    sa.Column('modules_completed', sa.Integer(), nullable=False),
    sa.Column('course_completed', sa.Integer(), nullable=False),
    sa.Column('assisted', sa.Integer(), nullable=False),
    sa.Column('skills_confirmed', sa.Integer(), nullable=False),
    sa.Column('vneid_reported', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hour', 'province_code', 'commune_code', 'target_group', 'module_id', name='uq_rollup')
    )
    with op.batch_alter_table('rollup_hour', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_hour_hour'), ['hour'], unique=False)

    op.create_table('tally_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.String(length=32), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('target_group', sa.String(length=24), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tally_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tally_event_learner_id'), ['learner_id'], unique=False)

    with op.batch_alter_table('completion_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=24), nullable=True))

    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_as', sa.String(length=40), nullable=True))

    _backfill(op.get_bind())



def downgrade() -> None:
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.drop_column('counted_as')

    with op.batch_alter_table('completion_event', schema=None) as batch_op:
        batch_op.drop_column('actor')

    with op.batch_alter_table('tally_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tally_event_learner_id'))

    op.drop_table('tally_event')
    with op.batch_alter_table('rollup_hour', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_hour_hour'))

    op.drop_table('rollup_hour')
    with op.batch_alter_table('rollup_active', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_active_hour'))
        batch_op.drop_index(batch_op.f('ix_rollup_active_actor'))

    op.drop_table('rollup_active')


# The backfill, frozen here as the rules stood at this revision (`storage/rollups.py` and
# `storage/tallies.py` may change later; a migration must not).
_COUNTED = {
    "lesson_completed": ("lessons_completed", 1),
    "quiz_passed": ("quizzes_passed", 1),
    "module_completed": ("modules_completed", 1),
    "course_completed": ("course_completed", 1),
    "vneid_reported": ("vneid_reported", 1),
    "enrolled": ("enrolled", 1),
    "skill_confirmed": ("skills_confirmed", 1),
}
_ACTIVITY = ("lesson_completed", "quiz_passed", "quiz_failed")
_COLUMNS = (
    "enrolled", "lessons_completed", "quizzes_passed", "modules_completed",
    "course_completed", "assisted", "skills_confirmed", "vneid_reported",
)


def _hour(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def _backfill(bind: Any) -> None:
    """Tally who is enrolled now (at their consent) and the skills confirmed so far, then
    count the whole log into the rollups."""
    meta = sa.MetaData()
    learner = sa.Table("learner", meta, autoload_with=bind)
    completion = sa.Table("completion_event", meta, autoload_with=bind)
    skill = sa.Table("skill_confirmation", meta, autoload_with=bind)
    tally = sa.Table("tally_event", meta, autoload_with=bind)
    hourly = sa.Table("rollup_hour", meta, autoload_with=bind)
    active = sa.Table("rollup_active", meta, autoload_with=bind)
    tallies = []
    for row in bind.execute(sa.select(learner).where(learner.c.consent_version.is_not(None))):
        area = (row.province_code or "", row.commune_code or "", row.target_group or "")
        bind.execute(
            sa.update(learner).where(learner.c.id == row.id).values(counted_as="|".join(area))
        )
        tallies.append(
            {"learner_id": row.id, "kind": "enrolled", "detail": "",
             "province_code": area[0], "commune_code": area[1], "target_group": area[2],
             "occurred_at": row.consent_at or row.created_at}
        )
    for row in bind.execute(sa.select(skill)):
        tallies.append(
            {"learner_id": row.learner_id, "kind": "skill_confirmed", "detail": row.skill,
             "province_code": row.province_code or "", "commune_code": row.commune_code or "",
             "target_group": row.target_group or "", "occurred_at": row.confirmed_at}
        )
    if tallies:
        bind.execute(sa.insert(tally), tallies)
    counts: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_COLUMNS, 0))
    actors = set()
    events = [dict(row._mapping) for row in bind.execute(sa.select(completion))]
    for event in [*events, *tallies]:
        key = (
            _hour(event["occurred_at"]), event["province_code"] or "",
            event["commune_code"] or "", event["target_group"] or "",
            event.get("module_id") or "",
        )
        if event["kind"] in _COUNTED:
            column, amount = _COUNTED[event["kind"]]
            counts[key][column] += amount
            if column == "lessons_completed" and event.get("assisted"):
                counts[key]["assisted"] += amount
        if event["kind"] in _ACTIVITY and event.get("learner_id") is not None:
            actors.add((*key, f"L{event['learner_id']}"))
    names = ("hour", "province_code", "commune_code", "target_group", "module_id")
    if counts:
        bind.execute(
            sa.insert(hourly), [{**dict(zip(names, key)), **values} for key, values in counts.items()]
        )
    if actors:
        bind.execute(sa.insert(active), [dict(zip((*names, "actor"), key)) for key in actors])
