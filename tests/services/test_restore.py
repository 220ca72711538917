"""``restore``: the backup comes back and nothing made after it is lost."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from svc_helpers import request_for

from counter_app import cli
from counter_app.domain.clock import FixedClock
from counter_app.services.backup import BackupFailed, make_backup
from counter_app.services.context import AppServices, open_services
from counter_app.services.demo import DEMO_ADMIN
from counter_app.services.restore import restore_backup


def _events(db: Path) -> dict[str, tuple[int, str, str | None]]:
    with closing(sqlite3.connect(db)) as c:
        return {r[0]: (r[1], r[2], r[3]) for r in c.execute(
            "SELECT event_id, device_seq, state, acked_at FROM event")}


def _dossiers(db: Path) -> dict[str, tuple[str, int]]:
    with closing(sqlite3.connect(db)) as c:
        return {r[0]: (r[1], r[2]) for r in c.execute(
            "SELECT uid, code, ledger_line FROM dossier")}


def _intake(svc: AppServices, n: int) -> list[str]:
    official = svc.accounts.login(DEMO_ADMIN[0], DEMO_ADMIN[2])
    return [svc.intake.receive(request_for(svc, "1.004873"), official=official).code
            for _ in range(n)]


def test_restore_keeps_everything_made_after_the_backup(services: AppServices, clock: FixedClock,
                                                        tmp_path: Path) -> None:
    db = tmp_path / "counter.db"
    _intake(services, 2)
    backup = make_backup(db, tmp_path / "backups", clock.now())
    clock.set(clock.now() + timedelta(minutes=5))
    _intake(services, 3)
    services.queue.ensure_defaults()
    services.queue.issue("A")
    with services.engine.begin() as c:  # synced since the backup: these must stay acked
        c.exec_driver_sql("UPDATE event SET state = 'acked', acked_at = '2026-11-20T02:20:00Z' "
                          "WHERE device_seq <= 4")
    services.close()
    before, dossiers = _events(db), _dossiers(db)
    assert len(_events(backup)) < len(before)  # a plain copy of the backup would lose these

    report = restore_backup(db, backup, clock.now())

    assert _events(db) == before  # same ids, device_seq and states (pending and acked)
    assert _dossiers(db) == dossiers  # the 3 later dossiers rebuilt from their events
    assert report.carry.dossiers == 3 and report.carry.state_updated > 0
    assert report.carry.other.get("ticket.issued") == 1
    assert report.kept_aside is not None and _events(report.kept_aside) == before
    svc = open_services(db, clock)  # work goes on without reusing a number
    code = _intake(svc, 1)[0]
    svc.close()
    after = _events(db)
    assert max(seq for seq, _s, _a in after.values()) == max(s for s, _x, _y in before.values()) + 1
    assert code not in {c for c, _line in dossiers.values()}
    new_line = max(line for c, line in _dossiers(db).values() if c == code)
    assert new_line > max(line for _c, line in dossiers.values())


def test_restore_refuses_a_damaged_backup_and_touches_nothing(
        services: AppServices, clock: FixedClock, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "counter.db"
    _intake(services, 1)
    services.close()
    bad = tmp_path / "backups" / "counter-20261120-091500.db"
    bad.parent.mkdir()
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 8000)
    before = db.read_bytes()
    with pytest.raises(BackupFailed):
        restore_backup(db, bad, clock.now())
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "truoc-khoi-phuc" in p.name) == []
    code = cli.main(["--data-dir", str(tmp_path), "restore", str(bad)])
    assert code == 2 and "Bản sao lưu" in capsys.readouterr().err
