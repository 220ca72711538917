"""``counter-app report ii06a --from YYYY-MM-DD --to YYYY-MM-DD [--field CODE] --json``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from counter_app.services.context import AppServices
from counter_app.services.errors import ValidationFailed
from counter_app.services.reports import ReportService, period_of

Opener = Callable[[argparse.Namespace], AppServices]


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({name: "Ngày phải có dạng YYYY-MM-DD."}) from None


def add_report_parser(sub: Any, opener: Opener) -> None:
    """Register ``report`` on the top-level subparsers; ``opener`` opens the store."""
    s = sub.add_parser("report", help="báo cáo thống kê (II.06a: tình hình giải quyết hồ sơ)")
    s.add_argument("name", choices=("ii06a",))
    s.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    s.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    s.add_argument("--field", default=None, metavar="MÃ_LĨNH_VỰC", help="chỉ một lĩnh vực")
    s.add_argument("--procedure", default=None, metavar="MÃ_TTHC", help="chỉ một thủ tục")
    s.add_argument("--json", action="store_true", help="mỗi dòng một đối tượng JSON")
    s.set_defaults(fn=lambda a: run_report(a, opener(a)))


def run_report(args: argparse.Namespace, svc: AppServices) -> int:
    """Print the report: JSON lines, or a tab-separated table with a header."""
    period = period_of(_day(args.start, "from"), _day(args.end, "to"))
    rows = ReportService(svc.engine).ii06a(period, field_code=args.field,
                                           procedure_code=args.procedure)
    out = sys.stdout
    if args.json:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
    out.write("\t".join(rows[0].keys()) + "\n")
    for r in rows:
        out.write("\t".join("" if v is None else str(v) for v in r.values()) + "\n")
    return 0
