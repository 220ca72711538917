"""Sync benchmarks, one JSON report: ``uv run python -m bench.sync_bench [--quick]``.

1. ``push``: a real device store with 10,000 queued events drained by the batched pump
   (500 a request) versus a one-request-per-event client (the same pump, batch 1; by default
   on ``--per-event`` 2,000 of them, the rate extrapolates), on PostgreSQL and SQLite.
2. ``ingest``: the server's ingest rate on PostgreSQL: devices of different wards pushing
   pre-encoded 500-event batches concurrently over HTTP (the server in its own process).
3. ``fleet``: 150 devices syncing at once (asyncio, one connection each): per-batch latency
   p50/p99 and the total rate.

The server always runs as ``district-server serve`` in a child process (uvicorn, real TCP on
127.0.0.1), so the client's work never shares the server's interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.clock import FixedClock, to_db
from counter_app.domain.codes import format_dossier_code, new_verify_token
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward, seed_dossiers
from counter_app.sync.enrol import enrol
from counter_app.sync.pump import SyncPump
from counter_app.sync.settings import SyncSettings
from district_server.db import make_engine, migrate
from district_server.services import admin

PG_ROOT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)


def ward_code(i: int) -> str:
    """A distinct well-formed agency code per simulated ward."""
    return f"000.{i // 100:02d}.{i % 100:02d}.H62"


@contextmanager
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database."""
    name = f"motcua_bench_{secrets.token_hex(4)}"
    root = create_engine(PG_ROOT, isolation_level="AUTOCOMMIT")
    with root.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ROOT.rsplit("/", 1)[0] + "/" + name
    finally:
        with root.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        root.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(db_url: str, workers: int = 1) -> Iterator[str]:
    """``district-server serve`` in a child process; yields its URL once /healthz answers."""
    migrate(make_engine(db_url))
    port = _free_port()
    env = {**os.environ, "DISTRICT_ENROL_RATE_PER_MINUTE": "100000",
           "DISTRICT_DB_POOL_SIZE": "20"}
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "district_server.cli", "--db", db_url,
                             "serve", "--port", str(port), "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def _add_wards(db_url: str, n: int) -> list[str]:
    engine = make_engine(db_url)
    migrate(engine)
    codes = [ward_code(i) for i in range(1, n + 1)]
    for c in codes:
        admin.add_ward(engine, code=c, name=f"Phường {c}", now=NOW)
    engine.dispose()
    return codes


def _enrol_code(db_url: str, ward: str) -> str:
    engine = make_engine(db_url)
    try:
        return admin.make_enrol_code(engine, ward=ward, now=datetime.now(UTC), ttl_hours=1)
    finally:
        engine.dispose()


# -- 1. batched versus one request per event ----------------------------------------------------

def _device_with_outbox(tmp: Path, name: str, url: str, db_url: str, ward: str,
                        n: int) -> tuple[Any, SyncPump]:
    clock = FixedClock(datetime.now(UTC))
    svc = open_services(tmp / name / "counter.db", clock)
    enrol(svc.engine, tmp / name, clock, server_url=url, code=_enrol_code(db_url, ward))
    ensure_demo_ward(svc.engine, clock)
    seed_dossiers(svc.engine, clock, n)
    return svc, SyncPump(svc.engine, tmp / name, clock)


def _drain(pump: SyncPump, batch: int, limit: int | None = None) -> tuple[int, float]:
    pump.settings = SyncSettings(batch_size=batch, timeout_s=60)
    if limit is not None:  # stop after ``limit`` events: count acked ones as we go
        sent = [0]

        def stop_at(name: str) -> None:
            if name == "after_push_batch":
                sent[0] += batch
                if sent[0] >= limit:
                    raise _Enough()
        pump._hook = stop_at
    t0 = time.perf_counter()
    try:
        rep = pump.run_once()
        acked = rep.acked
    except _Enough:
        acked = sent[0]
    return acked, time.perf_counter() - t0


class _Enough(Exception):
    pass


def bench_push(db_url: str, n: int, per_event: int) -> dict[str, Any]:
    """The same outbox drained batched and one event per request."""
    wards = _add_wards(db_url, 2)
    with server(db_url) as url, tempfile.TemporaryDirectory() as tmp:
        svc1, batched = _device_with_outbox(Path(tmp), "batched", url, db_url, wards[0], n)
        acked, secs = _drain(batched, 500)
        svc2, single = _device_with_outbox(Path(tmp), "single", url, db_url, wards[1], n)
        try:
            acked1, secs1 = _drain(single, 1, limit=per_event)
        finally:
            single._hook = None
        svc1.close()
        svc2.close()
    batched_rate, single_rate = acked / secs, acked1 / secs1
    return {"events": acked, "batched_s": round(secs, 2),
            "batched_events_per_s": round(batched_rate),
            "per_event_events_measured": acked1,
            "per_event_events_per_s": round(single_rate, 1),
            "per_event_s_for_all_extrapolated": round(n / single_rate, 1),
            "ratio_batched_vs_per_event": round(batched_rate / single_rate, 1)}


# -- 2. server ingest, concurrent devices --------------------------------------------------------

def _events(device_id: str, ward: str, n: int, start: int = 1) -> list[dict[str, Any]]:
    out = []
    for seq in range(start, start + n):
        day = date(2026, 1, 1) + timedelta(days=(seq - 1) // 999)
        p = {"uid": str(uuid.uuid4()), "code": format_dossier_code(ward, day, (seq - 1) % 999 + 1),
             "verify_token": new_verify_token(), "procedure_code": "1.004873",
             "procedure_name": "Cấp Giấy xác nhận tình trạng hôn nhân", "field_code": "HT",
             "status": 2, "channel": 1, "applicant_name": "Nguyễn Văn An",
             "id_number": "001090123456", "address": "12 Thụy Khuê, Tây Hồ, Hà Nội",
             "phone": "0912345678", "received_at": "2026-01-05T02:15:00.000000+00:00",
             "due_at": "2026-01-07T09:30:00.000000+00:00", "fee_amount": 0, "counter_no": 1,
             "device_id": device_id, "components": [{"name": "Tờ khai", "originals": 1}]}
        body = canonical_json(p)
        out.append({"event_id": str(uuid.uuid4()), "device_seq": seq, "entity_type": "dossier",
                    "entity_uid": p["uid"], "type": "dossier.received", "payload": body,
                    "payload_hash": payload_hash(body), "device_time": to_db(NOW)})
    return out


def _enrol_raw(url: str, db_url: str, ward: str) -> tuple[str, str]:
    r = httpx.post(url + "/api/v1/enrol", json={"code": _enrol_code(db_url, ward),
                                                 "device_name": "bench", "app_version": "0"})
    r.raise_for_status()
    return r.json()["device_id"], r.json()["token"]


def _bodies(device_id: str, ward: str, n: int, batch: int) -> list[bytes]:
    evs = _events(device_id, ward, n)
    return [json.dumps({"device_id": device_id, "client_time": to_db(NOW),
                        "events": evs[i:i + batch]}, ensure_ascii=False).encode()
            for i in range(0, n, batch)]


def bench_ingest(db_url: str, devices: int, per_device: int,
                 workers: int = 1) -> dict[str, Any]:
    """Concurrent 500-event pushes from ``devices`` wards; events/s at the server."""
    wards = _add_wards(db_url, devices)
    with server(db_url, workers) as url:
        creds = [_enrol_raw(url, db_url, w) for w in wards]
        work = [(tok, _bodies(did, w, per_device, 500)) for (did, tok), w in zip(creds, wards,
                                                                                  strict=True)]
        errors: list[str] = []

        def run(tok: str, bodies: list[bytes]) -> None:
            with httpx.Client(base_url=url, timeout=120, headers={
                    "Authorization": f"Bearer {tok}", "Content-Type": "application/json"}) as c:
                for b in bodies:
                    r = c.post("/api/v1/sync/push", content=b)
                    if r.status_code != 200 or r.json()["rejected"]:
                        errors.append(r.text[:200])
        threads = [threading.Thread(target=run, args=w) for w in work]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        secs = time.perf_counter() - t0
    total = devices * per_device
    return {"devices": devices, "server_workers": workers, "events": total,
            "seconds": round(secs, 2),
            "events_per_s": round(total / secs), "errors": len(errors)}


# -- 3. 150 devices at once ----------------------------------------------------------------------

WARM_DEVICES = 8


def bench_fleet(db_url: str, devices: int, per_device: int, batch: int,
                spread_s: float = 0.0, workers: int = 1) -> dict[str, Any]:
    """Every device pushes its backlog, all starting within ``spread_s`` seconds (0 = the
    same instant); the latency of each batch. Before the clock starts, a few other devices
    push for a moment, so the server is measured warm (pooled connections open, caches
    filled) as it is after its first minutes, not in its first second."""
    n_wards = max(1, devices // 3)
    wards = _add_wards(db_url, n_wards + WARM_DEVICES)
    with server(db_url, workers) as url:
        work = _fleet_work(url, db_url, [wards[i % n_wards] for i in range(devices)],
                           per_device, batch)
        warm = _fleet_work(url, db_url, wards[n_wards:], 5 * batch, batch)
        host, port = url.removeprefix("http://").split(":")
        lat: list[float] = []
        rng = random.Random(7)
        starts = [rng.uniform(0, spread_s) for _ in work]

        async def device(tok: str, bodies: list[bytes], start: float,
                         record: list[float]) -> None:
            # Requests are encoded before the clock starts and sent on one keep-alive
            # connection per device (raw HTTP/1.1): the bench's own CPU stays small, so the
            # latency measured is the server's, not a Python HTTP client's on the same cores.
            reqs = [_http_post(host, "/api/v1/sync/push", tok, b) for b in bodies]
            await asyncio.sleep(start)
            reader, writer = await asyncio.open_connection(host, int(port))
            try:
                for req in reqs:
                    t = time.perf_counter()
                    writer.write(req)
                    status, body = await _http_reply(reader)
                    record.append(time.perf_counter() - t)
                    assert status == 200 and not json.loads(body)["rejected"], body[:300]
            finally:
                writer.close()

        async def main() -> float:
            await asyncio.gather(*(device(tok, b, 0.0, []) for tok, b in warm))
            t0 = time.perf_counter()
            await asyncio.gather(*(device(tok, b, s, lat)
                                   for (tok, b), s in zip(work, starts, strict=True)))
            return time.perf_counter() - t0
        cpu0 = time.process_time()
        secs = asyncio.run(main())
        client_cpu = time.process_time() - cpu0
    lat.sort()

    def pct(q: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(q * len(lat)))], 1)
    return {"devices": devices, "events_per_device": per_device, "batch": batch,
            "start_spread_s": spread_s, "server_workers": workers,
            "batches": len(lat), "seconds": round(secs, 2),
            "events_per_s": round(devices * per_device / secs),
            "p50_ms": round(1000 * statistics.median(lat), 1), "p90_ms": pct(0.90),
            "p99_ms": pct(0.99), "max_ms": round(1000 * lat[-1], 1),
            "bench_client_cpu_s": round(client_cpu, 2)}


def _fleet_work(url: str, db_url: str, wards: list[str], per_device: int,
                batch: int) -> list[tuple[str, list[bytes]]]:
    """One enrolled device per entry of ``wards``; its backlog as pre-encoded push bodies
    with dossier codes inside its counter's block."""
    work = []
    for ward in wards:
        did, tok = _enrol_raw(url, db_url, ward)
        counter = int(httpx.get(url + "/api/v1/device/status", headers={
            "Authorization": f"Bearer {tok}"}).json()["counter_no"])
        evs = _events(did, ward, per_device)
        for i, e in enumerate(evs):
            p = json.loads(e["payload"])
            p["code"] = format_dossier_code(ward, date(2026, 1, 5), (counter - 1) * 1000 + i + 1)
            e["payload"] = canonical_json(p)
            e["payload_hash"] = payload_hash(e["payload"])
        work.append((tok, [json.dumps({"device_id": did, "client_time": to_db(NOW),
                                       "events": evs[i:i + batch]}, ensure_ascii=False).encode()
                           for i in range(0, per_device, batch)]))
    return work


def _http_post(host: str, path: str, token: str, body: bytes) -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


async def _http_reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 reply with a Content-Length (what uvicorn sends)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    length = next(int(h.split(":", 1)[1]) for h in head
                  if h.lower().startswith("content-length:"))
    return int(head[0].split()[1]), await reader.readexactly(length)


def main() -> None:
    """Run everything and print one JSON report."""
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=10_000)
    p.add_argument("--per-event", type=int, default=2_000)
    p.add_argument("--ingest-devices", type=int, default=4)
    p.add_argument("--fleet", type=int, default=150)
    p.add_argument("--fleet-events", type=int, default=40)
    p.add_argument("--fleet-batch", type=int, default=20)
    p.add_argument("--fleet-spread", type=float, default=10.0,
                   help="second fleet run: starts spread over this many seconds (jitter)")
    p.add_argument("--only", choices=["push", "ingest", "fleet"], default=None)
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--workers", type=int, default=2,
                   help="server processes for the PostgreSQL ingest and fleet runs")
    a = p.parse_args()
    report: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if a.only in (None, "push"):
        with pg_database() as url:
            report["push_postgresql"] = bench_push(url, a.events, a.per_event)
        if not a.no_sqlite:
            with tempfile.TemporaryDirectory() as tmp:
                report["push_sqlite"] = bench_push(f"sqlite:///{tmp}/s.db", a.events,
                                                   a.per_event)
    if a.only in (None, "ingest"):
        for workers in sorted({1, a.workers}):
            with pg_database() as url:
                report[f"ingest_postgresql_{workers}w"] = bench_ingest(
                    url, a.ingest_devices, a.events // a.ingest_devices, workers)
    for spread in (0.0, a.fleet_spread) if a.only in (None, "fleet") else ():
        with pg_database() as url:
            report[f"fleet_postgresql_spread_{spread:g}s_{a.workers}w"] = bench_fleet(
                url, a.fleet, a.fleet_events, a.fleet_batch, spread, a.workers)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
