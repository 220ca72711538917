"""Helpers of the server tests: enrolled devices, events shaped like the outbox, a live server."""

from __future__ import annotations

import secrets
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.clock import FixedClock, to_db
from counter_app.domain.codes import format_dossier_code, new_verify_token
from district_server.app import create_app
from district_server.services import admin
from district_server.settings import ServerSettings

ADMIN_TOKEN = "test-admin-" + "x" * 24
WARD_A, WARD_B = "000.00.12.H62", "000.00.13.H62"
NOW = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)  # 09:15 in Hà Nội, a Friday



@dataclass
class Dev:
    """An enrolled device as a test drives it."""

    device_id: str
    token: str
    ward: str
    counter_no: int
    range_start: int
    range_end: int
    seq: int = 0
    code_seq: int = field(default=0)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def next_code(self, day: date = date(2026, 11, 20)) -> str:
        self.code_seq = self.code_seq + 1 if self.code_seq else self.range_start
        return format_dossier_code(self.ward, day, self.code_seq)

    def event(self, *, type: str = "dossier.received", payload: dict[str, Any] | None = None,
              seq: int | None = None, code: str | None = None) -> dict[str, Any]:
        """The next outbox event of this device (a received dossier by default)."""
        if seq is None:
            self.seq += 1
            seq = self.seq
        if payload is None:
            payload = dossier_payload(code or self.next_code(), device_id=self.device_id,
                                      counter_no=self.counter_no)
        entity_type = "dossier" if type.startswith("dossier.") else type.split(".")[0]
        return make_event(seq, type=type, payload=payload, entity_type=entity_type)


def dossier_payload(code: str, *, device_id: str = "", counter_no: int = 1,
                    name: str = "Nguyễn Thị Hồng Nhung") -> dict[str, Any]:
    """A payload shaped like ``counter_app.services.intake.dossier_payload``."""
    return {
        "uid": str(uuid.uuid4()), "code": code, "verify_token": new_verify_token(),
        "procedure_code": "2.000815", "procedure_name": "Chứng thực bản sao từ bản chính",
        "field_code": "CT", "status": 2, "channel": 1, "applicant_name": name,
        "id_number": "001190123456", "birth_date": "1990-01-01", "sex": "Nữ",
        "address": "12 Thụy Khuê, Tây Hồ, Hà Nội", "phone": "0912345678", "email": "",
        "sets_count": 1, "processing_text": "Trong ngày (tiếp nhận trước 15 giờ)",
        "duration_kind": "same_day", "duration_hours": 0,
        "received_at": "2026-11-20T02:15:00.000000+00:00",
        "due_at": "2026-11-20T09:30:00.000000+00:00", "result_delivery": "counter",
        "fee_amount": 4000, "ledger_book": "01", "ledger_line": 7, "official_name": "Cán Bộ",
        "counter_no": counter_no, "device_id": device_id, "ticket_uid": None, "note": "",
        "components": [{"name": "Bản chính", "originals": 1, "certified_copies": 0,
                        "photocopies": 2}],
    }


def online_dossier(seq: int = 9501, ward: str = WARD_A, **over: Any) -> dict[str, Any]:
    """A dossier filed on the national portal: channel 2, status 1, no counter."""
    code = format_dossier_code(ward, date(2026, 11, 20), seq)
    rec = dossier_payload(code, name="Trần Thị Thu Hà")
    rec.update(channel=2, status=1, device_id="", counter_no=0, ledger_line=0, fee_amount=0)
    rec.update(over)
    return rec


def procedure_version(code: str = "2.000884", effective_from: str = "2026-12-01",
                      **over: Any) -> dict[str, Any]:
    """A procedure version in the catalogue JSON item shape."""
    item: dict[str, Any] = {
        "code": code, "name": "Chứng thực chữ ký", "field_code": "CT",
        "field_name": "Chứng thực", "duration": {"kind": "same_day"},
        "fee": {"kind": "flat", "amount": 12_000}, "legal_basis": "Nghị định 23/2015/NĐ-CP",
        "effective_from": effective_from,
        "components": [{"name": "Giấy tờ cần chứng thực chữ ký", "originals": 1}]}
    item.update(over)
    return item


def make_event(seq: int, *, type: str, payload: dict[str, Any], entity_type: str = "dossier",
               event_id: str | None = None) -> dict[str, Any]:
    """An EventIn as JSON, hashed like the device's outbox does."""
    body = canonical_json(payload)
    return {"event_id": event_id or str(uuid.uuid4()), "device_seq": seq,
            "entity_type": entity_type, "entity_uid": str(payload.get("uid", "x")),
            "type": type, "payload": body, "payload_hash": payload_hash(body),
            "device_time": to_db(NOW)}


class Harness:
    """An app on one database, a TestClient, and helpers to enrol and push."""

    def __init__(self, app: FastAPI, client: TestClient, clock: FixedClock,
                 settings: ServerSettings) -> None:
        self.app, self.client, self.clock, self.settings = app, client, clock, settings

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.state.server.engine
        return engine

    def add_ward(self, code: str, name: str = "UBND Phường Thụy Khuê") -> None:
        admin.add_ward(self.engine, code=code, name=name, now=self.clock.now())

    def enrol_code(self, ward: str, **kwargs: Any) -> str:
        return admin.make_enrol_code(self.engine, ward=ward, now=self.clock.now(),
                                     ttl_hours=24, **kwargs)

    def enrol(self, ward: str, name: str = "Quầy", **kwargs: Any) -> Dev:
        code = self.enrol_code(ward, **kwargs)
        r = self.client.post("/api/v1/enrol", json={"code": code, "device_name": name,
                                                     "app_version": "0.1.0"})
        assert r.status_code == 200, r.text
        b = r.json()
        return Dev(b["device_id"], b["token"], b["agency_code"], b["counter_no"],
                   b["code_range"]["start"], b["code_range"]["end"])

    def push(self, dev: Dev, events: list[dict[str, Any]], *,
             device_id: str | None = None) -> Any:
        return self.client.post("/api/v1/sync/push", headers=dev.headers, json={
            "device_id": device_id or dev.device_id, "events": events,
            "client_time": to_db(self.clock.now())})

    def pull_all(self, dev: Dev, *, limit: int = 500, cursor: int = 0) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            r = self.client.get("/api/v1/sync/changes", headers=dev.headers,
                                params={"cursor": cursor, "limit": limit})
            assert r.status_code == 200, r.text
            page = r.json()
            out.extend(page["changes"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return out

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(text(sql), params).scalar()
            conn.rollback()
        return value


@contextmanager
def open_harness(db_url: str, **overrides: Any) -> Iterator[Harness]:
    """An app on ``db_url`` (settings ``overrides`` applied) with two wards, its TestClient
    open for the block."""
    clock = FixedClock(NOW)
    settings = make_settings(db_url, **overrides)
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        h = Harness(app, client, clock, settings)
        h.add_ward(WARD_A)
        h.add_ward(WARD_B, "UBND Phường Bưởi")
        yield h


def make_settings(db_url: str, **overrides: Any) -> ServerSettings:
    """Settings for one test app."""
    values: dict[str, Any] = {"db_url": db_url, "admin_token": ADMIN_TOKEN}
    values.update(overrides)
    return ServerSettings(**values)


class StartedServer(uvicorn.Server):
    """uvicorn that signals an event once it listens (no polling for ``started``)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = threading.Event()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        self.listening.set()

    def port(self) -> int:
        """The OS-chosen port."""
        return int(self.servers[0].sockets[0].getsockname()[1])


class LiveServer:
    """uvicorn on 127.0.0.1 with an OS-chosen port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                lifespan="on")
        self.server = StartedServer(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        if not self.server.listening.wait(timeout=20) or not self.server.started:
            raise RuntimeError("uvicorn did not start")
        return f"http://127.0.0.1:{self.server.port()}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)



PG_HOST, PG_PORT = "127.0.0.1", 5432


def pg_reachable() -> bool:
    """Whether the CI/developer PostgreSQL answers on 127.0.0.1:5432."""
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def throwaway_pg(prefix: str = "motcua_test") -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(5)}"
    root = create_engine(f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres",
                         isolation_level="AUTOCOMMIT")
    with root.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with root.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        root.dispose()


def empty_pg(url: str) -> None:
    """Truncate every table but Alembic's (a clean database between tests)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        if names:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names)
                              + " RESTART IDENTITY CASCADE"))
    engine.dispose()
