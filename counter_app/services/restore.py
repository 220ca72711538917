"""Restoring the store from a backup without losing what was made after it.

``restore_backup`` checks the backup, moves the current store (with its ``-wal`` and ``-shm``)
aside under a dated name, installs a copy of the backup, and carries over from the store set
aside every event the backup lacks: same ``event_id``, ``device_seq`` and delivery state, so a
pending event is still sent exactly once and an acked one stays acked. The dossiers those
events describe are put back through the sync pull's own insert (``counter_app.sync.store``),
not a second one. The store set aside is never deleted; it is read row by row, so a damaged one
gives up everything still readable.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from counter_app.domain.clock import local
from counter_app.services.backup import BackupInfo, newest_verified_backup, verify_backup
from counter_app.services.carry_over import CarryReport, carry_over
from counter_app.services.errors import ServiceError
from db.engine import make_engine, raise_if_disk_full
from db.migrate import upgrade

log = logging.getLogger(__name__)

SIDES = ("", "-wal", "-shm")


class RestoreFailed(ServiceError):
    """The backup could not be restored; the current store is left (or put back) as it was."""

    code = "restore_failed"


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did."""

    backup: BackupInfo
    kept_aside: Path | None
    carry: CarryReport = field(default_factory=CarryReport)


def restore_command(backup: Path) -> str:
    """The command line an operator types to restore ``backup``."""
    return f'counter-app restore "{backup}"'


def refusal_advice(backup_dir: Path) -> str:
    """What to do when the store cannot be opened: the newest verified backup and the command."""
    info = newest_verified_backup(backup_dir)
    export = "Có thể xuất các sự kiện còn đọc được: counter-app export-outbox --out su-kien.jsonl."
    if info is None:
        return ("Không có bản sao lưu nào dùng được trong " f"{backup_dir}. {export} "
                "Đừng xoá tệp dữ liệu; hãy liên hệ bộ phận hỗ trợ.")
    return (f"Bản sao lưu mới nhất đã kiểm tra là {info.path.name} ({info.dossiers} hồ sơ). "
            f"Hãy đóng phần mềm rồi khôi phục bằng lệnh: {restore_command(info.path)} "
            "(các hồ sơ làm sau bản sao lưu được giữ lại).")


def restore_backup(db_path: Path, backup: Path, now: datetime) -> RestoreReport:
    """Install ``backup`` as the store and carry over what the current store has beyond it.

    Run with the app closed (the counter window, the kiosk and the display).
    """
    info = verify_backup(backup)  # BackupFailed: nothing was touched
    aside = _set_aside(db_path, now)
    try:
        _install(backup, db_path)
        engine = make_engine(db_path, pooled=False)
        try:
            upgrade(engine)
            carry = carry_over(aside, engine, now) if aside is not None else CarryReport()
        finally:
            engine.dispose()
    except BaseException:
        _put_back(db_path, aside)
        raise
    log.info("restored %s (kept %s aside): %s", backup, aside, carry)
    return RestoreReport(info, aside, carry)


def _aside_name(db_path: Path, now: datetime) -> Path:
    return db_path.with_name(f"{db_path.name}.truoc-khoi-phuc-{local(now):%Y%m%d-%H%M%S}")


def _set_aside(db_path: Path, now: datetime) -> Path | None:
    """Rename the store and its WAL files (a WAL must never meet another main file)."""
    if not any(_side(db_path, s).exists() for s in SIDES):
        return None
    aside = _aside_name(db_path, now)
    if any(_side(aside, s).exists() for s in SIDES):
        raise RestoreFailed(f"Đã có {aside.name}: hãy đợi một giây rồi chạy lại lệnh.")
    moved: list[str] = []
    try:
        for s in SIDES:
            if _side(db_path, s).exists():
                _side(db_path, s).rename(_side(aside, s))
                moved.append(s)
    except OSError as exc:  # Windows: a window of the app still holds the file open
        for s in moved:
            _side(aside, s).rename(_side(db_path, s))
        raise RestoreFailed("Không đổi tên được tệp dữ liệu đang dùng: hãy đóng mọi cửa sổ của "
                            "phần mềm (quầy, máy lấy số, màn hình sảnh) rồi chạy lại lệnh.") from exc
    return aside


def _put_back(db_path: Path, aside: Path | None) -> None:
    """Undo a failed restore: the half-installed copy goes, the original comes back."""
    for s in SIDES:
        _side(db_path, s).unlink(missing_ok=True)
    if aside is None:
        return
    for s in SIDES:
        if _side(aside, s).exists():
            _side(aside, s).rename(_side(db_path, s))


def _install(backup: Path, db_path: Path) -> None:
    tmp = db_path.with_name(db_path.name + ".part")
    try:
        shutil.copyfile(backup, tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        tmp.replace(db_path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise_if_disk_full(exc)
        raise RestoreFailed(f"Không chép được bản sao lưu: {exc.strerror}") from exc


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)

