"""A burst of pushes queues in the event loop (push_concurrency; 1 on SQLite) in arrival order,
holding no database connection, while other endpoints still answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from server_helpers import WARD_A, WARD_B, Harness, LiveServer, open_harness

from counter_app.domain.clock import to_db
from district_server.services import ingest

SLOTS_PG = 2
DEVICES = 5


@pytest.fixture
def gated(db_url: str) -> Iterator[Harness]:
    """An app whose push gate has two slots (PostgreSQL) or its one writer (SQLite)."""
    with open_harness(db_url, push_concurrency=SLOTS_PG) as h:
        yield h


def test_pushes_beyond_the_gate_wait_their_turn(gated: Harness,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    slots = 1 if gated.engine.dialect.name == "sqlite" else SLOTS_PG
    assert gated.app.state.server.push_slots == slots
    devs = [gated.enrol(WARD_A if i % 2 else WARD_B, name=f"Quầy {i}") for i in range(DEVICES)]
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
    with LiveServer(gated.app) as base:
        def push(i: int) -> None:
            dev = devs[i]
            body = {"device_id": dev.device_id, "events": [dev.event() for _ in range(3)],
                    "client_time": to_db(gated.clock.now())}
            replies.append(httpx.post(base + "/api/v1/sync/push", json=body,
                                      headers=dev.headers, timeout=60))

        threads = [threading.Thread(target=push, args=(i,)) for i in range(DEVICES)]
        for t in threads:
            t.start()
        with changed:
            assert changed.wait_for(lambda: inside[0] == slots, timeout=30)
            # The other pushes are parked at the gate: none gets in while the slots are held.
            assert not changed.wait_for(lambda: inside[0] > slots, timeout=0.5)
        if slots > 1:  # (on SQLite every request waits for the one writer this test holds)
            # Parked pushes hold no database connection: a pull is answered meanwhile.
            pull = httpx.get(base + "/api/v1/sync/changes", headers=devs[0].headers, timeout=10)
            assert pull.status_code == 200
        release.set()
        for t in threads:
            t.join(timeout=60)
    assert most[0] == slots
    assert [r.status_code for r in replies] == [200] * DEVICES
    assert all(len(r.json()["acked"]) == 3 for r in replies)
    assert int(gated.scalar("SELECT COUNT(*) FROM events")) == 3 * DEVICES
