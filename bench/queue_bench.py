"""Ticket issue → printer bytes: ``uv run python -m bench.queue_bench [--tickets 300]``.

One sample is what a kiosk does per button press: the QueueService.issue transaction (BEGIN
IMMEDIATE, sequence, ticket row, event, fsync under synchronous=FULL), the ticket's print data,
the 576-dot raster, and the ESC/POS bytes from python-escpos's Dummy printer. The floor beside
it is a bare SQLite insert+commit with the same pragmas.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import pct
from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward
from printing.escpos_out import image_bytes
from printing.ticket import render_ticket_image


def sqlite_floor(path: Path, n: int) -> list[float]:
    """Bare insert+commit with the app's pragmas (WAL, synchronous=FULL)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t(v) VALUES (?)", (str(i),))
        conn.execute("COMMIT")
        out.append(time.perf_counter() - t0)
    conn.close()
    return out


def run(n: int, width_mm: int = 80) -> dict[str, object]:
    """Issue n tickets over three services and measure each to its printer bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(vn_datetime(2026, 11, 24, 7, 30))
        svc = open_services(Path(tmp) / "c.db", clock)
        ensure_demo_ward(svc.engine, clock)
        svc.queue.ensure_defaults()
        render_ticket_image(svc.queue.ticket_print_data(svc.queue.issue("E")))  # warm fonts
        samples, parts = [], {"issue": [], "raster": [], "escpos": []}
        size = 0
        for i in range(n):
            t0 = time.perf_counter()
            ticket = svc.queue.issue("ABC"[i % 3], priority=i % 5 == 0)
            data = svc.queue.ticket_print_data(ticket)
            t1 = time.perf_counter()
            image = render_ticket_image(data, width_mm=width_mm)
            t2 = time.perf_counter()
            size = len(image_bytes(image))
            t3 = time.perf_counter()
            samples.append(t3 - t0)
            for k, v in zip(parts, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                parts[k].append(v)
        svc.close()
        floor = sqlite_floor(Path(tmp) / "floor.db", n)
    return {
        "tickets": n, "width_mm": width_mm, "bytes_per_ticket": size,
        "p50_ms": round(pct(samples, 50), 1), "p99_ms": round(pct(samples, 99), 1),
        "max_ms": round(max(samples) * 1000, 1),
        **{f"{k}_p50_ms": round(pct(v, 50), 1) for k, v in parts.items()},
        **{f"{k}_p99_ms": round(pct(v, 99), 1) for k, v in parts.items()},
        "sqlite_floor_p50_ms": round(pct(floor, 50), 2),
        "target_p99_ms": 100,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the figures as JSON; exit 1 if p99 misses the 100 ms target."""
    p = argparse.ArgumentParser(prog="queue_bench")
    p.add_argument("--tickets", type=int, default=300)
    p.add_argument("--width", type=int, choices=[80, 58], default=80)
    args = p.parse_args(argv)
    result = run(args.tickets, args.width)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if float(str(result["p99_ms"])) <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
