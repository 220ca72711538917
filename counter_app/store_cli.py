"""Operator commands on the store itself: ``restore``, and the bodies of ``check`` and
``export-outbox`` (registered in ``cli`` and ``sync_cli``)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from counter_app.config import Settings
from db.salvage import LostEvent

STORE_COMMANDS = ("restore",)
_SHOW = 20


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(data_dir=args.data_dir) if args.data_dir is not None else Settings()


def _listed(values: Iterable[object]) -> str:
    items = [str(v) for v in values]
    more = f" … (+{len(items) - _SHOW})" if len(items) > _SHOW else ""
    return ", ".join(items[:_SHOW]) + more


def _lost_names(lost: Sequence[LostEvent]) -> str:
    """Named ones as ``#seq event_id``; rows nothing names any more as ranges of row numbers."""
    named = [f"#{e.device_seq} {e.event_id}" for e in lost if e.event_id is not None]
    rows = [e.row_id for e in lost if e.event_id is None]
    spans: list[list[int]] = []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    unnamed = [f"dòng {a}" if a == b else f"dòng {a}–{b}" for a, b in spans]
    return _listed(named + [f"{x} (không còn mã)" for x in unnamed])


def run_check(args: argparse.Namespace) -> int:
    """Page-by-page check (quick_check), then every event's payload against its SHA-256."""
    from counter_app.services.backup import iter_outbox
    from counter_app.services.context import open_services
    from counter_app.services.restore import refusal_advice
    from db.engine import StoreCorrupt
    from db.migrate import check_integrity
    from db.salvage import SalvageReport

    settings = _settings(args)
    svc = open_services(settings.db_path, backup_dir=settings.backup_dir)
    try:
        check_integrity(svc.engine)
    except StoreCorrupt as exc:
        raise StoreCorrupt(f"{exc.message_vi} {refusal_advice(settings.backup_dir)}") from exc
    finally:
        svc.close()
    report = SalvageReport()
    for _ in iter_outbox(settings.db_path, report):
        pass
    if report.bad_hash or report.lost:
        found = [f"{len(report.bad_hash)} sự kiện có nội dung không khớp mã kiểm tra SHA-256 "
                 f"(số thứ tự: {_listed(report.bad_hash)})"] if report.bad_hash else []
        found += [f"{len(report.lost)} sự kiện không đọc được"] if report.lost else []
        print(f"Lỗi: {'; '.join(found)}. {refusal_advice(settings.backup_dir)}")
        return 1
    print(f"Dữ liệu nguyên vẹn (quick_check: ok; {report.read} sự kiện khớp mã SHA-256).")
    return 0


def run_export_outbox(args: argparse.Namespace) -> int:
    """Every readable event as JSON lines; name what could not be read or does not match."""
    from counter_app.services.backup import BackupFailed, export_events
    from counter_app.services.restore import refusal_advice

    settings = _settings(args)
    try:
        report = export_events(settings.db_path, Path(args.out))
    except BackupFailed as exc:
        raise BackupFailed(f"{exc.message_vi} {refusal_advice(settings.backup_dir)}") from exc
    print(f"Đã xuất {report.read}/{report.expected} sự kiện vào {args.out}")
    if report.lost:
        print(f"  Không đọc được {len(report.lost)} sự kiện (trang dữ liệu hỏng): "
              f"{_lost_names(report.lost)}")
    if report.bad_hash:
        print(f"  {len(report.bad_hash)} sự kiện có nội dung không khớp mã SHA-256 (đã xuất, "
              f"đánh dấu \"hash_ok\": false): số thứ tự {_listed(report.bad_hash)}")
    return 0 if report.complete else 1


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup, keep the current store aside, carry over what was made after it."""
    from counter_app.domain.clock import SystemClock
    from counter_app.services.restore import restore_backup

    settings = _settings(args)
    settings.ensure_dirs()
    r = restore_backup(settings.db_path, Path(args.file), SystemClock().now())
    c = r.carry
    print(f"Đã khôi phục từ {r.backup.path.name} ({r.backup.events} sự kiện, "
          f"{r.backup.dossiers} hồ sơ).")
    if r.kept_aside is not None:
        print(f"Dữ liệu trước khi khôi phục được giữ tại {r.kept_aside} (không xoá).")
    print(f"Mang sang {c.carried} sự kiện làm sau bản sao lưu ({c.dossiers} hồ sơ được dựng "
          f"lại); {c.state_updated} sự kiện cập nhật trạng thái gửi.")
    problems = [
        (c.lost, f"{len(c.lost)} sự kiện không đọc được trong dữ liệu cũ"),
        (c.not_applied, f"{len(c.not_applied)} hồ sơ chưa dựng lại được (thủ tục chưa có trong "
                        f"danh mục của bản sao lưu): {_listed(c.not_applied)}"),
        (c.conflicts, f"{len(c.conflicts)} sự kiện trùng số thứ tự với bản sao lưu, chỉ còn "
                      f"trong dữ liệu cũ: {_listed(c.conflicts)}"),
        (c.bad_hash, f"{len(c.bad_hash)} sự kiện không khớp mã SHA-256: {_listed(c.bad_hash)}"),
    ]
    for items, text in problems:
        if items:
            print(f"  Cần chú ý: {text}")
    if c.other:
        print("  Sự kiện khác được mang sang để đồng bộ (không dựng lại bản ghi): "
              + ", ".join(f"{k} {v}" for k, v in sorted(c.other.items())))
    print("Tiếp theo: mở phần mềm, rồi chạy 'counter-app sync' khi có mạng.")
    return 1 if any(items for items, _ in problems) else 0


def add_store_parsers(sub: Any) -> None:
    """Register ``restore`` on the main parser."""
    s = sub.add_parser("restore", help="khôi phục từ bản sao lưu, giữ các hồ sơ làm sau đó")
    s.add_argument("file", help="tệp sao lưu (backups/counter-YYYYmmdd-HHMMSS.db)")
    s.set_defaults(fn=cmd_restore)
