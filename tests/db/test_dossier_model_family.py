"""The dossier is defined once: every shape derives its fields from DossierBase, and the
store's models match its migrations (so adding a field is one model edit and one migration)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)
from counter_app.domain.dossier import DOSSIER_FIELDS
from counter_app.services.read_models import DossierPublic
from counter_app.sync.protocol import DossierRecord
from db.dossiers import dossier_payload
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Dossier
from district_server.models import ServerDossier


def test_every_shape_has_every_shared_field() -> None:
    device = set(Dossier.__table__.columns.keys())  # type: ignore[attr-defined]
    server = set(ServerDossier.__table__.columns.keys())  # type: ignore[attr-defined]
    wire = set(DossierRecord.model_fields)
    payload = set(dossier_payload({"uid": "u", "code": "c", "verify_token": "t",
                                   "procedure_code": "p", "procedure_name": "n", "status": 2,
                                   "channel": 1, "received_at": "r", "due_at": "d"}, []))
    for shape in (device, server, wire, payload):
        assert set(DOSSIER_FIELDS) <= shape
    # The read model shows the shared fields screens need (typed), not a second list to keep.
    shown = set(DossierPublic.__dataclass_fields__)
    assert {"code", "status", "due_at", "received_at", "procedure_code"} <= shown


def test_the_store_models_match_the_migrations(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "c.db")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # FTS5 shadow tables are made by SQL in 0001, and 0003's outbox index by SQL, not models.
    diff = [d for d in diff if not (d[0] == "remove_table" and "fts" in d[1].name)
            and not (d[0] == "remove_index" and d[1].name == "ix_event_state_seq")]
    assert diff == []
