"""A small in-memory token bucket per client key (one process; good enough for a ward server)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_KEYS = 10_000


class RateLimiter:
    """``rate_per_minute`` requests per key, bursting up to the same number."""

    def __init__(self, rate_per_minute: int, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(rate_per_minute)
        self._refill_per_s = rate_per_minute / 60.0
        self._now = monotonic
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._reported: dict[str, float] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one token for ``key``; False when the bucket is empty."""
        with self._lock:
            now = self._now()
            tokens, last = self._buckets.pop(key, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - last) * self._refill_per_s)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > MAX_KEYS:  # forget the least recently seen clients
                self._buckets.popitem(last=False)
            return allowed

    def first_refusal(self, key: str) -> bool:
        """True once per key per minute: audit a flood without writing a row per request."""
        with self._lock:
            now = self._now()
            last = self._reported.get(key)
            if last is not None and now - last < 60:
                return False
            self._reported[key] = now
            if len(self._reported) > MAX_KEYS:
                self._reported.clear()
            return True

    def retry_after(self) -> int:
        """Seconds until one token is back."""
        return max(1, int(1 / self._refill_per_s + 0.999))
