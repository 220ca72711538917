"""The ward hub on 127.0.0.1: ``uv run python -m bench.hub_bench [--calls 200] [--dossiers 50]``.

1. Call → hall display: two counter threads call and finish through the hub at once (HTTP,
   idempotency keys), a display follows the push channel (server-sent events); one sample is
   the time from a counter pressing "call next" to the display holding that call.
2. Relay counter 1 → counter 2: counter 1 receives a dossier (the real intake transaction),
   syncs through the hub (``WardSync``); the hub's relay notice makes counter 2 pull; one
   sample is the time from the intake call to the dossier being in counter 2's store.

The floor beside them is one HTTP round trip to the same hub (GET /hub/v1/info).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.__main__ import pct
from counter_app.domain.clock import SystemClock, local_day
from counter_app.hub import link, peers
from counter_app.hub.client import HubClient
from counter_app.hub.port import BoardChanged, HubQueuePort
from counter_app.hub.runtime import HubOptions, HubRuntime
from counter_app.hub.server import HubThread
from counter_app.hub.ward_sync import WardSync
from counter_app.services.context import AppServices, open_services
from counter_app.services.demo import ensure_demo_ward
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.sync.settings import SyncSettings

PROCEDURE = "1.004873"


def _store(path: Path) -> AppServices:
    svc = open_services(path / "counter.db", SystemClock())
    ensure_demo_ward(svc.engine, svc.clock)
    svc.queue.ensure_defaults()
    return svc


def _pair(svc: AppServices, data_dir: Path, hub_rt: HubRuntime, url: str, role: str) -> HubClient:
    link.pair(svc.engine, data_dir, svc.clock.now(), url=url, role=role, name=data_dir.name,
              code=peers.new_code(hub_rt.engine, hub_rt.clock.now()))
    client = link.open_client(svc.engine, data_dir)
    assert client is not None
    return client


def _floor(client: HubClient, n: int = 100) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.info()
        out.append(time.perf_counter() - t0)
    return out


def bench_calls(hub_rt: HubRuntime, url: str, tmp: Path, n: int) -> list[float]:
    """Press → display, per call."""
    pcs = {name: _store(tmp / name) for name in ("kiosk", "c1", "c2", "display")}
    clients = {name: _pair(svc, tmp / name, hub_rt, url, "counter")
               for name, svc in pcs.items()}
    seen: dict[str, float] = {}
    cond = threading.Condition()

    def on_board(change: object) -> None:
        assert isinstance(change, BoardChanged)
        with cond:
            for c in change.board.calls:
                seen.setdefault(c.number, time.perf_counter())
            cond.notify_all()

    lk = link.load_link(pcs["display"].engine)
    assert lk is not None
    port = HubQueuePort(clients["display"], link.hub_token(tmp / "display", lk))
    port.add_listener(on_board)
    port.follow()
    rng = random.Random(3)
    for _ in range(n):
        clients["kiosk"].act("issue", prefix="A", priority=rng.random() < 0.2)
    pressed: dict[str, float] = {}

    def counter(name: str, no: int) -> None:
        while True:
            t0 = time.perf_counter()
            t = clients[name].act("call-next", counter=no)
            if t is None:
                return
            pressed[t.number] = t0
            clients[name].act("finish", counter=no)

    workers = [threading.Thread(target=counter, args=(c, i)) for i, c in ((1, "c1"), (2, "c2"))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with cond:
        cond.wait_for(lambda: set(pressed) <= set(seen), timeout=10)
    port.close()
    for c in clients.values():
        c.close()
    for svc in pcs.values():
        svc.close()
    return [seen[num] - t0 for num, t0 in pressed.items() if num in seen]


def bench_relay(hub_rt: HubRuntime, url: str, tmp: Path, n: int) -> list[float]:
    """Intake on counter 1 → the dossier in counter 2's store."""
    c1, c2 = _store(tmp / "r1"), _store(tmp / "r2")
    cl1, cl2 = _pair(c1, tmp / "r1", hub_rt, url, "counter"), _pair(c2, tmp / "r2", hub_rt, url,
                                                                     "counter")
    cl1.close()
    fast = SyncSettings(timeout_s=5, connect_timeout_s=2)
    s1 = WardSync(c1.engine, tmp / "r1", c1.clock, fast)
    s2 = WardSync(c2.engine, tmp / "r2", c2.clock, fast)
    s1.upstream_pull_every_s = s2.upstream_pull_every_s = 1e9  # no upstream in this bench
    s1.run_once()
    s2.run_once()
    lk = link.load_link(c2.engine)
    assert lk is not None
    port = HubQueuePort(cl2, link.hub_token(tmp / "r2", lk))
    wake, stop = threading.Event(), threading.Event()
    port.add_relay_listener(wake.set)
    arrived: dict[str, float] = {}

    def follower() -> None:  # counter 2's sync worker, woken by the hub's relay notice
        while not stop.is_set():
            if wake.wait(0.5):
                wake.clear()
                s2.run_once()
                with c2.engine.connect() as conn:
                    from sqlalchemy import text

                    for (code,) in conn.execute(text("SELECT code FROM dossier")):
                        arrived.setdefault(code, time.perf_counter())

    t = threading.Thread(target=follower)
    t.start()
    port.follow()
    official = c1.accounts.login("canbo", "canbo123")
    proc = c1.catalogue.in_force(PROCEDURE, on=local_day(c1.clock.now()))
    comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
    started: dict[str, float] = {}
    for i in range(n):
        t0 = time.perf_counter()
        d = c1.intake.receive(IntakeRequest(
            procedure_id=proc.id, applicant_name=f"Nguyễn Văn {_spoken(i)}",
            id_number=f"0010850{i:05d}", address="Số 3 Văn Cao, Hà Nội", components=comps),
            official=official)
        started[d.code] = t0
        s1.run_once()
        deadline = time.monotonic() + 10
        while d.code not in arrived and time.monotonic() < deadline:
            threading.Event().wait(0.002)
    stop.set()
    t.join()
    port.close()
    c1.close()
    c2.close()
    return [arrived[code] - t0 for code, t0 in started.items() if code in arrived]


def main(argv: list[str] | None = None) -> int:
    """Run both and print one JSON object."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--dossiers", type=int, default=50)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        _store(tmp / "hub").close()
        rt = HubRuntime(tmp / "hub", options=HubOptions(poll_s=0.05), name="bench")
        with HubThread(rt) as url:
            calls = bench_calls(rt, url, tmp, args.calls)
            relay = bench_relay(rt, url, tmp, args.dossiers)
            kiosk = _store(tmp / "floor")
            floor_client = _pair(kiosk, tmp / "floor", rt, url, "counter")
            floor = _floor(floor_client)
            floor_client.close()
            kiosk.close()
    out = {
        "calls": len(calls), "call_to_display_p50_ms": round(pct(calls, 50), 1),
        "call_to_display_p99_ms": round(pct(calls, 99), 1),
        "relay": len(relay), "relay_c1_to_c2_p50_ms": round(pct(relay, 50), 1),
        "relay_c1_to_c2_p99_ms": round(pct(relay, 99), 1),
        "floor_http_roundtrip_p50_ms": round(pct(floor, 50), 2),
        "floor_http_roundtrip_p99_ms": round(pct(floor, 99), 2),
    }
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def _spoken(n: int) -> str:
    """A number as words: a person's name never holds digits (the intake refuses them)."""
    words = ("Không", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín")
    return " ".join(words[int(d)] for d in str(n))
