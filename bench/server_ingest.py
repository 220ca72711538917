"""Ingest throughput of the upstream server: N events in batches of B, SQLite and PostgreSQL.

    uv run python -m bench.server_ingest [--events 10000] [--batch 500] [--pg URL|--no-pg]

Runs through the real HTTP stack (TestClient: routing, validation, JSON) on a fresh database
each time. PostgreSQL uses a throwaway database on 127.0.0.1:5432 (dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.clock import to_db
from counter_app.domain.codes import format_dossier_code, new_verify_token
from district_server.app import create_app
from district_server.services import admin
from district_server.settings import ServerSettings

WARD = "000.00.12.H62"


def _event(seq: int, device_id: str) -> dict[str, Any]:
    day = date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + (seq - 1) // 999)
    payload = {
        "uid": str(uuid.uuid4()), "code": format_dossier_code(WARD, day, (seq - 1) % 999 + 1),
        "verify_token": new_verify_token(), "procedure_code": "2.000815",
        "procedure_name": "Chứng thực bản sao từ bản chính", "field_code": "CT", "status": 2,
        "channel": 1, "applicant_name": "Nguyễn Văn An", "id_number": "001090123456",
        "address": "12 Thụy Khuê, Tây Hồ, Hà Nội", "phone": "0912345678",
        "received_at": "2026-01-05T02:15:00.000000+00:00",
        "due_at": "2026-01-05T09:30:00.000000+00:00", "fee_amount": 4000,
        "counter_no": 1, "device_id": device_id,
        "components": [{"name": "Bản chính", "originals": 1}],
    }
    body = canonical_json(payload)
    return {"event_id": str(uuid.uuid4()), "device_seq": seq, "entity_type": "dossier",
            "entity_uid": payload["uid"], "type": "dossier.received", "payload": body,
            "payload_hash": payload_hash(body), "device_time": to_db(datetime.now(UTC))}


def run(url: str, n: int, batch: int) -> float:
    """Events per second for one database URL."""
    app = create_app(ServerSettings(db_url=url, debug=True))
    engine = app.state.server.engine
    now = datetime.now(UTC)
    admin.add_ward(engine, code=WARD, name="Bench", now=now)
    code = admin.make_enrol_code(engine, ward=WARD, now=now, ttl_hours=1)
    with TestClient(app) as client:
        enrol = client.post("/api/v1/enrol", json={"code": code, "device_name": "bench",
                                                   "app_version": "0"}).json()
        headers = {"Authorization": f"Bearer {enrol['token']}"}
        headers["Content-Type"] = "application/json"
        # Bodies are encoded before the clock starts: the device's JSON encoding is not
        # the server's ingest cost.
        bodies = [(json.dumps({"device_id": enrol["device_id"], "client_time": to_db(now),
                               "events": [_event(s, enrol["device_id"])
                                          for s in range(i + 1, min(i + batch, n) + 1)]},
                              ensure_ascii=False).encode(), min(batch, n - i))
                  for i in range(0, n, batch)]
        t0 = time.perf_counter()
        for body, size in bodies:
            r = client.post("/api/v1/sync/push", headers=headers, content=body)
            assert r.status_code == 200 and len(r.json()["acked"]) == size, r.text
        elapsed = time.perf_counter() - t0
    engine.dispose()
    return n / elapsed


def main() -> None:
    """Print events/s for SQLite and (if reachable) PostgreSQL."""
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=10_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--no-pg", action="store_true")
    p.add_argument("--runs", type=int, default=1, help="repeat on fresh databases; best wins")
    a = p.parse_args()
    rates = []
    for _ in range(a.runs):
        with tempfile.TemporaryDirectory() as tmp:
            rates.append(run(f"sqlite:///{Path(tmp) / 'bench.db'}", a.events, a.batch))
    _report("sqlite", a, rates)
    if a.no_pg:
        return
    rates = [_run_pg(a) for _ in range(a.runs)]
    _report("postgresql", a, rates)


def _report(db: str, a: argparse.Namespace, rates: list[float]) -> None:
    runs = ", ".join(f"{r:,.0f}" for r in rates)
    print(f"{db:<11}: {a.events} events, batch {a.batch}: best {max(rates):,.0f} events/s"
          f" (runs: {runs})")


def _run_pg(a: argparse.Namespace) -> float:
    name = f"motcua_bench_{secrets.token_hex(4)}"
    root = create_engine(a.pg, isolation_level="AUTOCOMMIT")
    with root.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        return run(a.pg.rsplit("/", 1)[0] + "/" + name, a.events, a.batch)
    finally:
        with root.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        root.dispose()


if __name__ == "__main__":
    main()
