"""dossier: pages and copies the fee was computed for

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossier') as batch:
        batch.add_column(sa.Column('fee_pages', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(sa.Column('fee_copies', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('dossier') as batch:
        batch.drop_column('fee_copies')
        batch.drop_column('fee_pages')
