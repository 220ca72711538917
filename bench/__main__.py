"""Benchmarks with their own entry point: ``python -m bench [--dossiers N] [--only NAME]``.

Each figure is shown beside its physical floor measured in the same run (a bare SQLite
insert+commit with the same pragmas, a bare FTS5 query), so the ratio tells how much the app adds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def pct(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) in milliseconds."""
    s = sorted(samples)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k] * 1000


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    """Run fn n times, return the durations in seconds."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def floor_insert_commit(path: Path, n: int) -> list[float]:
    """A bare SQLite insert+commit with WAL and synchronous=FULL: the disk's floor."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT)")
    payload = "x" * 800

    def one() -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t(v) VALUES (?)", (payload,))
        con.execute("COMMIT")

    res = timed(one, n)
    con.close()
    return res


def bench_intake(n: int) -> dict[str, Any]:
    """Intake save latency through IntakeService.receive (validation, code, due date, event)."""
    from counter_app.domain.clock import SystemClock
    from counter_app.services.context import open_services
    from counter_app.services.demo import ensure_demo_ward
    from counter_app.services.intake import ComponentInput, IntakeRequest

    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    svc = open_services(tmp / "c.db", SystemClock())
    ensure_demo_ward(svc.engine, svc.clock)
    official = svc.accounts.login("canbo", "canbo123")
    proc = svc.catalogue.in_force("1.004873", on=svc.clock.now().date())
    comps = tuple(ComponentInput(c.name, max(1, c.originals)) for c in proc.components)
    req = IntakeRequest(procedure_id=proc.id, applicant_name="Nguyễn Thị Hồng Nhung",
                        id_number="001190012345", address="Số 12 Thụy Khuê, Hà Nội",
                        components=comps, phone="0912345678")
    svc.intake.receive(req, official=official)  # warm up
    app = timed(lambda: svc.intake.receive(req, official=official), n)
    svc.close()
    floor = floor_insert_commit(tmp / "floor.db", n)
    return {"intake_save_ms": {"p50": pct(app, 50), "p99": pct(app, 99)},
            "floor_insert_commit_ms": {"p50": pct(floor, 50), "p99": pct(floor, 99)},
            "ratio_p50": pct(app, 50) / pct(floor, 50), "n": n}


def bench_receipt(n: int) -> dict[str, Any]:
    """Receipt PDF (form 01, A4) and 80 mm slip render times."""
    from datetime import datetime

    from counter_app.domain.clock import VN_TZ
    from printing.model import AgencyHeader, ComponentLine, ReceiptData, SlipData
    from printing.receipt import render_receipt
    from printing.slip import render_slip

    h = AgencyHeader("UBND PHƯỜNG THỤY KHUÊ", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Hà Nội")
    at = datetime(2026, 11, 20, 9, 15, tzinfo=VN_TZ)
    url = "https://dichvucong.example.vn/tra-cuu/000.00.12.H26-261120-0001?t=abcdefghijklmnop"
    data = ReceiptData(
        header=h, dossier_code="000.00.12.H26-261120-0001", applicant_name="Nguyễn Thị Hồng Nhung",
        applicant_address="Số 12 ngõ 34 Thụy Khuê, Hà Nội", applicant_phone="0912345678",
        applicant_email="", applicant_id_number="001190012345",
        procedure_name="Xác nhận tình trạng hôn nhân", procedure_code="1.004873",
        components=tuple(ComponentLine(f"Giấy tờ số {i}", 1, 0, 1) for i in range(4)),
        sets_count=1, processing_time_text="03 ngày làm việc", received_at=at, due_at=at,
        result_delivery="Tại Bộ phận tiếp nhận và trả kết quả", ledger_book="01",
        ledger_line=12, official_name="Trần Văn Đức", lookup_url=url)
    slip = SlipData(h, data.dossier_code, data.applicant_name, data.procedure_name, at, at, url,
                    "Trần Văn Đức")
    t0 = time.perf_counter()
    render_receipt(data)
    first = time.perf_counter() - t0
    a4 = timed(lambda: render_receipt(data), n)
    sl = timed(lambda: render_slip(slip), n)
    return {"receipt_a4_ms": {"first": first * 1000, "p50": pct(a4, 50), "p99": pct(a4, 99)},
            "slip80_ms": {"p50": pct(sl, 50), "p99": pct(sl, 99)}, "n": n}


def _seeded_store(n: int) -> Path:
    cache = Path(os.environ.get("BENCH_CACHE", tempfile.gettempdir())) / f"motcua-bench-{n}"
    db = cache / "counter.db"
    if not (cache / "done").exists():
        cache.mkdir(parents=True, exist_ok=True)
        for f in cache.glob("counter.db*"):
            f.unlink()
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "counter_app", "--data-dir", str(cache),
                        "seed-demo", "--dossiers", str(n)], check=True)
        (cache / "done").write_text(f"{time.perf_counter() - t0:.1f}")
    return db


def bench_search(n: int, queries: int) -> dict[str, Any]:
    """Search latency over n dossiers: names without diacritics, codes, ID numbers, phones."""
    from counter_app.domain.clock import SystemClock
    from counter_app.services.context import open_services
    from counter_app.services.dossiers import DossierQuery, fts_query

    db = _seeded_store(n)
    svc = open_services(db, SystemClock())
    rng = random.Random(1)
    con = sqlite3.connect(db)
    sample = con.execute("SELECT code, applicant_folded, id_number, phone FROM dossier "
                         "WHERE id IN (SELECT abs(random()) % (SELECT max(id) FROM dossier) "
                         "FROM dossier LIMIT 200)").fetchall()
    terms: list[str] = []
    for code, name, idn, phone in sample:
        terms += [name, " ".join(name.split()[-2:]), code, idn, phone[-6:], name.split()[0]]
    picks = [rng.choice(terms) for _ in range(queries)]
    it = iter(picks)
    app = timed(lambda: svc.dossiers.find(DossierQuery(text=next(it), limit=50)), queries)
    it2 = iter(picks)
    floor = timed(lambda: con.execute(
        "SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ? ORDER BY rowid DESC LIMIT 50",
        (fts_query(next(it2)),)).fetchall(), queries)
    count = svc.dossiers.count()
    svc.close()
    con.close()
    return {"dossiers": count, "search_ms": {"p50": pct(app, 50), "p95": pct(app, 95)},
            "floor_fts5_ms": {"p50": pct(floor, 50), "p95": pct(floor, 95)},
            "ratio_p95": pct(app, 95) / max(pct(floor, 95), 1e-6), "queries": queries,
            "seed_seconds": float((db.parent / "done").read_text())}


def _probe(*args: str) -> dict[str, Any]:
    # As on a desk: bytecode is written (dependencies at install, compile-bytecode in
    # pyproject.toml; the app's own modules on the first start), whatever this shell says.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run([sys.executable, "-m", "ui.startup_probe", *args, str(time.time())],
                         capture_output=True, text=True, check=True,
                         env={**env, "QT_QPA_PLATFORM": "offscreen"})
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _todays_backups(data_dir: Path) -> list[Path]:
    from counter_app.domain.clock import SystemClock, local
    from counter_app.services.backup import PREFIX, list_backups

    today = f"{PREFIX}{local(SystemClock().now()):%Y%m%d}-"
    return [p for p in list_backups(data_dir / "backups") if p.name.startswith(today)]


def _start_runs(data_dir: Path, *, first_of_day: bool, runs: int) -> dict[str, Any]:
    """Median start-up times; ``first_of_day``: no backup of today yet, so the daily backup
    starts during the run (and is stopped when the probe quits, so the next run is a first
    start too); otherwise today's backup is made once, for real, before the runs."""
    from counter_app.domain.clock import SystemClock
    from counter_app.services.backup import make_backup

    aside = data_dir / "bench-aside"
    aside.mkdir(exist_ok=True)
    if first_of_day:
        for p in _todays_backups(data_dir):
            p.replace(aside / p.name)
    elif not _todays_backups(data_dir):
        make_backup(data_dir / "counter.db", data_dir / "backups", SystemClock().now())
    res = [_probe(str(data_dir)) for _ in range(runs)]
    for p in aside.iterdir():
        p.replace(data_dir / "backups" / p.name)
    keys = ("first_window_s", "login_ready_s", "main_window_s", "login_ready_cpu_s",
            "main_window_cpu_s", "backup_running_at_main_window")
    out = {k: statistics.median(r.get(k, float("nan")) for r in res) for k in keys}
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in res)
    return out


def bench_cold_start(n: int, runs: int = 3) -> dict[str, Any]:
    """Process start to a usable login and to the main window, on the first start of the day
    (the daily backup due) and on a later start, beside a bare QApplication + dialog floor."""
    db = _seeded_store(n)
    floors = [_probe("--floor") for _ in range(runs)]
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python = time.perf_counter() - t0
    return {"first_start_of_day": _start_runs(db.parent, first_of_day=True, runs=runs),
            "later_start": _start_runs(db.parent, first_of_day=False, runs=runs),
            "floor_qapplication_dialog_s": statistics.median(f["dialog_shown_s"] for f in floors),
            "floor_qapplication_dialog_cpu_s": statistics.median(
                f["dialog_shown_cpu_s"] for f in floors),
            "floor_python_start_s": python,
            "dossiers_in_store": n, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print one JSON report."""
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--dossiers", type=int, default=1_000_000)
    p.add_argument("--intakes", type=int, default=500)
    p.add_argument("--queries", type=int, default=400)
    p.add_argument("--only", choices=["intake", "receipt", "search", "start"], action="append")
    args = p.parse_args(argv)
    only = set(args.only or ["intake", "receipt", "search", "start"])
    report: dict[str, Any] = {}
    if "intake" in only:
        report["intake"] = bench_intake(args.intakes)
    if "receipt" in only:
        report["receipt"] = bench_receipt(200)
    if "search" in only:
        report["search"] = bench_search(args.dossiers, args.queries)
    if "start" in only:
        report["start"] = bench_cold_start(args.dossiers)
    report["bench_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
