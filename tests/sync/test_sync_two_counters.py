"""Acceptance: two enrolled counters of one ward, dossiers made offline, synced at the same
time through a proxy that drops every third connection after the server has answered.

The server must hold exactly the union of both counters' dossiers, no duplicates, and both
counters end with nothing pending. Everything goes through the operator commands
(``counter-app enrol / sync / dossiers --json``, ``district-server dossiers --json``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from fault_proxy import Action, every_nth
from sync_helpers import WARD_A, World, env_for_subprocess, run_cli

from counter_app.domain.clock import FixedClock
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.sync import store

PER_COUNTER = 12


def _offline_intake(data_dir: Path, clock: FixedClock, n: int) -> list[str]:
    svc = open_services(data_dir / "counter.db", clock)
    try:
        ensure_demo_ward(svc.engine, clock)
        official = svc.accounts.login("canbo", "canbo123")
        proc = svc.catalogue.in_force("1.004873", on=clock.now().date())
        comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
        out = []
        for i in range(n):
            d = svc.intake.receive(IntakeRequest(
                procedure_id=proc.id, applicant_name=f"Nguyễn Văn {_spoken(i)}",
                id_number="001085012345", address="Số 3 Văn Cao, Hà Nội", components=comps),
                official=official)
            out.append(d.code)
            clock.advance(minutes=3)
        return out
    finally:
        svc.close()


def _sync_all(dirs: list[Path], deadline_s: float = 120) -> None:
    """Run ``counter-app sync`` on every counter at once, again until each exits 0."""
    todo = set(range(len(dirs)))
    deadline = time.monotonic() + deadline_s
    while todo:
        assert time.monotonic() < deadline, "counters did not drain"
        procs = {i: subprocess.Popen(
            [sys.executable, "-m", "counter_app", "--data-dir", str(dirs[i]), "sync",
             "--passes", "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env_for_subprocess()) for i in todo}
        for i, p in procs.items():
            p.wait(timeout=deadline_s)
            if p.returncode == 0:
                todo.discard(i)


def test_two_counters_through_a_lossy_proxy_give_exactly_the_union(world: World,
                                                                    tmp_path: Path) -> None:
    dirs = [tmp_path / "quay1", tmp_path / "quay2"]
    ranges = []
    for d in dirs:
        r = run_cli(d, "enrol", "--server", world.url, "--code", world.enrol_code(WARD_A),
                    "--name", d.name)
        assert r.returncode == 0, r.stderr
        ranges.append(re.search(r"dải số hồ sơ (\d+)–(\d+)", r.stdout).groups())  # type: ignore[union-attr]
    assert ranges[0] != ranges[1]
    made = [_offline_intake(d, FixedClock(world.clock.now()), PER_COUNTER) for d in dirs]
    assert not set(made[0]) & set(made[1])

    assert world.proxy is not None
    world.proxy.rule = every_nth(3, Action.DROP_AFTER)
    _sync_all(dirs)
    assert any(a == "drop_after" for _, _, a in world.proxy.stats.actions)

    server = subprocess.run(
        [sys.executable, "-m", "district_server.cli", "--db", world.db_url, "dossiers",
         "--ward", WARD_A, "--json"], capture_output=True, text=True, timeout=60, check=True)
    server_codes = [json.loads(x)["code"] for x in server.stdout.splitlines()]
    local_codes: set[str] = set()
    for d in dirs:
        out = run_cli(d, "dossiers", "--json")
        assert out.returncode == 0, out.stderr
        local_codes |= {json.loads(x)["code"] for x in out.stdout.splitlines()}
    assert len(server_codes) == len(set(server_codes)) == 2 * PER_COUNTER  # no duplicates
    assert set(server_codes) == local_codes == set(made[0]) | set(made[1])

    acked: set[str] = set()
    for d in dirs:
        svc = open_services(d / "counter.db")
        try:
            assert store.counts(svc.engine)["pending"] == 0
            with svc.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT event_id, state FROM event").all()
                conn.rollback()
        finally:
            svc.close()
        assert {s for _, s in rows} == {"acked"}
        acked |= {e for e, _ in rows}
    server_events = world.server_event_ids()
    assert len(server_events) == len(set(server_events)) and set(server_events) == acked


def _spoken(n: int) -> str:
    """A number as words: a person's name never holds digits (the intake refuses them)."""
    words = ("Không", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín")
    return " ".join(words[int(d)] for d in str(n))
