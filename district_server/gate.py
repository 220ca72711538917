"""A first-come, first-served gate for worker threads (``with gate: ...``).

``threading.Semaphore`` lets a newly arriving thread take a slot that was just freed before the
thread woken for it runs ("barging"): under a burst some requests are overtaken again and again
and the latency tail grows. Here a released slot is handed to the oldest waiter directly.
"""

from __future__ import annotations

import threading
from collections import deque


class FifoGate:
    """At most ``slots`` holders at once; the others enter in arrival order."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.slots = slots
        self._free = slots
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()

    def __enter__(self) -> FifoGate:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return self
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # set by __exit__ of a holder: the slot is ours, never counted free
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1

    @property
    def waiting(self) -> int:
        """Threads queued at the gate."""
        with self._lock:
            return len(self._waiting)
