"""Pulled data that arrives early (issue 7, item 6): a dossier pulled before its procedure is
known here is parked (not dropped, not silently skipped), counted for the official, and
applied as soon as the procedure arrives: by a later pulled catalogue version or by a local
catalogue import. The cursor still advances with the data."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from catalogue_helpers import set_up_admin
from server_helpers import make_event, online_dossier, procedure_version

from counter_app.domain.clock import FixedClock, to_db
from counter_app.services.context import build_services
from counter_app.sync import store
from counter_app.sync.protocol import ChangesPage
from counter_app.sync.pump import Outcome, SyncReport
from db.engine import make_engine, unit_of_work
from db.migrate import upgrade
from db.models import SyncState

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
WARD = "000.00.12.H62"
DEFAULT_CODE = "2.000815"  # in the packaged catalogue


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """An enrolled counter whose catalogue was never loaded (it synced first)."""
    engine = make_engine(tmp_path / "c.db")
    upgrade(engine)
    with unit_of_work(engine) as s:
        s.add(SyncState(server_url="http://x", device_id="d", ward_code=WARD, ward_name="W",
                        counter_no=1, code_range_start=1, code_range_end=999,
                        enrolled_at=to_db(NOW)))
    return engine


def _page(*payloads: tuple[str, dict[str, Any]], first: int = 1) -> ChangesPage:
    changes = [{"seq": first + i, "kind": kind, "created_at": NOW.isoformat(), "payload": p}
               for i, (kind, p) in enumerate(payloads)]
    last = first + len(payloads) - 1
    return ChangesPage.model_validate({"changes": changes, "next_cursor": last,
                                       "has_more": False, "last_seq": last,
                                       "server_time": NOW.isoformat()})


def _apply(engine: Engine, page: ChangesPage) -> int:
    return store.apply_page(engine, page, own_device_id="d", now=NOW,
                            checkpoint=lambda _n: None).rows


def _codes(engine: Engine) -> list[str]:
    with engine.connect() as c:
        return sorted(c.execute(text("SELECT code FROM dossier")).scalars().all())


def _scalar(engine: Engine, sql: str) -> Any:
    with engine.connect() as c:
        return c.execute(text(sql)).scalar()


def _ward_dossiers(n: int, procedure_code: str = DEFAULT_CODE) -> list[dict[str, Any]]:
    return [online_dossier(9000 + i, procedure_code=procedure_code, uid=str(uuid.uuid4()))
            for i in range(n)]


def test_dossiers_pulled_before_the_catalogue_appear_once_it_is_loaded(engine: Engine) -> None:
    ward = _ward_dossiers(25)
    assert _apply(engine, _page(*(("dossier.upsert", d) for d in ward))) == 0
    assert _codes(engine) == []
    assert store.parked_count(engine) == 25  # told, not silently skipped
    assert _scalar(engine, "SELECT pull_cursor FROM sync_state") == 25  # cursor moved on
    svc = build_services(engine, FixedClock(NOW))
    svc.catalogue.load_default()  # the same transaction applies what waited
    assert _codes(engine) == sorted(d["code"] for d in ward)
    assert store.parked_count(engine) == 0
    assert _scalar(engine, "SELECT COUNT(*) FROM pulled_change WHERE applied = 0") == 0


def test_a_pulled_catalogue_version_releases_the_dossiers_waiting_for_it(engine: Engine) -> None:
    build_services(engine, FixedClock(NOW)).catalogue.load_default()
    early = online_dossier(9601, procedure_code="1.999001", uid=str(uuid.uuid4()))
    other = online_dossier(9602, procedure_code="9.999999", uid=str(uuid.uuid4()))
    _apply(engine, _page(("dossier.upsert", early), ("dossier.upsert", other)))
    assert store.parked_count(engine) == 2 and _codes(engine) == []
    version = procedure_version("1.999001", "2026-11-01")
    assert _apply(engine, _page(("catalogue.procedure", version), first=3)) >= 1
    assert _codes(engine) == [early["code"]]
    assert store.parked_count(engine) == 1  # 9.999999 still waits, still counted
    with engine.connect() as c:
        kept = dict(c.execute(text("SELECT seq, applied FROM pulled_change")).all())
    assert kept == {1: 1, 2: 0, 3: 1}


def test_another_counters_intake_pulled_early_is_applied_by_a_local_import(
        engine: Engine, tmp_path: Path) -> None:
    svc = build_services(engine, FixedClock(NOW))
    admin = set_up_admin(engine, svc.clock)
    svc.catalogue.load_default()
    rec = online_dossier(9701, procedure_code="1.999001", uid=str(uuid.uuid4()),
                         device_id="other", channel=1)
    ev = make_event(5, type="dossier.received", payload=rec)
    _apply(engine, _page(("event", {**ev, "device_id": "other"})))
    assert _codes(engine) == [] and store.parked_count(engine) == 1
    path = tmp_path / "cat.json"
    path.write_text(json.dumps({"procedures": [procedure_version("1.999001", "2026-11-01")]}),
                    encoding="utf-8")
    report = svc.catalogue.import_file(path, by=admin, today=NOW.date())
    assert report.added == 1
    assert _codes(engine) == [rec["code"]] and store.parked_count(engine) == 0


def test_the_official_is_told_how_many_wait() -> None:
    rep = SyncReport(Outcome.OK, NOW, waiting_procedure=8000)
    assert "8000 hồ sơ" in rep.message_vi
    assert "chờ thủ tục" in rep.message_vi


def test_the_migration_parks_what_an_older_version_pulled_and_could_not_apply(
        tmp_path: Path) -> None:
    from alembic import command

    from db.migrate import alembic_config

    engine = make_engine(tmp_path / "old.db")
    cfg = alembic_config()
    with engine.begin() as conn:  # the store as the previous release left it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    lost = online_dossier(9801, uid=str(uuid.uuid4()))
    remote = online_dossier(9802, uid=str(uuid.uuid4()))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO pulled_change(seq, kind, payload, applied, pulled_at) "
                          "VALUES (1, 'dossier.upsert', :p, 0, 'x'), (2, 'dossier.upsert', "
                          "'{not json', 0, 'x')"), {"p": json.dumps(lost)})
        conn.execute(text(
            "INSERT INTO remote_event(event_id, device_id, device_seq, entity_type, entity_uid, "
            "type, payload, payload_hash, device_time, change_seq, pulled_at) VALUES ('e1', "
            "'o', 1, 'dossier', :u, 'dossier.received', :p, 'h', 'x', 3, 'x')"),
            {"u": remote["uid"], "p": json.dumps(remote)})
    upgrade(engine)
    assert store.parked_count(engine) == 2
    build_services(engine, FixedClock(NOW)).catalogue.load_default()
    assert _codes(engine) == sorted([lost["code"], remote["code"]])
