"""``district-server dossier-online / calendar / catalogue``, the schema they need, and
concurrent publishers, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from server_helpers import NOW, WARD_A, WARD_B, Harness, pg_reachable, throwaway_pg
from server_helpers import online_dossier as online
from server_helpers import procedure_version as version
from sqlalchemy import text

from counter_app.sync.protocol import DossierRecord
from district_server.cli import main
from district_server.db import alembic_config, make_engine, migrate
from district_server.models import ServerModel
from district_server.services import online as online_service

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"


def _run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> list[str]:
    assert main(list(argv)) == code
    return capsys.readouterr().out.strip().splitlines()


def _changes(db_url: str, ward: str) -> list[tuple[str, dict[str, Any]]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.kind, c.payload FROM change_log c JOIN wards w ON w.id = c.ward_id "
            "WHERE w.agency_code = :w ORDER BY c.seq"), {"w": ward}).all()
    engine.dispose()
    return [(r[0], json.loads(r[1])) for r in rows]


@pytest.fixture
def wards(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    _run(capsys, "ward", "add", "--code", WARD_A, "--name", "UBND Phường Thụy Khuê",
         "--db", db_url)
    _run(capsys, "ward", "add", "--code", WARD_B, "--name", "UBND Phường Bưởi", "--db", db_url)
    return db_url


def test_dossier_online_cli(wards: str, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    first, second = online(9601), online(9602)
    batch = tmp_path / "online.json"
    batch.write_text(json.dumps([first, second], ensure_ascii=False), encoding="utf-8")
    out = _run(capsys, "dossier-online", "--ward", WARD_A, "--file", str(batch), "--db", wards)
    assert out == [f"{first['code']}\tregistered", f"{second['code']}\tregistered"]
    out = _run(capsys, "dossier-online", "--ward", WARD_A, "--file", str(batch), "--db", wards)
    assert all(line.endswith("unchanged (already held)") for line in out) and len(out) == 2
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([online(9603), online(9604, channel=1)]), encoding="utf-8")
    assert main(["dossier-online", "--ward", WARD_A, "--file", str(mixed), "--db", wards]) == 2
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("-9603\tregistered")
    assert "-9604\trefused:" in captured.err and "channel" in captured.err
    single = tmp_path / "one.json"
    single.write_text(json.dumps(online(9605)), encoding="utf-8")
    assert len(_run(capsys, "dossier-online", "--ward", WARD_A, "--file", str(single),
                    "--db", wards)) == 1
    rows = [json.loads(line) for line in _run(capsys, "dossiers", "--ward", WARD_A, "--json",
                                              "--db", wards)]
    assert [(r["code"][-4:], r["channel"], r["status"]) for r in rows] == [
        ("9601", 2, 1), ("9602", 2, 1), ("9603", 2, 1), ("9605", 2, 1)]
    upserts = _changes(wards, WARD_A)
    assert [k for k, _ in upserts] == ["dossier.upsert"] * 4
    assert DossierRecord.model_validate(upserts[0][1]) == DossierRecord.model_validate(first)
    assert _changes(wards, WARD_B) == []


def test_calendar_cli(wards: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "calendar", "set", "--day", "2026-11-23", "--kind", "day_off",
               "--name", "Nghỉ bù", "--db", wards)
    assert sorted(out) == [f"{WARD_A}\t2026-11-23\tday_off\tpublished",
                           f"{WARD_B}\t2026-11-23\tday_off\tpublished"]
    out = _run(capsys, "calendar", "set", "--day", "2026-11-28", "--kind", "working_day",
               "--name", "Làm bù", "--ward", WARD_B, "--db", wards)
    assert out == [f"{WARD_B}\t2026-11-28\tworking_day\tpublished"]
    listed = _run(capsys, "calendar", "list", "--db", wards)
    assert [line.split("\t")[:4] for line in listed[1:]] == [
        [WARD_A, "2026-11-23", "day_off", "Nghỉ bù"], [WARD_B, "2026-11-23", "day_off", "Nghỉ bù"],
        [WARD_B, "2026-11-28", "working_day", "Làm bù"]]
    assert _changes(wards, WARD_A) == [
        ("calendar.override", {"day": "2026-11-23", "kind": "day_off", "name": "Nghỉ bù"})]
    assert len(_changes(wards, WARD_B)) == 2
    assert main(["calendar", "set", "--day", "2026-11-23", "--kind", "day_off", "--name", "x",
                 "--ward", "000.00.99.H62", "--db", wards]) == 2
    assert "unknown ward" in capsys.readouterr().err


def test_catalogue_cli(wards: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(FIXTURES / "sample.json")
    out = _run(capsys, "catalogue", "publish", "--file", sample, "--ward", WARD_A, "--db", wards)
    assert sorted(out) == [f"{WARD_A}\t1.010041\t2025-07-01\tpublished",
                           f"{WARD_A}\t2.000635\t2025-07-01\tpublished"]
    out = _run(capsys, "catalogue", "publish", "--file", sample, "--db", wards)
    assert sorted(out) == [f"{WARD_A}\t1.010041\t2025-07-01\tunchanged",
                           f"{WARD_A}\t2.000635\t2025-07-01\tunchanged",
                           f"{WARD_B}\t1.010041\t2025-07-01\tpublished",
                           f"{WARD_B}\t2.000635\t2025-07-01\tpublished"]
    assert [k for k, _ in _changes(wards, WARD_A)] == ["catalogue.procedure"] * 2
    listed = _run(capsys, "catalogue", "list", "--ward", WARD_B, "--db", wards)
    assert [line.split("\t")[1] for line in listed[1:]] == ["1.010041", "2.000635"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"procedures": [version(), version("2.81")]}), encoding="utf-8")
    assert main(["catalogue", "publish", "--file", str(bad), "--db", wards]) == 2
    err = capsys.readouterr().err
    assert "item 2 (2.81): Mã thủ tục “2.81” không đúng dạng" in err
    assert len(_changes(wards, WARD_B)) == 2  # nothing of the refused file went out


def test_the_models_match_the_migrations(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), ServerModel.metadata) == []
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nothing was ever migrated in (the shared PostgreSQL one is at head)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not pg_reachable():
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    with throwaway_pg("motcua_migrate") as url:
        yield url


def test_a_0001_database_upgrades_and_keeps_its_data(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        assert not engine.dialect.has_table(conn, "calendar_overrides")
        conn.execute(text("INSERT INTO wards (agency_code, name, last_change_seq, created_at) "
                          "VALUES (:c, 'W', 7, '2026-01-01')"), {"c": WARD_A})
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT last_change_seq FROM wards")).scalar() == 7
        assert conn.execute(text("SELECT COUNT(*) FROM calendar_overrides")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM catalogue_versions")).scalar() == 0
    engine.dispose()


def test_concurrent_identical_registrations_make_one_dossier_and_one_change(
        harness: Harness) -> None:
    rec = DossierRecord.model_validate(online(9701))
    created: list[bool] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def register() -> None:
        try:
            start.wait()
            created.append(online_service.register(harness.engine, WARD_A, rec,
                                                   now=NOW).created)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=register) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and sorted(created) == [False] * 5 + [True]
    assert harness.scalar("SELECT COUNT(*) FROM dossiers") == 1
    assert harness.scalar("SELECT COUNT(*) FROM change_log") == 1
