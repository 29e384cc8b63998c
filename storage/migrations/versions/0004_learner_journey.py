"""learner journey: profile, reminders fired, certificates, link codes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:05:20.145816
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('modules', sa.Text(), nullable=False),
    sa.Column('lessons', sa.Integer(), nullable=False),
    sa.Column('content_version', sa.String(length=16), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_learner_id'), ['learner_id'], unique=False)

    op.create_table('link_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('link_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_code_learner_id'), ['learner_id'], unique=False)

    op.create_table('scheduled_fire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('learner_id', 'kind', 'day', name='uq_scheduled_fire')
    )
    with op.batch_alter_table('scheduled_fire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_fire_learner_id'), ['learner_id'], unique=False)

    with op.batch_alter_table('completion_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_code', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('target_group', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('age_band', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("assisted", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_code', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('admin_version', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('target_group', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('age_band', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('reminder_slot', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('last_step_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('vneid_reported_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_learner_commune_code'), ['commune_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learner_commune_code'))
        batch_op.drop_column('vneid_reported_at')
        batch_op.drop_column('last_step_on')
        batch_op.drop_column('reminder_slot')
        batch_op.drop_column('age_band')
        batch_op.drop_column('target_group')
        batch_op.drop_column('admin_version')
        batch_op.drop_column('commune_code')
        batch_op.drop_column('province_code')

    with op.batch_alter_table('completion_event', schema=None) as batch_op:
        batch_op.drop_column('assisted')
        batch_op.drop_column('age_band')
        batch_op.drop_column('target_group')
        batch_op.drop_column('commune_code')
        batch_op.drop_column('province_code')

    with op.batch_alter_table('scheduled_fire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_fire_learner_id'))

    op.drop_table('scheduled_fire')
    with op.batch_alter_table('link_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_code_learner_id'))

    op.drop_table('link_code')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_learner_id'))

    op.drop_table('certificate')
