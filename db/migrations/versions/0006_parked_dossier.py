"""sync: pulled dossiers parked until their procedure is known locally

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:10:00.000000

Backfills what earlier versions pulled and could not apply (a counter that synced before its
catalogue was loaded): unapplied ``dossier.upsert`` changes and ``dossier.received`` events of
other counters that have no dossier here. The next pull applies those whose procedure is known.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString

_BACKFILL = """
INSERT OR IGNORE INTO parked_dossier(uid, code, procedure_code, record, change_seq, parked_at)
SELECT json_extract(rec, '$.uid'), json_extract(rec, '$.code'),
       json_extract(rec, '$.procedure_code'), rec, seq, at
FROM (SELECT payload AS rec, seq, pulled_at AS at FROM pulled_change
      WHERE kind = 'dossier.upsert' AND applied = 0
      UNION ALL
      SELECT payload AS rec, change_seq AS seq, pulled_at AS at FROM remote_event
      WHERE type = 'dossier.received')
WHERE json_valid(rec) AND json_type(rec, '$.uid') = 'text'
  AND json_type(rec, '$.code') = 'text' AND json_type(rec, '$.procedure_code') = 'text'
  AND NOT EXISTS (SELECT 1 FROM dossier d WHERE d.uid = json_extract(rec, '$.uid')
                  OR d.code = upper(trim(json_extract(rec, '$.code'))))
"""


def upgrade() -> None:
    op.create_table('parked_dossier',
    sa.Column('uid', _S(), nullable=False),
    sa.Column('code', _S(), nullable=False),
    sa.Column('procedure_code', _S(), nullable=False),
    sa.Column('record', _S(), nullable=False),
    sa.Column('change_seq', sa.Integer(), nullable=False),
    sa.Column('parked_at', _S(), nullable=False),
    sa.PrimaryKeyConstraint('uid')
    )
    with op.batch_alter_table('parked_dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parked_dossier_procedure_code'),
                              ['procedure_code'], unique=False)
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table('parked_dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parked_dossier_procedure_code'))
    op.drop_table('parked_dossier')
