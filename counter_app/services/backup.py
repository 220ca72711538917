"""Backups of the local store and an outbox export that needs only the event table.

``make_backup`` uses SQLite's online backup API (a consistent copy while the app writes);
copies are named ``counter-YYYYmmdd-HHMMSS.db`` and the newest ``KEEP`` are kept. The export
opens the file read-only with the plain ``sqlite3`` module and reads nothing but ``event``, so
it still works when other tables (dossiers, the search index) are damaged (SYNC.md case 12).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from counter_app.domain.clock import local
from counter_app.services.errors import ServiceError

KEEP = 14
PREFIX = "counter-"
_EVENT_COLS = ("event_id", "device_id", "device_seq", "entity_type", "entity_uid", "type",
               "payload", "payload_hash", "device_time", "state", "attempts", "last_error",
               "acked_at")


class BackupFailed(ServiceError):
    """The copy or the export could not be made."""

    code = "backup_failed"


def backup_name(now: datetime) -> str:
    """``counter-YYYYmmdd-HHMMSS.db`` in Vietnam's local time."""
    return f"{PREFIX}{local(now):%Y%m%d-%H%M%S}.db"


def make_backup(db_path: Path, backup_dir: Path, now: datetime, *, keep: int = KEEP) -> Path:
    """Copy the store with the online backup API; rotate to the newest ``keep`` copies."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / backup_name(now)
    tmp = target.with_suffix(".part")
    try:
        src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        tmp.replace(target)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise BackupFailed(f"Không sao lưu được dữ liệu: {exc}") from exc
    rotate(backup_dir, keep)
    return target


def list_backups(backup_dir: Path) -> list[Path]:
    """Backups, oldest first (the name sorts by time)."""
    if not backup_dir.exists():
        return []
    return sorted(backup_dir.glob(f"{PREFIX}*.db"))


def rotate(backup_dir: Path, keep: int = KEEP) -> None:
    """Delete all but the newest ``keep`` backups."""
    for old in list_backups(backup_dir)[:-keep]:
        old.unlink(missing_ok=True)


def backup_if_due(db_path: Path, backup_dir: Path, now: datetime) -> Path | None:
    """One backup a (local) day: made at start if today's does not exist yet."""
    today = f"{PREFIX}{local(now):%Y%m%d}-"
    if any(p.name.startswith(today) for p in list_backups(backup_dir)):
        return None
    if not db_path.exists():
        return None
    return make_backup(db_path, backup_dir, now)


def iter_outbox(db_path: Path) -> Iterator[dict[str, object]]:
    """Every event, in device order, straight from the ``event`` table (read-only)."""
    if not db_path.exists():
        raise BackupFailed(f"Không có tệp dữ liệu {db_path}.")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupFailed(f"Không mở được tệp dữ liệu: {exc}") from exc
    try:
        cur = conn.execute(f"SELECT {', '.join(_EVENT_COLS)} FROM event ORDER BY device_seq")
        while rows := cur.fetchmany(500):
            for r in rows:
                yield dict(zip(_EVENT_COLS, r, strict=True))
    except sqlite3.Error as exc:
        raise BackupFailed(f"Bảng sự kiện bị hỏng, không đọc hết được: {exc}") from exc
    finally:
        conn.close()


def export_outbox(db_path: Path, out: Path) -> int:
    """Write the outbox as JSON lines (one event per line); returns how many."""
    n = 0
    tmp = out.with_suffix(out.suffix + ".part")
    with tmp.open("w", encoding="utf-8") as f:
        for row in iter_outbox(db_path):
            f.write(json.dumps(row, ensure_ascii=False))
            f.write("\n")
            n += 1
    tmp.replace(out)
    return n
