"""The sync operator commands: ``enrol``, ``sync``, ``backup``, ``export-outbox``."""

from __future__ import annotations

import argparse
import socket
import sys
import time
from typing import Any

from counter_app.config import Settings

SYNC_COMMANDS = ("enrol", "sync", "backup", "export-outbox")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(data_dir=args.data_dir) if args.data_dir is not None else Settings()


def cmd_enrol(args: argparse.Namespace) -> int:
    """Enrol this counter with the district server."""
    from counter_app.services.context import open_services
    from counter_app.sync.enrol import EnrolFailed, enrol

    settings = _settings(args)
    settings.ensure_dirs()
    svc = open_services(settings.db_path)
    try:
        result = enrol(svc.engine, settings.data_dir, svc.clock, server_url=args.server,
                       code=args.code, device_name=args.name or socket.gethostname())
    except EnrolFailed as exc:
        print(f"Lỗi: {exc.message_vi}", file=sys.stderr)
        return 2
    finally:
        svc.close()
    print(result.message_vi)
    if result.credential_store == "file":
        print(f"Khoá thiết bị lưu trong tệp chỉ người dùng này đọc được: "
              f"{settings.data_dir / 'credentials'}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """One headless sync (a few passes with backoff); exit 0 only when nothing is pending."""
    from counter_app.hub.ward_sync import WardSync
    from counter_app.services.context import open_services
    from counter_app.sync.backoff import Backoff
    from counter_app.sync.pump import Outcome
    from counter_app.sync.settings import SyncSettings

    settings = _settings(args)
    settings.ensure_dirs()
    svc = open_services(settings.db_path)
    sync = SyncSettings()
    passes = args.passes or sync.max_passes
    backoff = Backoff(min(sync.backoff_base_s, 1.0), min(sync.backoff_cap_s, 10.0))
    try:
        pump = WardSync(svc.engine, settings.data_dir, svc.clock, sync)  # via the hub if paired
        for i in range(passes):
            report = pump.run_once()
            stop = report.outcome in (Outcome.UNAUTHORIZED, Outcome.NOT_ENROLLED,
                                      Outcome.FORBIDDEN, Outcome.ERROR, Outcome.BUSY)
            if (report.outcome is Outcome.OK and report.drained) or stop or i == passes - 1:
                break
            time.sleep(backoff.next_delay())  # outcome unknown: resend the same events later
    finally:
        svc.close()
    print(report.message_vi)
    print(f"  chờ gửi: {report.pending}; cần xử lý: {report.attention}; kết quả: "
          f"{report.outcome}" + (f" ({report.error})" if report.error else ""))
    return 0 if report.outcome is Outcome.OK and report.pending == 0 else 1


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the store to backups/counter-YYYYmmdd-HHMMSS.db (keeps the newest 14)."""
    from counter_app.domain.clock import SystemClock
    from counter_app.services.backup import BackupFailed, make_backup

    settings = _settings(args)
    settings.ensure_dirs()
    try:
        path = make_backup(settings.db_path, settings.backup_dir, SystemClock().now())
    except BackupFailed as exc:
        print(f"Lỗi: {exc.message_vi}", file=sys.stderr)
        return 2
    print(path)
    return 0


def cmd_export_outbox(args: argparse.Namespace) -> int:
    """Write every readable event as JSON lines, reading only the event table, row by row."""
    from counter_app.services.backup import BackupFailed
    from counter_app.store_cli import run_export_outbox

    try:
        return run_export_outbox(args)
    except BackupFailed as exc:
        print(f"Lỗi: {exc.message_vi}", file=sys.stderr)
        return 2


def add_sync_parsers(sub: Any) -> None:
    """Register the four sync subcommands on the main parser."""
    s = sub.add_parser("enrol", help="đăng ký thiết bị với máy chủ cấp trên")
    s.add_argument("--server", required=True, help="https://máy-chủ")
    s.add_argument("--code", required=True, help="mã đăng ký một lần")
    s.add_argument("--name", default="", help="tên thiết bị (mặc định: tên máy)")
    s.set_defaults(fn=cmd_enrol)
    s = sub.add_parser("sync", help="đồng bộ một lượt rồi thoát")
    s.add_argument("--passes", type=int, default=0, help="số lượt thử tối đa")
    s.set_defaults(fn=cmd_sync)
    s = sub.add_parser("backup", help="sao lưu dữ liệu")
    s.set_defaults(fn=cmd_backup)
    s = sub.add_parser("export-outbox", help="xuất các sự kiện (JSON lines)")
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_export_outbox)
