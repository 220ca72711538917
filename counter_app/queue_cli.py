"""The ``counter-app queue`` operator command (kept here so cli.py stays small).

On a PC paired with the ward's hub every action goes through the hub (which owns the numbers
and the tickets); on a stand-alone PC it acts on the local store.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from counter_app.domain.clock import local_day
from counter_app.services.context import AppServices
from counter_app.services.queue_models import BoardPublic, TicketPublic
from counter_app.services.queue_stats import stats_csv, stats_xlsx

TICKET_ACTIONS = ("call-next", "call", "recall", "start", "finish", "no-show", "transfer")


def add_queue_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``queue issue|stats|test-page|status|call-next|…``."""
    p.add_argument("action", choices=["issue", "stats", "test-page", "status", *TICKET_ACTIONS])
    p.add_argument("--service", default="A", help="ký hiệu dịch vụ, ví dụ A")
    p.add_argument("--priority", action="store_true", help="số ưu tiên")
    p.add_argument("--out", default=None,
                   help="tệp ra: .png (ảnh in nhiệt), .pdf, .bin (byte ESC/POS); .csv/.xlsx")
    p.add_argument("--width", type=int, choices=[80, 58], default=80, help="khổ giấy (mm)")
    p.add_argument("--from", dest="day_from", type=date.fromisoformat, default=None)
    p.add_argument("--to", dest="day_to", type=date.fromisoformat, default=None)
    p.add_argument("--counter", type=int, default=None, help="số quầy")
    p.add_argument("--number", default=None, help="số cần gọi (queue call), ví dụ A012")
    p.add_argument("--to-service", default=None, help="chuyển sang dịch vụ (queue transfer)")
    p.add_argument("--to-counter", type=int, default=None, help="chuyển sang quầy")
    p.add_argument("--json", action="store_true", help="queue status: in JSON")
    p.add_argument("--key", default=None,
                   help="khoá chống lặp (gửi lại cùng khoá sau khi mất phản hồi)")


def run_queue_command(svc: AppServices, args: argparse.Namespace, data_dir: Path) -> int:
    """Run one queue action; prints the number or the file written."""
    if args.action in TICKET_ACTIONS:
        return _ticket_action(svc, args, data_dir)
    if args.action == "status":
        return _status(svc, args, data_dir)
    if args.out is None:
        print("Lỗi: cần --out", file=sys.stderr)
        return 2
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
    ticket = _issue(svc, args, data_dir)
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


def _issue(svc: AppServices, args: argparse.Namespace, data_dir: Path) -> TicketPublic:
    from counter_app.hub.link import open_client

    client = open_client(svc.engine, data_dir)
    if client is None:
        return svc.queue.issue(args.service, priority=args.priority)
    with client:
        ticket = client.act("issue", key=args.key, prefix=args.service, priority=args.priority)
    assert ticket is not None
    return ticket


def _ticket_action(svc: AppServices, args: argparse.Namespace, data_dir: Path) -> int:
    from counter_app.hub.link import open_client
    from counter_app.hub.queue_actions import HubQueue, QueueRequest

    if args.counter is None:
        print("Lỗi: cần --counter", file=sys.stderr)
        return 2
    req = QueueRequest(action=args.action, counter=args.counter, number=args.number,
                       to_prefix=args.to_service, to_counter=args.to_counter)
    client = open_client(svc.engine, data_dir)
    if client is None:
        local = HubQueue(svc.engine, svc.queue, svc.clock)
        ticket = local.apply(req, key=args.key or _fresh_key(), peer_id="local")
    else:
        with client:
            ticket = client.act(args.action, key=args.key, counter=req.counter,
                                number=req.number, to_prefix=req.to_prefix,
                                to_counter=req.to_counter)
    if ticket is None:
        print("Không còn ai chờ.", file=sys.stderr)
        return 1
    print(ticket.number)
    return 0


def _fresh_key() -> str:
    import uuid

    return str(uuid.uuid4())


def board_summary(board: BoardPublic) -> dict[str, object]:
    """``queue status --json``: waiting per service and the recent calls, newest first."""
    return {
        "day": board.day.isoformat(),
        "waiting": [{"prefix": w.prefix, "name": w.name, "waiting": w.waiting}
                    for w in board.waiting],
        "calls": [{"number": c.number, "counter": c.counter_no, "recall": c.recall,
                   "called_at": c.called_at.isoformat()} for c in board.calls],
    }


def _status(svc: AppServices, args: argparse.Namespace, data_dir: Path) -> int:
    from counter_app.hub.link import open_client

    client = open_client(svc.engine, data_dir)
    if client is None:
        board = svc.queue.board(limit=20)
    else:
        with client:
            board = client.board()
    summary = board_summary(board)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    for w in board.waiting:
        print(f"{w.prefix}\t{w.waiting}\t{w.name}")
    for c in board.calls:
        print(f"{c.number}\t→ quầy {c.counter_no}")
    return 0
