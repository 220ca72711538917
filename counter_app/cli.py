"""Operator commands: scriptable, headless, each taking --data-dir."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from counter_app.config import Settings, demo_data_dir
from counter_app.domain.calendar import to_vn
from counter_app.domain.errors import DomainError
from counter_app.logs import setup_logging
from counter_app.services.context import AppServices, open_services
from counter_app.services.dossiers import DossierQuery
from counter_app.services.errors import LoginFailed, ServiceError
from counter_app.services.read_models import DossierPublic
from db.engine import StoreError, StoreFull, is_disk_full

PASSWORD_ENV = "MOTCUA_PASSWORD"
"""Where scripts put the password of ``--user`` (else it is asked for, not echoed)."""



def _settings(args: argparse.Namespace) -> Settings:
    if args.data_dir is not None:
        return Settings(data_dir=args.data_dir)
    return Settings()


def _open(args: argparse.Namespace) -> AppServices:
    settings = _settings(args)
    settings.ensure_dirs()
    return open_services(settings.db_path)


def dossier_json(d: DossierPublic) -> str:
    """One line of ``dossiers --json``: no personal data beyond what operators need."""
    return json.dumps({
        "code": d.code, "status": int(d.status), "procedure_code": d.procedure_code,
        "received_at": d.received_at.isoformat(), "due_at": d.due_at.isoformat(),
        "channel": int(d.channel),
    }, ensure_ascii=False)


def cmd_seed_demo(args: argparse.Namespace) -> int:
    """Set up the demo ward (if empty) and add N dossiers."""
    from counter_app.services.demo import ensure_demo_ward, seed_dossiers

    svc = _open(args)
    ensure_demo_ward(svc.engine, svc.clock)
    t0 = time.perf_counter()
    made = seed_dossiers(svc.engine, svc.clock, args.dossiers) if args.dossiers else 0
    print(f"Đã tạo {made} hồ sơ mẫu trong {time.perf_counter() - t0:.1f} giây.")
    return 0


def cmd_dossiers(args: argparse.Namespace) -> int:
    """List dossiers, one JSON object per line: every one, streamed (or a search's matches)."""
    svc = _open(args)
    if not args.search:
        from counter_app.dossier_cli import run_dossiers_list

        return run_dossiers_list(svc, args)
    rows = svc.dossiers.find(DossierQuery(text=args.search, limit=args.limit or 1000))
    out = sys.stdout
    for d in rows:
        out.write(dossier_json(d) if args.json else f"{d.code}\t{d.status.name}\t{d.procedure_code}")
        out.write("\n")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    """Render a stored dossier's receipt, slip, form 02–07 or fee receipt to a PDF file."""
    from printing.receipt import render_receipt
    from printing.slip import render_slip

    svc = _open(args)
    if args.what != "receipt":
        from counter_app.forms_cli import print_form

        pdf = print_form(svc, args)
    elif args.format == "slip80":
        pdf = render_slip(svc.receipts.slip(args.args[0]), width_mm=80)
    else:
        pdf = render_receipt(svc.receipts.receipt(args.args[0]), page=args.format)
    Path(args.out).write_bytes(pdf)
    print(args.out)
    return 0


def _password(username: str) -> str:
    """The password of ``--user``: from the environment, else asked for without echo."""
    if password := os.environ.get(PASSWORD_ENV):
        return password
    try:
        return getpass.getpass(f"Mật khẩu của {username}: ")
    except EOFError:  # no terminal and no variable (a script): refuse, don't hang or crash
        raise LoginFailed(f"Chưa có mật khẩu: đặt biến môi trường {PASSWORD_ENV}.") from None


def cmd_catalogue(args: argparse.Namespace) -> int:
    """Import or update the procedure catalogue from CSV, JSON or XLSX, as an administrator."""
    svc = _open(args)
    # A wrong password (LoginFailed) or a non-admin (PermissionDenied) ends in main(): exit 2.
    by = svc.accounts.login(args.user, _password(args.user))
    today = to_vn(svc.clock.now()).date()
    report = svc.catalogue.import_file(Path(args.file), by=by, today=today)
    print(f"Thêm {report.added}, cập nhật {report.updated}, không đổi {report.unchanged}, "
          f"từ chối {len(report.rejected)}")
    for r in report.rejected:
        print(f"  dòng {r.source_row} ({r.code}): {'; '.join(r.reasons)}")
    return 0 if not report.rejected else 1


def cmd_queue(args: argparse.Namespace) -> int:
    """Queue tickets: issue one and write the printer's output; export statistics."""
    from counter_app.queue_cli import run_queue_command

    return run_queue_command(_open(args), args, _settings(args).data_dir)


def cmd_dossier(args: argparse.Namespace) -> int:
    """Show a dossier or run one lifecycle action on it, as the official ``--user``."""
    from counter_app.dossier_cli import run_dossier_command

    return run_dossier_command(_open(args), args, _password)


def cmd_check(args: argparse.Namespace) -> int:
    """The full page-by-page check of the store, and every event against its SHA-256."""
    from counter_app.store_cli import run_check

    return run_check(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every operator command."""
    p = argparse.ArgumentParser(prog="counter-app", description="Phần mềm Một cửa cấp phường")
    p.add_argument("--data-dir", type=Path, default=None, help="thư mục dữ liệu")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed-demo", help="tạo phường mẫu và hồ sơ mẫu")
    s.add_argument("--dossiers", type=int, default=200)
    s.set_defaults(fn=cmd_seed_demo)
    s = sub.add_parser("dossiers", help="liệt kê hồ sơ")
    s.add_argument("--json", action="store_true")
    s.add_argument("--search", default="")
    s.add_argument("--limit", type=int, default=None, help="mặc định: tất cả")
    s.set_defaults(fn=cmd_dossiers)
    s = sub.add_parser("print", help="in phiếu: receipt MÃ | form SỐ_MẪU MÃ | fee-receipt MÃ")
    s.add_argument("what", choices=["receipt", "form", "fee-receipt"])
    s.add_argument("args", nargs="+", metavar="SỐ_MẪU/MÃ_HỒ_SƠ")
    s.add_argument("--out", required=True)
    s.add_argument("--format", choices=["a4", "a5", "slip80"], default="a4")
    s.add_argument("--receipt-no", default="", help="số biên lai (fee-receipt; mặc định: mới nhất)")
    s.set_defaults(fn=cmd_print)
    s = sub.add_parser("catalogue", help="nhập danh mục thủ tục")
    s.add_argument("action", choices=["import"])
    s.add_argument("file")
    s.add_argument("--user", required=True, metavar="USERNAME",
                   help=f"quản trị viên thực hiện (mật khẩu: biến môi trường {PASSWORD_ENV} "
                        "hoặc nhập khi được hỏi)")
    s.set_defaults(fn=cmd_catalogue)
    s = sub.add_parser("check", help="kiểm tra toàn bộ tệp dữ liệu (PRAGMA quick_check)")
    s.set_defaults(fn=cmd_check)
    s = sub.add_parser("queue", help="số thứ tự: lấy số, thống kê, in thử")
    from counter_app.queue_cli import add_queue_arguments

    add_queue_arguments(s)
    s.set_defaults(fn=cmd_queue)
    from counter_app.dossier_cli import add_dossier_parsers

    add_dossier_parsers(sub, f"mật khẩu: biến môi trường {PASSWORD_ENV}")
    sub.choices["dossier"].set_defaults(fn=cmd_dossier)
    from counter_app.forms_cli import add_ledger_parser

    add_ledger_parser(sub, lambda a, fn: fn(a, _open(a)))
    from counter_app.report_cli import add_report_parser

    add_report_parser(sub, _open)
    from counter_app.sync_cli import add_sync_parsers

    add_sync_parsers(sub)
    from counter_app.store_cli import add_store_parsers

    add_store_parsers(sub)
    from counter_app.hub.cli import add_hub_parser

    add_hub_parser(sub)
    return p


def _hoist_data_dir(argv: list[str]) -> list[str]:
    # Accept --data-dir anywhere on the line, as operators type it after the subcommand too.
    out, i, hoisted = [], 0, []
    while i < len(argv):
        if argv[i] == "--data-dir" and i + 1 < len(argv):
            hoisted += argv[i:i + 2]
            i += 2
            continue
        if argv[i].startswith("--data-dir="):
            hoisted.append(argv[i])
        else:
            out.append(argv[i])
        i += 1
    return hoisted + out


def main(argv: Sequence[str] | None = None) -> int:
    """Run one operator command; Vietnamese error text and exit 2 on a user error."""
    args = build_parser().parse_args(_hoist_data_dir(list(sys.argv[1:] if argv is None else argv)))
    settings = _settings(args)
    # Scheduled runs (a nightly `sync`) leave their trace in the same rotated file as the GUI;
    # the console shows only warnings, so scripted output stays clean.
    setup_logging(settings.log_dir, settings.log_level, console_level="WARNING")
    logging.getLogger(__name__).info("command: %s", args.command)
    try:
        return int(args.fn(args))
    except (ServiceError, DomainError, StoreError) as exc:  # hub errors are ServiceErrors
        print(f"Lỗi: {exc.message_vi}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk while writing a file (a PDF, the printer's output)
        if not is_disk_full(exc):
            raise
        print(f"Lỗi: {StoreFull().message_vi}", file=sys.stderr)
        return 2


def demo_dir() -> Path:
    """The demo ward's data folder."""
    return demo_data_dir()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
