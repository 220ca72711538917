"""``district-server``: serve, and the operator commands (every one migrates first)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from counter_app.domain.clock import SystemClock, from_db
from counter_app.domain.errors import DomainError
from district_server.cli_upstream import add_commands
from district_server.db import make_engine, migrate
from district_server.export import export_ward
from district_server.services import admin, dossiers
from district_server.settings import ServerSettings


def _settings(args: argparse.Namespace) -> ServerSettings:
    kwargs: dict[str, Any] = {}
    if getattr(args, "db", ""):
        kwargs["db_url"] = args.db
    if getattr(args, "data_dir", ""):
        kwargs["data_dir"] = Path(args.data_dir)
    return ServerSettings(**kwargs)


def _engine(args: argparse.Namespace) -> Engine:
    engine = make_engine(_settings(args).database_url)
    migrate(engine)
    return engine


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the server with uvicorn (TLS directly, or behind a reverse proxy)."""
    import uvicorn

    from district_server.app import create_app

    settings = _settings(args)
    common = {"host": args.host, "port": args.port, "ssl_certfile": args.ssl_certfile,
              "ssl_keyfile": args.ssl_keyfile, "proxy_headers": args.proxy_headers,
              "forwarded_allow_ips": args.forwarded_allow_ips, "log_level": "info"}
    if args.workers <= 1:
        uvicorn.run(create_app(settings), **common)
        return 0
    # Several processes (PostgreSQL only: SQLite has one writer). Migrate once here; each
    # worker builds its app from the environment. Rate limits are then per worker.
    if settings.database_url.startswith("sqlite"):
        print("--workers > 1 needs PostgreSQL (--db postgresql+psycopg://…)", file=sys.stderr)
        return 2
    migrate(make_engine(settings.database_url))
    os.environ["DISTRICT_DB_URL"] = settings.database_url
    os.environ["DISTRICT_DATA_DIR"] = str(settings.data_dir)
    uvicorn.run("district_server.app:app_from_env", factory=True, workers=args.workers,
                **common)
    return 0


def cmd_ward_add(args: argparse.Namespace) -> int:
    """Register a ward."""
    admin.add_ward(_engine(args), code=args.code, name=args.name, now=SystemClock().now())
    print(f"ward {args.code.strip().upper()} added")
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    """Issue a one-time enrolment code; the code is the last line of the output."""
    settings = _settings(args)
    engine = _engine(args)
    code = admin.make_enrol_code(engine, ward=args.ward, now=SystemClock().now(),
                                 ttl_hours=settings.enrol_code_ttl_hours,
                                 counter_no=args.counter, replace_device=args.replace)
    print(f"One-time enrolment code for {args.ward.strip().upper()} "
          f"(valid {settings.enrol_code_ttl_hours} h):")
    print(code)
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    """List devices with their sync health."""
    rows = admin.list_devices(_engine(args), ward=args.ward)
    if args.json:
        for d in rows:
            print(json.dumps(d.__dict__, ensure_ascii=False))
        return 0
    print("device_id\tward\tcounter\trange\tlast_seen\tapplied/max\tgaps\tskew_s\tflags")
    for d in rows:
        skew = "" if d.clock_skew_s is None else f"{d.clock_skew_s:+.0f}"
        print(f"{d.device_id}\t{d.ward_code}\t{d.counter_no}\t{d.code_range[0]}-"
              f"{d.code_range[1]}\t{d.last_seen_at or 'never'}\t{d.last_applied_seq}/"
              f"{d.max_seq_seen}\t{d.open_gaps}\t{skew}\t"
              f"{'revoked,' if d.revoked else ''}{d.flags}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    """Revoke a device's credential."""
    admin.revoke(_engine(args), args.device_id, now=SystemClock().now())
    print(f"device {args.device_id} revoked")
    return 0


def dossier_json(d: dict[str, Any]) -> str:
    """One line of ``dossiers --json``: the counter's ``counter-app dossiers --json`` shape."""
    return json.dumps({
        "code": d["code"], "status": int(d["status"]), "procedure_code": d["procedure_code"],
        "received_at": from_db(d["received_at"]).isoformat(),
        "due_at": from_db(d["due_at"]).isoformat(), "channel": int(d["channel"]),
    }, ensure_ascii=False)


def cmd_dossiers(args: argparse.Namespace) -> int:
    """The ward's dossiers, one per line."""
    for d in dossiers.list_for_ward(_engine(args), args.ward):
        print(dossier_json(d) if args.json else f"{d['code']}\t{d['status']}\t"
              f"{d['procedure_code']}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the ward's dossiers as a DongBoHoSoMC body."""
    rows = dossiers.list_for_ward(_engine(args), args.ward)
    body = export_ward(rows, agency_code=args.ward.strip().upper())
    Path(args.out).write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(rows)} dossiers written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not overwrite a value given before it.
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="database URL (default: SQLite in the data directory)")
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help="data directory")
    p = argparse.ArgumentParser(prog="district-server", parents=[common])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", parents=[common], help="run the HTTP server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--ssl-certfile", default=None)
    s.add_argument("--ssl-keyfile", default=None)
    s.add_argument("--proxy-headers", action="store_true",
                   help="trust X-Forwarded-For/Proto from --forwarded-allow-ips")
    s.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    s.add_argument("--workers", type=int, default=1,
                   help="server processes (PostgreSQL); default 1")
    s.set_defaults(fn=cmd_serve)
    ward = sub.add_parser("ward", parents=[common], help="manage wards")
    wsub = ward.add_subparsers(dest="ward_command", required=True)
    s = wsub.add_parser("add", parents=[common])
    s.add_argument("--code", required=True, help="agency code AAA.BB.CC.Hnn")
    s.add_argument("--name", required=True)
    s.set_defaults(fn=cmd_ward_add)
    s = sub.add_parser("enrol-code", parents=[common], help="issue a one-time enrolment code")
    s.add_argument("--ward", required=True)
    s.add_argument("--counter", type=int, default=None, help="pin counter block 1..10")
    s.add_argument("--replace", default=None, metavar="DEVICE_ID",
                   help="re-key this device (same identity, range and sequence)")
    s.set_defaults(fn=cmd_enrol_code)
    s = sub.add_parser("devices", parents=[common], help="list devices")
    s.add_argument("--ward", default=None)
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_devices)
    s = sub.add_parser("revoke", parents=[common], help="revoke a device")
    s.add_argument("device_id")
    s.set_defaults(fn=cmd_revoke)
    s = sub.add_parser("dossiers", parents=[common], help="list a ward's dossiers")
    s.add_argument("--ward", required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_dossiers)
    s = sub.add_parser("export", parents=[common], help="DongBoHoSoMC export")
    s.add_argument("--ward", required=True)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_export)
    add_commands(sub, common, _engine)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``district-server`` console script."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.fn(args)
    except (admin.AdminError, DomainError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
