"""outbox claims: a lease per row being sent, and an index for pruning sent rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_outbox_sent_at', 'outbox_message', ['sent_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_sent_at', table_name='outbox_message')
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('claimed_until')
