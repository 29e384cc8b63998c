"""ambassadors: codes, invites, enrollments, assisted villagers, skills

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:52:42.195072
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ambassador_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('admin_version', sa.String(length=16), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_table('ambassador',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('admin_version', sa.String(length=16), nullable=True),
    sa.Column('invite_code', sa.String(length=16), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['ambassador_code.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invite_code'),
    sa.UniqueConstraint('learner_id')
    )
    with op.batch_alter_table('ambassador', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ambassador_commune_code'), ['commune_code'], unique=False)

    op.create_table('assisted_learner',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('ambassador_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=40), nullable=False),
    sa.Column('attested_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ambassador_id'], ['ambassador.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('learner_id')
    )
    with op.batch_alter_table('assisted_learner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assisted_learner_ambassador_id'), ['ambassador_id'], unique=False)

    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('ambassador_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ambassador_id'], ['ambassador.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('learner_id')
    )
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_ambassador_id'), ['ambassador_id'], unique=False)

    op.create_table('skill_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=32), nullable=False),
    sa.Column('confirmed_by', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('target_group', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by'], ['ambassador.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('learner_id', 'skill', name='uq_skill_confirmation')
    )
    with op.batch_alter_table('skill_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_confirmation_learner_id'), ['learner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('skill_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_confirmation_learner_id'))

    op.drop_table('skill_confirmation')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_ambassador_id'))

    op.drop_table('enrollment')
    with op.batch_alter_table('assisted_learner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assisted_learner_ambassador_id'))

    op.drop_table('assisted_learner')
    with op.batch_alter_table('ambassador', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ambassador_commune_code'))

    op.drop_table('ambassador')
    op.drop_table('ambassador_code')
