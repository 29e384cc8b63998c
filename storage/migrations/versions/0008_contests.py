"""contests: contest, contest_attempt

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('target_group', sa.String(length=24), nullable=True),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('results_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_opens_at'), ['opens_at'], unique=False)

    op.create_table('contest_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('target_group', sa.String(length=24), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('total_ms', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('certificate_code', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('certificate_code'),
    sa.UniqueConstraint('contest_id', 'learner_id', name='uq_contest_attempt')
    )
    with op.batch_alter_table('contest_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_attempt_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_attempt_learner_id'), ['learner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contest_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_attempt_learner_id'))
        batch_op.drop_index(batch_op.f('ix_contest_attempt_contest_id'))
    op.drop_table('contest_attempt')
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_opens_at'))
        batch_op.drop_index(batch_op.f('ix_contest_closes_at'))
    op.drop_table('contest')
