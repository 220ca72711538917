"""The fault suite's world: a real server (uvicorn, port 0) behind a FaultProxy, and
enrolled counter devices with their own stores; plus the invariants checked after every case.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from fault_proxy import FaultProxy
from server_helpers import (  # noqa: F401  (re-exported for tests/sync)
    NOW,
    WARD_A,
    WARD_B,
    LiveServer,
    empty_pg,
    make_settings,
    pg_reachable,
    throwaway_pg,
)

from counter_app.domain.clock import FixedClock, local_day
from counter_app.services.accounts import OfficialPublic
from counter_app.services.context import AppServices, open_services
from counter_app.services.demo import ensure_demo_ward
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.sync import store
from counter_app.sync.enrol import EnrolResult, enrol
from counter_app.sync.pump import SyncPump, SyncReport
from counter_app.sync.settings import SyncSettings
from district_server.app import create_app
from district_server.services import admin

__all__ = ["NOW", "WARD_A", "WARD_B", "Device", "World", "check_invariants"]

PROCEDURE = "1.004873"
TEST_SYNC = {"batch_size": 50, "pull_limit": 50, "timeout_s": 3.0, "connect_timeout_s": 2.0,
             "transient_rejects": 3, "backoff_base_s": 0.05, "backoff_cap_s": 0.2,
             "probe_interval_s": 0.05, "interval_s": 0.2}


@dataclass
class Device:
    """One counter: its data dir, services (own clock), pump and the snapshots for invariants."""

    name: str
    data_dir: Path
    svc: AppServices
    clock: FixedClock
    pump: SyncPump
    enrolment: EnrolResult
    official: OfficialPublic
    history: list[set[str]] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        return self.svc.engine

    @property
    def device_id(self) -> str:
        return self.enrolment.device_id

    def intake(self, n: int = 1, *, minutes: float = 1.0) -> list[str]:
        """``n`` dossiers received offline through the real intake service; their codes."""
        proc = self.svc.catalogue.in_force(PROCEDURE, on=local_day(self.clock.now()))
        comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
        codes = []
        for _ in range(n):
            d = self.svc.intake.receive(IntakeRequest(
                procedure_id=proc.id, applicant_name="Phạm Văn Bình", id_number="001085012345",
                address="Số 3 Văn Cao, Hà Nội", components=comps), official=self.official)
            codes.append(d.code)
            self.clock.advance(minutes=minutes)
        return codes

    def sync(self) -> SyncReport:
        return self.pump.run_once()

    def sync_until_drained(self, passes: int = 30) -> SyncReport:
        """Passes until nothing is pending (bounded); the last report."""
        for _ in range(passes):
            rep = self.pump.run_once()
            if rep.outcome == "ok" and rep.pending == 0:
                return rep
        return rep

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            out = list(conn.execute(text(sql), params).all())
            conn.rollback()
        return out

    def events(self) -> dict[str, str]:
        """event_id -> state of every local event."""
        return {r[0]: r[1] for r in self.rows("SELECT event_id, state FROM event")}

    def acked(self) -> set[str]:
        return {k for k, v in self.events().items() if v == "acked"}

    def counts(self) -> dict[str, int]:
        st = store.load_state(self.engine)
        return store.counts(self.engine, st.seq_offset if st else 0)

    def snapshot(self) -> None:
        """Remember the event ids now (for "nothing deleted before ack")."""
        self.history.append(set(self.events()))

    def local_codes(self) -> set[str]:
        return {r[0] for r in self.rows("SELECT code FROM dossier WHERE device_id = :d",
                                        d=self.device_id)}


class World:
    """Server + proxy + devices for one test."""

    def __init__(self, db_url: str, tmp: Path, *, clock: FixedClock | None = None,
                 **server_settings: Any) -> None:
        self.db_url, self.tmp = db_url, tmp
        self.clock = clock or FixedClock(NOW)
        self.settings = make_settings(db_url, **server_settings)
        self.app = create_app(self.settings, clock=self.clock)
        self.live = LiveServer(self.app)
        self.direct_url = ""
        self.proxy: FaultProxy | None = None
        self.url = ""
        self.devices: list[Device] = []

    def __enter__(self) -> World:
        self.direct_url = self.live.__enter__()
        self.proxy = FaultProxy(self.direct_url, delay_s=TEST_SYNC["timeout_s"] + 1)
        self.url = self.proxy.__enter__()
        now = self.clock.now()
        admin.add_ward(self.engine, code=WARD_A, name="UBND Phường Thụy Khuê", now=now)
        admin.add_ward(self.engine, code=WARD_B, name="UBND Phường Bưởi", now=now)
        return self

    def __exit__(self, *exc: object) -> None:
        for d in self.devices:
            d.svc.close()
        assert self.proxy is not None
        self.proxy.__exit__()
        self.live.__exit__()
        self.engine.dispose()

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.state.server.engine
        return engine

    def enrol_code(self, ward: str = WARD_A, **kwargs: Any) -> str:
        return admin.make_enrol_code(self.engine, ward=ward, now=self.clock.now(),
                                     ttl_hours=24, **kwargs)

    def device(self, name: str = "q1", *, ward: str = WARD_A, clock: FixedClock | None = None,
               data_dir: Path | None = None, **sync: Any) -> Device:
        """A fresh store enrolled through the proxy, with the demo officials and catalogue."""
        data_dir = data_dir or self.tmp / name
        clk = clock or self.clock  # shared with the server: no skew unless a test wants it
        svc = open_services(data_dir / "counter.db", clk)
        result = enrol(svc.engine, data_dir, clk, server_url=self.url,
                       code=self.enrol_code(ward), device_name=name)
        ensure_demo_ward(svc.engine, clk)
        official = svc.accounts.login("canbo", "canbo123")
        dev = Device(name, data_dir, svc, clk, self.pump_for(svc, data_dir, clk, **sync),
                     result, official)
        self.devices.append(dev)
        return dev

    def pump_for(self, svc: AppServices, data_dir: Path, clock: FixedClock,
                 **sync: Any) -> SyncPump:
        return SyncPump(svc.engine, data_dir, clock, SyncSettings(**{**TEST_SYNC, **sync}))

    # -- server views ---------------------------------------------------------------------------

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            v = conn.execute(text(sql), params).scalar()
            conn.rollback()
        return v

    def server_rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            out = list(conn.execute(text(sql), params).all())
            conn.rollback()
        return out

    def server_event_ids(self) -> list[str]:
        return [r[0] for r in self.server_rows("SELECT event_id FROM events")]

    def server_codes(self, ward: str = WARD_A) -> list[str]:
        return [r[0] for r in self.server_rows(
            "SELECT d.code FROM dossiers d JOIN wards w ON w.id = d.ward_id "
            "WHERE w.agency_code = :w", w=ward)]


def check_invariants(world: World, devices: list[Device] | None = None, *,
                     expect_drained: bool = True, excluded: set[str] | None = None) -> None:
    """SYNC.md's three invariants, after every case.

    1. server event rows == the distinct device events that should be there (when drained:
       every acked event; never an unknown event; never a duplicate row),
    2. each device's acked set is a subset of the server's rows,
    3. nothing was deleted on a device (every earlier snapshot is a subset of now).
    """
    devices = world.devices if devices is None else devices
    server = world.server_event_ids()
    assert len(server) == len(set(server)), "duplicate event rows on the server"
    server_set = set(server)
    all_local: set[str] = set()
    acked: set[str] = set()
    for d in devices:
        ev = d.events()
        all_local |= set(ev)
        mine = {k for k, v in ev.items() if v == "acked"}
        acked |= mine
        assert mine <= server_set, f"{d.name}: acked but not on the server: {mine - server_set}"
        for snap in d.history:
            assert snap <= set(ev), f"{d.name}: events vanished before ack"
        d.snapshot()
    foreign = server_set - all_local - (excluded or set())
    assert not foreign, f"server holds events no device made: {len(foreign)}"
    if expect_drained:
        for d in devices:
            assert d.counts()["pending"] == 0, f"{d.name} still has pending events"
        assert server_set == acked | ((excluded or set()) & server_set)


def env_for_subprocess(**extra: str) -> dict[str, str]:
    env = {**os.environ, **{f"MOTCUA_SYNC_{k.upper()}": str(v) for k, v in TEST_SYNC.items()}}
    env.update(extra)
    env["MOTCUA_CREDENTIAL_STORE"] = "file"
    return env


def run_cli(data_dir: Path, *args: str, timeout: float = 120,
            **env: str) -> subprocess.CompletedProcess[str]:
    """``counter-app --data-dir DIR ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "counter_app", "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, timeout=timeout,
                          env=env_for_subprocess(**env))


def today(d: Device) -> date:
    return local_day(d.clock.now())
