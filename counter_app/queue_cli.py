"""The ``counter-app queue`` operator command (kept here so cli.py stays small)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from counter_app.domain.clock import local_day
from counter_app.services.context import AppServices
from counter_app.services.queue_stats import stats_csv, stats_xlsx


def add_queue_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``queue issue|stats|test-page``."""
    p.add_argument("action", choices=["issue", "stats", "test-page"])
    p.add_argument("--service", default="A", help="ký hiệu dịch vụ, ví dụ A")
    p.add_argument("--priority", action="store_true", help="số ưu tiên")
    p.add_argument("--out", required=True,
                   help="tệp ra: .png (ảnh in nhiệt), .pdf, .bin (byte ESC/POS); .csv/.xlsx")
    p.add_argument("--width", type=int, choices=[80, 58], default=80, help="khổ giấy (mm)")
    p.add_argument("--from", dest="day_from", type=date.fromisoformat, default=None)
    p.add_argument("--to", dest="day_to", type=date.fromisoformat, default=None)


def run_queue_command(svc: AppServices, args: argparse.Namespace) -> int:
    """Run one queue action; prints the number or the file written."""
    out = Path(args.out)
    if args.action == "stats":
        first = args.day_from or local_day(svc.clock.now())
        stats = svc.queue.stats(first, args.day_to or first)
        out.write_bytes(stats_xlsx(stats) if out.suffix.lower() == ".xlsx" else stats_csv(stats))
        print(out)
        return 0
    from printing.escpos_out import PrinterConfig, image_bytes, render_test_page
    from printing.ticket import render_ticket_image, render_ticket_pdf

    cfg = PrinterConfig(kind="dummy", width_mm=args.width)
    if args.action == "test-page":
        image = render_test_page(cfg)
        if out.suffix.lower() == ".png":
            image.save(out)
        else:
            out.write_bytes(image_bytes(image, cfg))
        print(out)
        return 0
    suffix = out.suffix.lower()
    if suffix not in (".png", ".pdf", ".bin"):
        print("Lỗi: --out phải là tệp .png, .pdf hoặc .bin", file=sys.stderr)
        return 2
    svc.queue.ensure_defaults()
    ticket = svc.queue.issue(args.service, priority=args.priority)
    data = svc.queue.ticket_print_data(ticket)
    if suffix == ".pdf":
        out.write_bytes(render_ticket_pdf(data, width_mm=args.width))
    else:
        image = render_ticket_image(data, width_mm=args.width)
        if suffix == ".png":
            image.save(out)
        else:
            out.write_bytes(image_bytes(image, cfg))
    print(f"{ticket.number}\t{out}")
    return 0
