"""Acceptance of the ward queue over the hub: two counters calling at once, a display, and a
hub killed at random moments. The full-size runs are ``slow``; short variants run by default."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hub_checks import check_queue
from hub_helpers import (
    HubProcess,
    LiveHub,
    Seen,
    client_for,
    free_port,
    paired_port,
    set_up_store,
)

from counter_app.domain.clock import SystemClock
from counter_app.hub import peers
from counter_app.hub.client import HubClient
from counter_app.hub.errors import HubUnavailable
from counter_app.hub.link import pair
from counter_app.services.context import open_services


def _issue_all(kiosk: HubClient, n: int, rng: random.Random) -> list[str]:
    return [t.number for t in (kiosk.act("issue", prefix=rng.choice("AB"),
                                         priority=rng.random() < 0.2) for _ in range(n))
            if t is not None]


def _serve(client: HubClient, counter: int, out: list[tuple[str, float]],
           done_issuing: threading.Event) -> None:
    """Call and finish until nobody waits and the kiosk is done."""
    while True:
        t = client.act("call-next", counter=counter)
        if t is None:
            if done_issuing.is_set():
                t = client.act("call-next", counter=counter)
                if t is None:
                    return
            else:
                done_issuing.wait(0.02)
                continue
        out.append((t.number, time.perf_counter()))
        client.act("finish", counter=counter)


def _run_two_counters(hub: LiveHub, tmp: Path, n: int) -> None:
    for d, role in (("kiosk", "kiosk"), ("c1", "counter"), ("c2", "counter"),
                    ("display", "display")):
        hub.pair(tmp / d, role=role)
    seen = Seen()
    display = paired_port(tmp / "display")
    display.add_listener(seen.board)
    display.follow()
    calls: dict[int, list[tuple[str, float]]] = {1: [], 2: []}
    done = threading.Event()
    try:
        assert seen.wait_for(lambda: seen.boards)
        with client_for(tmp / "kiosk") as kiosk, client_for(tmp / "c1") as c1, \
                client_for(tmp / "c2") as c2:
            issued = _issue_all(kiosk, n, random.Random(7))
            done.set()
            workers = [threading.Thread(target=_serve, args=(c, i, calls[i], done))
                       for i, c in ((1, c1), (2, c2))]
            for w in workers:
                w.start()
            for w in workers:
                w.join(120)
        assert seen.wait_for(lambda: all(seen.called(num) for num, _ in calls[1] + calls[2]))
    finally:
        display.close()
    numbers = [num for num, _ in calls[1] + calls[2]]
    assert sorted(numbers) == sorted(issued) and not [x for x, k in Counter(numbers).items()
                                                      if k > 1]
    assert calls[1] and calls[2]  # both counters really called
    lag = sorted(at - sent for num, sent in calls[1] + calls[2]
                 if (at := seen.called(num)) is not None)
    p99 = lag[int(0.99 * (len(lag) - 1))]
    assert p99 < 1.0, f"call to display p99 {p99:.3f} s"
    assert check_queue(hub.rt.engine, hub.rt.services.queue)["calls"] == n


def test_two_counters_and_a_display_short(hub: LiveHub, tmp_path: Path) -> None:
    _run_two_counters(hub, tmp_path, 40)


@pytest.mark.slow
def test_two_counters_and_a_display_200(hub: LiveHub, tmp_path: Path) -> None:
    _run_two_counters(hub, tmp_path, 200)


def _progress_after(count: Callable[[], int], done: threading.Event) -> None:
    """Wait until the clients got one more reply (they recovered from the last kill), so that
    each kill lands on a hub in use, not on one still starting (bounded)."""
    start = count()
    for _ in range(3000):
        if count() > start or (done.is_set() and count() == start and start > 0):
            return
        threading.Event().wait(0.1)


def _killed_hub_run(tmp: Path, kills: int, tickets: int) -> None:
    hub_dir = tmp / "hub"
    set_up_store(hub_dir)
    hub = HubProcess(hub_dir, free_port())
    hub.start()
    svc = open_services(hub_dir / "counter.db", SystemClock())
    for d in ("kiosk", "c1", "c2"):
        set_up_store(tmp / d)
        pc = open_services(tmp / d / "counter.db", SystemClock())
        pair(pc.engine, tmp / d, pc.clock.now(), url=hub.url,
             code=peers.new_code(svc.engine, svc.clock.now()), name=d, role="counter")
        pc.close()
    rng = random.Random(11)
    calls: dict[int, list[tuple[str, float]]] = {1: [], 2: []}
    issued: list[str] = []
    done, errors = threading.Event(), []
    # Long enough to ride out a restart of the hub (process start, migrations) on a busy CI.
    clients = [client_for(tmp / d, retry_for_s=600.0) for d in ("kiosk", "c1", "c2")]

    def kiosk() -> None:
        try:
            for _ in range(tickets):
                issued.extend(_issue_all(clients[0], 1, rng))
        except HubUnavailable as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    def counter(i: int) -> None:
        try:
            _serve(clients[i], i, calls[i], done)
        except HubUnavailable as exc:  # pragma: no cover
            errors.append(exc)

    workers = [threading.Thread(target=kiosk), *(threading.Thread(target=counter, args=(i,))
                                                 for i in (1, 2))]
    try:
        for w in workers:
            w.start()
        for _ in range(kills):
            _progress_after(lambda: len(issued) + len(calls[1]) + len(calls[2]), done)
            threading.Event().wait(rng.uniform(0.05, 0.6))  # a random moment of the run
            hub.kill()
            hub.start()
        for w in workers:
            w.join(600)
    finally:
        hub.stop()
        for c in clients:
            c.close()
    assert not errors
    numbers = [num for num, _ in calls[1] + calls[2]]
    assert sorted(numbers) == sorted(issued), "a ticket was lost or called twice"
    assert len(set(issued)) == len(issued) == tickets, "a number was reused"
    counts = check_queue(svc.engine, svc.queue)
    svc.close()
    assert counts == {"tickets": tickets, "calls": tickets}


def test_hub_killed_while_in_use_short(tmp_path: Path) -> None:
    _killed_hub_run(tmp_path, kills=2, tickets=20)


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 20 restarts of a process: minutes on a loaded CI machine
def test_hub_killed_20_times_while_in_use(tmp_path: Path) -> None:
    _killed_hub_run(tmp_path, kills=20, tickets=120)
