"""Backups of the local store and an outbox export that needs only the event table.

``make_backup`` uses SQLite's online backup API on its own connection, a few megabytes a step
with a pause between steps, so it can run on a background thread while the app writes: the
source holds one read snapshot for the whole copy (WAL: writers are never blocked, and a commit
between steps does not restart the copy). The copy is checked (``quick_check``) before it takes
its name ``counter-YYYYmmdd-HHMMSS.db``; the newest ``KEEP`` are kept. The export opens the
file read-only with the plain ``sqlite3`` module and reads nothing but ``event``, row by row
where pages are damaged, so it still works when other tables (dossiers, the search index) or
some of the event pages are damaged (SYNC.md case 12). ``verify_backup`` is what "a verified
backup" means for the refusal messages and ``restore``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.clock import local
from counter_app.services.errors import ServiceError
from db.engine import raise_if_disk_full
from db.salvage import SalvageReport, Unopenable, open_read_only, salvage_events

KEEP = 14
PREFIX = "counter-"
STEP_PAGES = 1024
"""Pages copied per step (4 MiB at SQLite's default page size)."""
STEP_PAUSE_S = 0.002
"""Pause between steps: the disk is shared with intake's commits."""


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


def iter_outbox(db_path: Path, report: SalvageReport | None = None) -> Iterator[dict[str, Any]]:
    """Every readable event, in device order, straight from the ``event`` table (read-only).

    Damaged pages cost only the rows on them (see ``db.salvage``); ``report`` names those rows
    and the events whose payload no longer matches its SHA-256 (``hash_ok`` false).
    """
    try:
        yield from salvage_events(db_path, report if report is not None else SalvageReport())
    except Unopenable as exc:
        raise BackupFailed(f"Không mở được tệp dữ liệu {db_path.name}: tệp không có, rỗng "
                           "hoặc không phải cơ sở dữ liệu.") from exc


def export_events(db_path: Path, out: Path) -> SalvageReport:
    """Write every readable event as JSON lines (one event per line); report what was not."""
    report = SalvageReport()
    tmp = out.with_suffix(out.suffix + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            for row in iter_outbox(db_path, report):
                f.write(json.dumps(row, ensure_ascii=False))
                f.write("\n")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise_if_disk_full(exc)
        raise BackupFailed(f"Không ghi được tệp {out}: {exc.strerror}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return report


def export_outbox(db_path: Path, out: Path) -> int:
    """Write the outbox as JSON lines (one event per line); returns how many."""
    return export_events(db_path, out).read


@dataclass(frozen=True)
class BackupInfo:
    """A backup that passed ``verify_backup``."""

    path: Path
    events: int
    dossiers: int
    last_device_seq: int


def verify_backup(path: Path) -> BackupInfo:
    """Open read-only, run SQLite's quick_check, count events and dossiers; BackupFailed if bad."""
    try:
        conn = open_read_only(path)
    except Unopenable as exc:
        raise BackupFailed(f"Bản sao lưu {path.name} không có, rỗng hoặc không phải cơ sở "
                           "dữ liệu.") from exc
    try:
        check = [r[0] for r in conn.execute("PRAGMA quick_check")]
        if check != [b"ok"]:
            raise BackupFailed(f"Bản sao lưu {path.name} bị hỏng (kiểm tra không đạt).")
        events = int(conn.execute("SELECT COUNT(*) FROM event").fetchone()[0])
        dossiers = int(conn.execute("SELECT COUNT(*) FROM dossier").fetchone()[0])
        seq = conn.execute("SELECT last_device_seq FROM device_state WHERE id = 1").fetchone()
    except sqlite3.Error as exc:
        raise BackupFailed(f"Bản sao lưu {path.name} không đọc được như dữ liệu của phần "
                           "mềm.") from exc
    finally:
        conn.close()
    return BackupInfo(path, events, dossiers, int(seq[0]) if seq else 0)


def newest_verified_backup(backup_dir: Path) -> BackupInfo | None:
    """The newest backup that passes ``verify_backup`` (older ones are tried in turn)."""
    for path in reversed(list_backups(backup_dir)):
        try:
            return verify_backup(path)
        except BackupFailed:
            continue
    return None
