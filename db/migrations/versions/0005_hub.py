"""hub: paired PCs, pairing codes, idempotent queue requests, the ward relay, the hub link

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On the hub: the PCs it trusts (token stored as a SHA-256 hash only).
    op.create_table('hub_peer',
    sa.Column('peer_id', sa.String(), primary_key=True),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('token_hash', sa.String(), nullable=False, unique=True),
    sa.Column('paired_at', sa.String(), nullable=False),
    sa.Column('last_seen_at', sa.String(), nullable=True),
    sa.Column('revoked_at', sa.String(), nullable=True),
    )
    op.create_table('hub_pair_code',
    sa.Column('code_hash', sa.String(), primary_key=True),
    sa.Column('created_at', sa.String(), nullable=False),
    sa.Column('expires_at', sa.String(), nullable=False),
    sa.Column('used_at', sa.String(), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False, server_default='0'),
    )
    # On the hub: one row per applied queue action, committed with the action itself.
    op.create_table('hub_request',
    sa.Column('key', sa.String(), primary_key=True),
    sa.Column('peer_id', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('ticket_uid', sa.String(), nullable=True),
    sa.Column('created_at', sa.String(), nullable=False),
    )
    # On the hub: the ward's events relayed between counters and on to upstream (its outbox).
    op.create_table('hub_relay',
    sa.Column('seq', sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column('event_id', sa.String(), nullable=False, unique=True),
    sa.Column('device_id', sa.String(), nullable=False),
    sa.Column('device_seq', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(), nullable=False),
    sa.Column('entity_uid', sa.String(), nullable=False),
    sa.Column('type', sa.String(), nullable=False),
    sa.Column('payload', sa.String(), nullable=False),
    sa.Column('payload_hash', sa.String(), nullable=False),
    sa.Column('device_time', sa.String(), nullable=False),
    sa.Column('received_at', sa.String(), nullable=False),
    sa.Column('upstream_state', sa.String(), nullable=False, server_default='pending'),
    sa.Column('upstream_error', sa.String(), nullable=False, server_default=''),
    sa.UniqueConstraint('device_id', 'device_seq', name='uq_hub_relay_device_seq'),
    sqlite_autoincrement=True,
    )
    op.create_index('ix_hub_relay_upstream', 'hub_relay', ['upstream_state', 'device_id',
                                                           'device_seq'])
    # On the hub: where each counter's events go upstream (its credential is in the
    # credential store, never in this table).
    op.create_table('hub_upstream',
    sa.Column('device_id', sa.String(), primary_key=True),
    sa.Column('url', sa.String(), nullable=False),
    sa.Column('credential_kind', sa.String(), nullable=False),
    sa.Column('updated_at', sa.String(), nullable=False),
    sa.Column('last_outcome', sa.String(), nullable=False, server_default=''),
    )
    # On every paired PC: which hub, which role, the hub change-log cursor.
    op.create_table('hub_link',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('hub_url', sa.String(), nullable=False),
    sa.Column('peer_id', sa.String(), nullable=False),
    sa.Column('credential_kind', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('ward_code', sa.String(), nullable=False),
    sa.Column('hub_name', sa.String(), nullable=False),
    sa.Column('pull_cursor', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('paired_at', sa.String(), nullable=False),
    sa.Column('last_ok_at', sa.String(), nullable=True),
    sa.Column('last_error', sa.String(), nullable=False, server_default=''),
    )


def downgrade() -> None:
    for name in ('hub_link', 'hub_upstream', 'hub_relay', 'hub_request', 'hub_pair_code',
                 'hub_peer'):
        op.drop_table(name)
