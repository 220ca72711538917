"""The daily backup copies in steps from one read snapshot, so it can run beside intake:
commits between steps neither block nor restart it (issue 11, item 7)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from counter_app.services.backup import BackupCancelled, list_backups, make_backup

NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def _store(path: Path, rows: int) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
    con.execute("BEGIN")
    con.executemany("INSERT INTO t(v) VALUES (?)", [("x" * 400,)] * rows)
    con.execute("COMMIT")
    return con


def test_a_commit_between_every_step_does_not_restart_the_copy(tmp_path: Path) -> None:
    db = tmp_path / "counter.db"
    writer = _store(db, 5000)  # ~2.3 MB: about 560 pages, 10 pages a step
    steps = 0

    def write_between_steps() -> bool:
        nonlocal steps
        steps += 1
        writer.execute("INSERT INTO t(v) VALUES ('during the backup')")  # autocommit
        return steps > 2000  # a restarting copy never ends: stop it, and fail below

    copy = make_backup(db, tmp_path / "backups", NOW, pages=10, pause=0,
                       cancelled=write_between_steps)
    assert 40 < steps < 200
    con = sqlite3.connect(copy)
    # The copy is the snapshot taken when it started: none of the rows written during it.
    assert con.execute("SELECT count(*) FROM t").fetchone() == (5000,)
    assert con.execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    con.close()
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (5000 + steps,)


def test_a_cancelled_copy_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "counter.db"
    _store(db, 2000).close()
    backups = tmp_path / "backups"
    with pytest.raises(BackupCancelled):
        make_backup(db, backups, NOW, pages=10, pause=0, cancelled=lambda: True)
    assert list_backups(backups) == [] and list(backups.iterdir()) == []
