"""The store refuses what it cannot trust and migrates what it can."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import StoreCorrupt, StoreTooNew, make_engine
from db.migrate import check_integrity, current_revision, head_revision, upgrade


def test_fresh_store_is_migrated_to_head_and_has_the_pragmas(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = make_engine(tmp_path / "c.db")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert c.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
        assert c.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    upgrade(engine)  # idempotent
    check_integrity(engine)


def test_newer_database_is_refused(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "c.db")
    upgrade(engine)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreTooNew):
        upgrade(engine)


def test_truncated_database_is_detected_at_start(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    engine = make_engine(db)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE filler(x)"))
        c.execute(text("INSERT INTO filler SELECT randomblob(4000) FROM "
                       "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
                       "WHERE i < 200) SELECT i FROM n)"))
    engine.dispose()
    import sqlite3

    raw = sqlite3.connect(db)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreCorrupt):
        upgrade(make_engine(db))


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorrupt):
        upgrade(make_engine(db))


def test_sql_errors_do_not_carry_personal_data(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "c.db")
    upgrade(engine)
    with pytest.raises(Exception) as err, engine.begin() as c:
        c.execute(text("INSERT INTO official(username, full_name, password_hash, role, active, "
                       "created_at) VALUES ('a', :n, 'x', 'official', 1, 'now')"),
                  {"n": "001190012345"})
        c.execute(text("INSERT INTO official(username, full_name, password_hash, role, active, "
                       "created_at) VALUES ('a', :n, 'x', 'official', 1, 'now')"),
                  {"n": "001190012345"})
    assert "001190012345" not in str(err.value)  # the error (and so the log) hides parameters
