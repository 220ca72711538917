"""Event ids and dossier uids unique per ward, not across wards.

A global unique constraint made a push's answer depend on another ward's data (a ward-A
device learned whether an event id or a dossier uid existed in ward B). The quarantine's
key gets the ward too.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:30:00.000000
"""
from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# SQLite reflects the unique constraints of 0001 without a name; batch mode names them with
# this convention so they can be dropped (PostgreSQL named them <table>_<column>_key).
_NAMES = {"uq": "%(table_name)s_%(column_0_name)s_key"}


def upgrade() -> None:
    with op.batch_alter_table('events', naming_convention=_NAMES) as batch_op:
        batch_op.drop_constraint('events_event_id_key', type_='unique')
        batch_op.create_unique_constraint('uq_events_ward_event', ['ward_id', 'event_id'])
    with op.batch_alter_table('dossiers', naming_convention=_NAMES) as batch_op:
        batch_op.drop_constraint('dossiers_uid_key', type_='unique')
        batch_op.create_unique_constraint('uq_dossiers_ward_uid', ['ward_id', 'uid'])
    with op.batch_alter_table('quarantined_events') as batch_op:
        batch_op.drop_constraint('uq_quarantine', type_='unique')
        batch_op.create_unique_constraint('uq_quarantine',
                                          ['ward_id', 'event_id', 'payload_hash'])


def downgrade() -> None:
    with op.batch_alter_table('quarantined_events') as batch_op:
        batch_op.drop_constraint('uq_quarantine', type_='unique')
        batch_op.create_unique_constraint('uq_quarantine', ['event_id', 'payload_hash'])
    with op.batch_alter_table('dossiers') as batch_op:
        batch_op.drop_constraint('uq_dossiers_ward_uid', type_='unique')
        batch_op.create_unique_constraint('dossiers_uid_key', ['uid'])
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_constraint('uq_events_ward_event', type_='unique')
        batch_op.create_unique_constraint('events_event_id_key', ['event_id'])
