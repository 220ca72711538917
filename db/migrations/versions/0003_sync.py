"""sync: enrolment state, pulled events and changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('sync_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('server_url', _S(), nullable=False),
    sa.Column('device_id', _S(), nullable=False),
    sa.Column('ward_code', _S(), nullable=False),
    sa.Column('ward_name', _S(), nullable=False),
    sa.Column('counter_no', sa.Integer(), nullable=False),
    sa.Column('code_range_start', sa.Integer(), nullable=False),
    sa.Column('code_range_end', sa.Integer(), nullable=False),
    sa.Column('seq_offset', sa.Integer(), nullable=False),
    sa.Column('credential_store', _S(), nullable=False),
    sa.Column('enrolled_at', _S(), nullable=False),
    sa.Column('pull_cursor', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', _S(), nullable=True),
    sa.Column('last_success_at', _S(), nullable=True),
    sa.Column('last_server_time', _S(), nullable=True),
    sa.Column('last_outcome', _S(), nullable=False),
    sa.Column('last_error', _S(), nullable=False),
    sa.Column('auth_failed', sa.Boolean(), nullable=False),
    sa.Column('clock_skew_s', sa.Float(), nullable=True),
    sa.Column('server_last_applied_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('remote_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', _S(), nullable=False),
    sa.Column('device_id', _S(), nullable=False),
    sa.Column('device_seq', sa.Integer(), nullable=False),
    sa.Column('entity_type', _S(), nullable=False),
    sa.Column('entity_uid', _S(), nullable=False),
    sa.Column('type', _S(), nullable=False),
    sa.Column('payload', _S(), nullable=False),
    sa.Column('payload_hash', _S(), nullable=False),
    sa.Column('device_time', _S(), nullable=False),
    sa.Column('change_seq', sa.Integer(), nullable=False),
    sa.Column('pulled_at', _S(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('remote_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remote_event_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remote_event_entity_uid'), ['entity_uid'], unique=False)
    op.create_table('pulled_change',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', _S(), nullable=False),
    sa.Column('payload', _S(), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('pulled_at', _S(), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    # The pump reads pending events in device order; this keeps each batch an index range scan.
    op.create_index('ix_event_state_seq', 'event', ['state', 'device_seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_event_state_seq', table_name='event')
    op.drop_table('pulled_change')
    with op.batch_alter_table('remote_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remote_event_entity_uid'))
        batch_op.drop_index(batch_op.f('ix_remote_event_device_id'))
    op.drop_table('remote_event')
    op.drop_table('sync_state')
