"""Lifecycle actions and the full dossier list:
``uv run python -m bench.lifecycle_bench [--dossiers 1000000] [--walks 200]``.

- action save: one lifecycle action as the official's click runs it (BEGIN IMMEDIATE, state
  check, dossier update, timeline row, outbox event, fsync under synchronous=FULL), over a
  store seeded with ``--dossiers``; beside it the floor, a bare SQLite insert+commit with the
  same pragmas on the same disk.
- ``dossiers --json``: the CLI as a subprocess over the whole store (every dossier, streamed),
  its wall time and peak memory (ru_maxrss of the child).

Set ``BENCH_CACHE`` to keep the seeded store between runs (shared with ``python -m bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.__main__ import _seeded_store, pct
from bench.queue_bench import sqlite_floor


def _walk(svc: Any, c: str, me: Any) -> list[tuple[str, Callable[[], object]]]:
    lc = svc.lifecycle
    return [
        ("handover", lambda: lc.handover(c, to="Công an phường", actor=me)),
        ("supplement", lambda: lc.request_supplement(c, items=["Bản sao"], actor=me)),
        ("resubmit", lambda: lc.resubmit(c, actor=me)),
        ("ready", lambda: lc.ready(c, actor=me)),
        ("pay", lambda: svc.fees.pay(c, amount=20000, method="cash", actor=me)),
        ("return", lambda: lc.return_result(c, actor=me)),
        ("rate", lambda: svc.ratings.rate(c, actor=me, level=1)),
    ]


def bench_actions(db: Path, walks: int) -> dict[str, object]:
    """Time each action of ``walks`` dossiers walked to their end on a copy of the store."""
    from counter_app.domain.clock import FixedClock, vn_datetime
    from counter_app.services.context import open_services
    from counter_app.services.intake import ComponentInput, IntakeRequest
    from counter_app.services.lifecycle import Actor

    work = Path(tempfile.mkdtemp(prefix="lifecycle-bench-"))
    try:
        copy = work / "counter.db"
        shutil.copy(db, copy)
        clock = FixedClock(vn_datetime(2030, 3, 4, 8, 0))  # after every seeded day
        svc = open_services(copy, clock)
        me = Actor(svc.accounts.login("canbo", "canbo123"), counter_no=1)
        proc = svc.catalogue.in_force("1.004222", on=clock.now().date())
        comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
        samples: dict[str, list[float]] = {}
        for _ in range(walks):
            d = svc.intake.receive(IntakeRequest(
                procedure_id=proc.id, applicant_name="Phạm Văn Bình", id_number="001085012345",
                address="Số 3 Văn Cao, Hà Nội", components=comps), official=me.official)
            for name, act in _walk(svc, d.code, me):
                clock.advance(minutes=1)
                t0 = time.perf_counter()
                act()
                samples.setdefault(name, []).append(time.perf_counter() - t0)
        svc.close()
        every = [x for v in samples.values() for x in v]
        floor = sqlite_floor(work / "floor.db", len(every) // 4)
        return {
            "actions": len(every), "p50_ms": round(pct(every, 50), 2),
            "p99_ms": round(pct(every, 99), 2),
            "per_action_p99_ms": {k: round(pct(v, 99), 2) for k, v in samples.items()},
            "floor_insert_commit_ms": {"p50": round(pct(floor, 50), 2),
                                       "p99": round(pct(floor, 99), 2)},
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_list(db: Path) -> dict[str, object]:
    """``counter-app dossiers --json`` over the whole store: time, lines, peak memory."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "counter_app", "--data-dir", str(db.parent),
                             "dossiers", "--json"], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    lines = sum(1 for _ in proc.stdout)
    _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the seeder's
    wall = time.perf_counter() - t0
    return {"lines": lines, "seconds": round(wall, 1), "rows_per_s": round(lines / wall),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "exit": os.waitstatus_to_exitcode(status)}


def main() -> None:
    """Seed (or reuse) the store, then measure the list and the actions."""
    p = argparse.ArgumentParser()
    p.add_argument("--dossiers", type=int, default=1_000_000)
    p.add_argument("--walks", type=int, default=200)
    args = p.parse_args()
    db = _seeded_store(args.dossiers)
    report = {"dossiers_in_store": args.dossiers,
              "seed_seconds": float((db.parent / "done").read_text()),
              "dossiers_json": bench_list(db), "action_save": bench_actions(db, args.walks)}
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
