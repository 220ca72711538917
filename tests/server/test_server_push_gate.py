"""A burst of pushes queues in the process (push_concurrency) instead of opening connections."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_helpers import WARD_A, WARD_B, Harness, LiveServer, make_settings

from counter_app.domain.clock import to_db
from district_server.app import create_app
from district_server.gate import FifoGate
from district_server.services import ingest

GATE = 2
DEVICES = 5


def test_pushes_beyond_the_gate_wait_their_turn(harness: Harness,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if harness.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer: its gate is 1 (test_sqlite_pushes_one_at_a_time)")
    harness.app.state.server.push_gate = FifoGate(GATE)
    devs = [harness.enrol(WARD_A if i % 2 else WARD_B, name=f"Quầy {i}") for i in range(DEVICES)]
    inside, most = [0], [0]
    changed = threading.Condition()
    release = threading.Event()
    real_apply = ingest.apply

    def held_apply(*args: Any, **kwargs: Any) -> ingest.PushOutcome:
        with changed:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            changed.notify_all()
        assert release.wait(timeout=30), "the test never released the pushes"
        try:
            return real_apply(*args, **kwargs)
        finally:
            with changed:
                inside[0] -= 1

    monkeypatch.setattr(ingest, "apply", held_apply)
    replies: list[httpx.Response] = []
    with LiveServer(harness.app) as base:
        def push(i: int) -> None:
            dev = devs[i]
            body = {"device_id": dev.device_id, "events": [dev.event() for _ in range(3)],
                    "client_time": to_db(harness.clock.now())}
            replies.append(httpx.post(base + "/api/v1/sync/push", json=body,
                                      headers=dev.headers, timeout=60))

        threads = [threading.Thread(target=push, args=(i,)) for i in range(DEVICES)]
        for t in threads:
            t.start()
        with changed:
            assert changed.wait_for(lambda: inside[0] == GATE, timeout=30)
            # The other pushes are parked at the gate: none gets in while two are held.
            assert not changed.wait_for(lambda: inside[0] > GATE, timeout=0.5)
        release.set()
        for t in threads:
            t.join(timeout=60)
    assert most[0] == GATE
    assert [r.status_code for r in replies] == [200] * DEVICES
    assert all(len(r.json()["acked"]) == 3 for r in replies)
    assert int(harness.scalar("SELECT COUNT(*) FROM events")) == 3 * DEVICES


def test_sqlite_pushes_one_at_a_time(tmp_path: Path) -> None:
    """Whatever the setting, a SQLite server lets one push in at a time."""
    app = create_app(make_settings(f"sqlite:///{tmp_path / 's.db'}", push_concurrency=8))
    assert app.state.server.push_gate.slots == 1
    app.state.server.engine.dispose()
