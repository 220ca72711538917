"""FifoGate: at most N inside; the others get in strictly in arrival order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from district_server.gate import FifoGate


def _until(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def test_waiters_enter_in_arrival_order_and_no_one_barges() -> None:
    gate = FifoGate(1)
    order: list[int] = []
    gate.__enter__()  # the test holds the only slot
    threads = []
    for i in range(6):
        t = threading.Thread(target=lambda i=i: _enter_and_note(gate, order, i))
        t.start()
        threads.append(t)
        _until(lambda i=i: gate.waiting == i + 1)  # queued in this order
    gate.__exit__()
    # A newcomer arriving while the queue drains must not overtake it.
    late = threading.Thread(target=lambda: _enter_and_note(gate, order, 99))
    late.start()
    for t in [*threads, late]:
        t.join(timeout=10)
    assert order == [0, 1, 2, 3, 4, 5, 99]
    assert gate.waiting == 0


def _enter_and_note(gate: FifoGate, order: list[int], i: int) -> None:
    with gate:
        order.append(i)


def test_never_more_than_the_slots_inside() -> None:
    gate = FifoGate(3)
    inside, most = [0], [0]
    lock = threading.Lock()

    def work() -> None:
        for _ in range(200):
            with gate:
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert most[0] <= 3 and inside[0] == 0
    with gate, gate, gate:  # all three slots are free again
        assert gate.waiting == 0


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        FifoGate(0)
