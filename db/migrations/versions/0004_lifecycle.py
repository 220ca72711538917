"""lifecycle: pause, extension and holder of a dossier; its steps, fee payments and rating

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_since', _S(), nullable=True))
        batch_op.add_column(sa.Column('extensions', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('holder', _S(), nullable=False, server_default=''))
    op.create_table('dossier_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('action', _S(), nullable=False),
    sa.Column('from_status', sa.Integer(), nullable=False),
    sa.Column('to_status', sa.Integer(), nullable=False),
    sa.Column('at', _S(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('official_name', _S(), nullable=False),
    sa.Column('counter_no', sa.Integer(), nullable=False),
    sa.Column('from_party', _S(), nullable=False),
    sa.Column('to_party', _S(), nullable=False),
    sa.Column('outcome', _S(), nullable=False),
    sa.Column('reason', _S(), nullable=False),
    sa.Column('detail', _S(), nullable=False),
    sa.Column('event_id', _S(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_step_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_step_dossier_id'), ['dossier_id'],
                              unique=False)
    op.create_table('fee_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', _S(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('method', _S(), nullable=False),
    sa.Column('paid_at', _S(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('official_name', _S(), nullable=False),
    sa.Column('counter_no', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('receipt_no')
    )
    with op.batch_alter_table('fee_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_payment_dossier_id'), ['dossier_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_fee_payment_paid_at'), ['paid_at'], unique=False)
    op.create_table('dossier_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('scores', _S(), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('official_name', _S(), nullable=False),
    sa.Column('counter_no', sa.Integer(), nullable=False),
    sa.Column('channel', _S(), nullable=False),
    sa.Column('rated_at', _S(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id')
    )


def downgrade() -> None:
    op.drop_table('dossier_rating')
    with op.batch_alter_table('fee_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_payment_paid_at'))
        batch_op.drop_index(batch_op.f('ix_fee_payment_dossier_id'))
    op.drop_table('fee_payment')
    with op.batch_alter_table('dossier_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_step_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_step_at'))
    op.drop_table('dossier_step')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('holder')
        batch_op.drop_column('extensions')
        batch_op.drop_column('paused_since')
