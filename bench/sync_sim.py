"""A simulated week: many counters in many wards working offline with wrong clocks and a
flaky network, then all syncing at once. The server must end up with exactly what they did.

    uv run python -m bench.sync_sim [--wards 50] [--counters 3] [--days 7] [--per-day 20]

Faults come from ``FaultyTransport`` (inside each device's HTTP client): connection refused
before sending, the reply lost after the server committed, a 502 page, a captive portal's
200 HTML, each with probability ``fault_p`` per request. The CI test
(tests/sync/test_sync_simulation.py) runs a small size; this module runs the full one.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from counter_app.domain.clock import FixedClock, local_day
from counter_app.services.context import AppServices, open_services
from counter_app.services.demo import ensure_demo_ward
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.sync import store
from counter_app.sync.client import SyncClient
from counter_app.sync.enrol import enrol
from counter_app.sync.pump import SyncPump
from counter_app.sync.settings import SyncSettings
from district_server.services import admin

START = datetime(2026, 11, 16, 0, 30, tzinfo=UTC)  # Monday 07:30 in Hà Nội
CLOCK_ERRORS = [timedelta(0), timedelta(minutes=7), timedelta(hours=-1), timedelta(days=1),
                timedelta(minutes=-3), timedelta(days=-2), timedelta(seconds=90)]


class FaultyTransport(httpx.BaseTransport):
    """Wraps a real transport; each request may fail like a bad link (thread-safe rng)."""

    def __init__(self, rng: random.Random, fault_p: float) -> None:
        self._inner = httpx.HTTPTransport()
        self._rng, self.fault_p = rng, fault_p
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            roll, kind = self._rng.random(), self._rng.randrange(4)
        if roll >= self.fault_p:
            return self._inner.handle_request(request)
        if kind == 0:
            raise httpx.ConnectError("simulated: network down", request=request)
        if kind == 1:  # the server commits, the reply is lost
            resp = self._inner.handle_request(request)
            resp.read()
            raise httpx.ReadError("simulated: connection reset after commit", request=request)
        if kind == 2:
            return httpx.Response(502, html="<html>502 Bad Gateway</html>", request=request)
        return httpx.Response(200, html="<html>Đăng nhập Wi-Fi</html>", request=request)

    def close(self) -> None:
        self._inner.close()


@dataclass
class SimDevice:
    """One counter of the simulation."""

    ward: str
    svc: AppServices
    clock: FixedClock
    pump: SyncPump
    transport: FaultyTransport
    codes: list[str]


def _make_device(root: Path, name: str, url: str, engine: Engine, ward: str,
                 rng: random.Random, fault_p: float, settings: SyncSettings) -> SimDevice:
    clock = FixedClock(START + rng.choice(CLOCK_ERRORS))
    data = root / name
    svc = open_services(data / "counter.db", clock)
    code = admin.make_enrol_code(engine, ward=ward, now=datetime.now(UTC), ttl_hours=1)
    enrol(svc.engine, data, clock, server_url=url, code=code, device_name=name)
    ensure_demo_ward(svc.engine, clock)
    transport = FaultyTransport(random.Random(rng.random()), fault_p)

    def factory(u: str, token: str) -> SyncClient:
        return SyncClient(u, token, timeout_s=settings.timeout_s,
                          connect_timeout_s=settings.connect_timeout_s, transport=transport)
    pump = SyncPump(svc.engine, data, clock, settings, client_factory=factory)
    return SimDevice(ward, svc, clock, pump, transport, [])


def _work_day(d: SimDevice, n: int, rng: random.Random) -> None:
    official = d.svc.accounts.login("canbo", "canbo123")
    day = local_day(d.clock.now())
    procs = [p for p in d.svc.catalogue.list_procedures(on=day)
             if all(c.originals or c.certified_copies or c.photocopies
                    for c in p.components if c.required)][:8]
    for i in range(n):
        p = rng.choice(procs)
        comps = tuple(ComponentInput(c.name, max(c.originals, 1), c.certified_copies,
                                     c.photocopies) for c in p.components if c.required)
        r = d.svc.intake.receive(IntakeRequest(
            procedure_id=p.id, applicant_name=f"Công Dân {_spoken(i)}", id_number="001085012345",
            address="Số 1 Phố Huế, Hà Nội", components=comps), official=official)
        d.codes.append(r.code)
        d.clock.advance(minutes=rng.randint(3, 20))


def _drain(d: SimDevice, deadline: float) -> int:
    passes = 0
    while time.monotonic() < deadline:
        passes += 1
        rep = d.pump.run_once()
        if rep.outcome == "ok" and rep.pending == 0:
            return passes
    raise AssertionError(f"{d.ward} did not drain")


def simulate(url: str, engine: Engine, root: Path, *, wards: int, counters: int, days: int,
             per_day: int, fault_p: float = 0.25, seed: int = 1,
             threads: int = 16) -> dict[str, Any]:
    """Run the week and the final sync; returns figures (and asserts the outcome)."""
    rng = random.Random(seed)
    settings = SyncSettings(batch_size=200, timeout_s=20, connect_timeout_s=5,
                            transient_rejects=5)
    codes = [f"000.{90 + i // 100:02d}.{i % 100:02d}.H01" for i in range(wards)]
    for c in codes:
        admin.add_ward(engine, code=c, name=f"Phường mô phỏng {c}", now=START)
    devs = [_make_device(root, f"{w}-{k}", url, engine, w, rng, fault_p, settings)
            for w in codes for k in range(counters)]
    t0 = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        for _day in range(days):
            list(pool.map(lambda d: _work_day(d, per_day, random.Random(rng.random())), devs))
            # Some counters try to sync in the evening, over the flaky link (often in vain).
            list(pool.map(lambda d: d.pump.run_once() if rng.random() < 0.4 else None, devs))
            for d in devs:
                d.clock.advance(days=1)
    work_s = time.monotonic() - t0
    pending = sum(store.counts(d.svc.engine)["pending"] for d in devs)
    t1 = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        passes = list(pool.map(lambda d: _drain(d, time.monotonic() + 600), devs))
    sync_s = time.monotonic() - t1
    _check(engine, devs)
    total = sum(len(_events(d)) for d in devs)
    for d in devs:
        d.svc.close()
        d.transport.close()
    return {"wards": wards, "counters": len(devs), "days": days, "dossiers": sum(
        len(d.codes) for d in devs), "events": total, "pending_before_final_sync": pending,
        "fault_p": fault_p, "offline_work_s": round(work_s, 1), "final_sync_s": round(sync_s, 1),
        "final_sync_events_per_s": round(pending / sync_s) if sync_s else None,
        "max_passes": max(passes)}


def _events(d: SimDevice) -> set[str]:
    with d.svc.engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("SELECT event_id FROM event "
                                               "WHERE state = 'acked'"))}
        conn.rollback()
    return ids


def _check(engine: Engine, devs: list[SimDevice]) -> None:
    """The server's final state equals what the counters did."""
    with engine.connect() as conn:
        server_events = [r[0] for r in conn.execute(text("SELECT event_id FROM events"))]
        rows = conn.execute(text("SELECT w.agency_code, d.code FROM dossiers d "
                                 "JOIN wards w ON w.id = d.ward_id")).all()
        rejected = conn.execute(text("SELECT COUNT(*) FROM rejections")).scalar()
        conn.rollback()
    assert len(server_events) == len(set(server_events)), "duplicate events"
    local = set().union(*(_events(d) for d in devs))
    assert set(server_events) == local, "server events != the counters' events"
    by_ward: dict[str, set[str]] = {}
    for d in devs:
        by_ward.setdefault(d.ward, set()).update(d.codes)
    server_by_ward: dict[str, list[str]] = {}
    for w, c in rows:
        server_by_ward.setdefault(w, []).append(c)
    for w, want in by_ward.items():
        got = server_by_ward.get(w, [])
        assert len(got) == len(set(got)) and set(got) == want, f"ward {w} differs"
    assert rejected == 0, f"{rejected} events rejected"


def main() -> None:
    """The full-size simulation on PostgreSQL; one JSON report."""
    from bench.sync_bench import pg_database, server
    from district_server.db import make_engine, migrate

    p = argparse.ArgumentParser()
    p.add_argument("--wards", type=int, default=50)
    p.add_argument("--counters", type=int, default=3)
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--per-day", type=int, default=20)
    p.add_argument("--fault-p", type=float, default=0.25)
    a = p.parse_args()
    with pg_database() as url:
        engine = make_engine(url)
        migrate(engine)
        with server(url) as base, tempfile.TemporaryDirectory() as tmp:
            report = simulate(base, engine, Path(tmp), wards=a.wards, counters=a.counters,
                              days=a.days, per_day=a.per_day, fault_p=a.fault_p)
        engine.dispose()
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()


def _spoken(n: int) -> str:
    """A number as words: a person's name never holds digits (the intake refuses them)."""
    words = ("Không", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín")
    return " ".join(words[int(d)] for d in str(n))
