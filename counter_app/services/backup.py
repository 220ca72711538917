"""Backups of the local store and an outbox export that needs only the event table.

``make_backup`` uses SQLite's online backup API on its own connection, a few megabytes a step
with a pause between steps, so it can run on a background thread while the app writes: the
source holds one read snapshot for the whole copy (WAL: writers are never blocked, and a commit
between steps does not restart the copy). The copy is checked (``quick_check``) before it takes
its name ``counter-YYYYmmdd-HHMMSS.db``; the newest ``KEEP`` are kept. The export
opens the file read-only with the plain ``sqlite3`` module and reads nothing but ``event``, so
it still works when other tables (dossiers, the search index) are damaged (SYNC.md case 12).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from counter_app.domain.clock import local
from counter_app.services.errors import ServiceError

KEEP = 14
PREFIX = "counter-"
STEP_PAGES = 1024
"""Pages copied per step (4 MiB at SQLite's default page size)."""
STEP_PAUSE_S = 0.002
"""Pause between steps: the disk is shared with intake's commits."""
_EVENT_COLS = ("event_id", "device_id", "device_seq", "entity_type", "entity_uid", "type",
               "payload", "payload_hash", "device_time", "state", "attempts", "last_error",
               "acked_at")


class BackupFailed(ServiceError):
    """The copy or the export could not be made."""

    code = "backup_failed"


def backup_name(now: datetime) -> str:
    """``counter-YYYYmmdd-HHMMSS.db`` in Vietnam's local time."""
    return f"{PREFIX}{local(now):%Y%m%d-%H%M%S}.db"


class BackupCancelled(BackupFailed):
    """The copy was stopped before it finished (the app is closing); nothing was kept."""

    code = "backup_cancelled"


def make_backup(db_path: Path, backup_dir: Path, now: datetime, *, keep: int = KEEP,
                pages: int = STEP_PAGES, pause: float = STEP_PAUSE_S,
                cancelled: Callable[[], bool] | None = None) -> Path:
    """Copy the store in steps of ``pages`` from one read snapshot; check it; rotate.

    ``cancelled`` is asked after every step; when it says True the copy stops and the partial
    file is removed (``BackupCancelled``).
    """
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / backup_name(now)
    tmp = target.with_suffix(".part")

    def progress(_status: int, remaining: int, _total: int) -> None:
        # sqlite3 sleeps only when the source is busy: the pause between steps is here.
        if cancelled is not None and cancelled():
            raise BackupCancelled("Đã dừng sao lưu (phần mềm đang đóng).")
        if remaining and pause > 0:
            time.sleep(pause)

    try:
        src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
        try:
            src.execute("BEGIN")  # one snapshot for every step (see the module's docstring)
            src.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchall()
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst, pages=pages, progress=progress)
                dst.execute("PRAGMA journal_mode=DELETE")
                _check_copy(dst)
            finally:
                dst.close()
        finally:
            src.close()
        tmp.replace(target)
    except BackupFailed:
        tmp.unlink(missing_ok=True)
        raise
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise BackupFailed(f"Không sao lưu được dữ liệu: {exc}") from exc
    rotate(backup_dir, keep)
    return target


def _check_copy(dst: sqlite3.Connection) -> None:
    """The copy just written passes ``PRAGMA quick_check`` (a minimal check kept private
    here; restoring a backup has its own verification)."""
    rows = [r[0] for r in dst.execute("PRAGMA quick_check").fetchall()]
    if rows != ["ok"]:
        raise BackupFailed("Bản sao lưu vừa tạo bị lỗi: " + "; ".join(map(str, rows[:3])))


def list_backups(backup_dir: Path) -> list[Path]:
    """Backups, oldest first (the name sorts by time)."""
    if not backup_dir.exists():
        return []
    return sorted(backup_dir.glob(f"{PREFIX}*.db"))


def rotate(backup_dir: Path, keep: int = KEEP) -> None:
    """Delete all but the newest ``keep`` backups."""
    for old in list_backups(backup_dir)[:-keep]:
        old.unlink(missing_ok=True)


def backup_if_due(db_path: Path, backup_dir: Path, now: datetime, *,
                  cancelled: Callable[[], bool] | None = None) -> Path | None:
    """One backup a (local) day: made at start if today's does not exist yet."""
    today = f"{PREFIX}{local(now):%Y%m%d}-"
    if any(p.name.startswith(today) for p in list_backups(backup_dir)):
        return None
    if not db_path.exists():
        return None
    return make_backup(db_path, backup_dir, now, cancelled=cancelled)


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
