"""The damaged-store suite: for each way a disk hurts the store, what is recovered, what the
official is told, and that nothing recoverable is lost.

The store: a demo ward, 300 dossiers, a backup, then 100 more dossiers (403 events: 3 of the
ward's setup, 400 ``dossier.received``; the backup holds 303). "Recoverable" means: in a page
that survived, or in the backup. ``restore`` must end with exactly that union.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from damage import (
    Store,
    build_store,
    checkpoint_stopped_by_full_disk,
    copy_store,
    crash_snapshot_with_wal,
    event_leaf_pages,
    flip_bit_in_payload,
    page_size,
    rows_on_page,
    zero_page,
)

from counter_app import cli
from counter_app.services.context import open_services
from db.engine import StoreCorrupt, StoreMissing
from db.migrate import _header_shortfall, check_integrity

INTERNALS = ("sqlite", "SQL", "malformed", "Traceback", "database", "quick_check", "Error")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_store(tmp_path_factory.mktemp("tpl") / "data")


@pytest.fixture
def store(template: Store, tmp_path: Path) -> Store:
    return copy_store(template, tmp_path / "data")


def run(store: Store, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(["--data-dir", str(store.data_dir), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def assert_told_to_restore(message: str, store: Store) -> None:
    """Plain Vietnamese, the newest verified backup by name, the command, no internals."""
    assert store.backup.name in message and "counter-app restore" in message
    for word in INTERNALS:
        assert word not in message, word


def exported(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def restore_and_compare(store: Store, capsys: pytest.CaptureFixture[str],
                        recoverable: set[str]) -> tuple[int, str]:
    """Restore the backup; the store then holds exactly the recoverable events."""
    code, out = run(store, capsys, "restore", str(store.backup))
    assert set(store.events()) == recoverable
    svc = open_services(store.db)  # opens, and is whole
    check_integrity(svc.engine)
    svc.close()
    return code, out


def test_full_disk_mid_checkpoint_store_opens_with_every_dossier(store: Store,
                                                                 tmp_path: Path) -> None:
    # The disk filled while a checkpoint extended counter.db: the header already counts the
    # new pages, the pages themselves are still only in the WAL. The store is intact.
    snap = tmp_path / "snap"
    n_events = crash_snapshot_with_wal(store, snap, more=50)
    db = snap / "counter.db"
    checkpoint_stopped_by_full_disk(db)
    assert _header_shortfall(db) > 0  # what the old start-up check refused for good
    svc = open_services(db)  # recovered: the checkpoint is finished at start
    assert svc.dossiers.count() == 450
    check_integrity(svc.engine)
    svc.close()
    assert _header_shortfall(db) == 0
    assert len(Store(snap).events()) == n_events == 453


def test_zeroed_page_in_the_middle_of_the_event_log(store: Store, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = store.events()
    pages = event_leaf_pages(store.db)
    gone = rows_on_page(store.db, pages[len(pages) // 2])
    zero_page(store.db, pages[len(pages) // 2])
    # export-outbox: every other event, row by row; the lost ones named (was: 0 of 403).
    out = tmp_path / "ev.jsonl"
    code, text = run(store, capsys, "export-outbox", "--out", str(out))
    assert code == 1 and f"Đã xuất {403 - len(gone)}/403" in text
    assert all(g in text for g in gone)  # named by event_id (from the index)
    rows = exported(out)
    assert {r["event_id"] for r in rows} == set(before) - gone and all(r["hash_ok"] for r in rows)
    # check: refused in plain words with the backup and the command.
    code, text = run(store, capsys, "check")
    assert code == 2
    assert_told_to_restore(text, store)
    # restore: those events were made before the backup, so all 403 come back.
    assert gone <= set(store.events(store.backup))
    restore_and_compare(store, capsys, set(before))


def test_zeroed_last_page(store: Store, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    before = store.events()
    last = store.db.stat().st_size // page_size(store.db)
    gone = rows_on_page(store.db, last)  # the newest events (made after the backup)
    zero_page(store.db, last)
    out = tmp_path / "ev.jsonl"
    code, text = run(store, capsys, "export-outbox", "--out", str(out))
    assert code == 1 and f"Đã xuất {403 - len(gone)}/403" in text
    assert {r["event_id"] for r in exported(out)} == set(before) - gone
    code, text = run(store, capsys, "check")
    assert code == 2
    assert_told_to_restore(text, store)
    # The backup lacks them and their page is gone: lost for good; everything else is back.
    assert not gone & set(store.events(store.backup))
    code, text = restore_and_compare(store, capsys, set(before) - gone)
    assert "Mang sang" in text


def test_flipped_bit_in_a_payload_is_flagged(store: Store, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = store.events()
    eid, (seq, _state, _hash) = max(before.items(), key=lambda kv: kv[1][0])
    flip_bit_in_payload(store.db, eid)
    with closing(sqlite3.connect(store.db)) as c:  # SQLite itself sees nothing wrong
        assert c.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    code, text = run(store, capsys, "check")  # was: "Dữ liệu nguyên vẹn"
    assert code == 1 and "SHA-256" in text and str(seq) in text
    assert_told_to_restore(text, store)
    out = tmp_path / "ev.jsonl"
    code, text = run(store, capsys, "export-outbox", "--out", str(out))
    assert code == 1 and "Đã xuất 403/403" in text and "SHA-256" in text
    flagged = [r["event_id"] for r in exported(out) if not r["hash_ok"]]
    assert flagged == [eid]
    # Restore carries it (for sync and audit) but does not rebuild a dossier from it.
    code, text = restore_and_compare(store, capsys, set(before))
    assert code == 1 and "SHA-256" in text


def test_truncated_file(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = store.events()
    data = store.db.read_bytes()
    store.db.write_bytes(data[: len(data) * 9 // 10])  # the last tenth never reached the disk
    with pytest.raises(StoreCorrupt) as refused:
        open_services(store.db)
    assert "cắt cụt" in refused.value.message_vi
    assert_told_to_restore(refused.value.message_vi, store)
    # Rows SQLite can no longer reach (pages cut, or the schema's own page) are scanned.
    out = tmp_path / "ev.jsonl"
    code, text = run(store, capsys, "export-outbox", "--out", str(out))
    got = {str(r["event_id"]) for r in exported(out)}
    assert code == 1 and len(got) > 50 and got <= set(before)
    assert f"Đã xuất {len(got)}/403" in text
    # Restore: the backup plus whatever survived of the rest.
    backup = set(store.events(store.backup))
    restore_and_compare(store, capsys, backup | got)
    assert len(backup | got) > len(backup)


@pytest.mark.parametrize("how", ["empty", "missing"])
def test_empty_or_missing_store_is_never_replaced_silently(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    if how == "empty":
        store.db.write_bytes(b"")
    else:
        store.db.unlink()
    with pytest.raises(StoreMissing) as refused:
        open_services(store.db)
    assert_told_to_restore(refused.value.message_vi, store)
    assert not store.db.exists() or store.db.stat().st_size == 0  # nothing was created
    code, text = run(store, capsys, "export-outbox", "--out", str(tmp_path / "ev.jsonl"))
    assert code == 2
    assert_told_to_restore(text, store)
    # Nothing but the backup holds events: restore gives all of them back.
    restore_and_compare(store, capsys, set(store.events(store.backup)))


def test_missing_wal_after_a_power_cut(store: Store, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    # A power cut left 50 dossiers only in the WAL, then the WAL file was lost.
    checkpointed = set(store.events())
    snap = tmp_path / "snap"
    crash_snapshot_with_wal(store, snap, more=50)
    (snap / "counter.db-wal").unlink()
    s = Store(snap)
    with pytest.raises(StoreCorrupt) as refused:
        open_services(s.db)
    assert "-wal" in refused.value.message_vi
    assert_told_to_restore(refused.value.message_vi, s)
    # What the main file holds is whole, and exported in full.
    code, text = run(s, capsys, "export-outbox", "--out", str(tmp_path / "ev.jsonl"))
    assert code == 0 and "Đã xuất 403/403" in text
    # The 50 dossiers that were only in the lost WAL exist nowhere on this PC (those already
    # synced are upstream); restoring never loses more than that: backup ∪ this file.
    restore_and_compare(s, capsys, checkpointed)



def test_zeroed_root_page_of_the_event_table(store: Store, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # The interior page every event lookup goes through: SQLite reaches none of the rows,
    # though every leaf holding them is intact. The pages are read directly.
    before = store.events()
    with closing(sqlite3.connect(store.db)) as c:
        root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'event'").fetchone()[0]
    zero_page(store.db, int(root))
    out = tmp_path / "ev.jsonl"
    code, text = run(store, capsys, "export-outbox", "--out", str(out))
    rows = exported(out)
    assert code == 0 and "Đã xuất 403/403" in text
    assert {r["event_id"] for r in rows} == set(before) and all(r["hash_ok"] for r in rows)
    assert [r["device_seq"] for r in rows] == sorted(seq for seq, _s, _h in before.values())
