"""Exponential backoff with full jitter, capped; reset on success."""

from __future__ import annotations

import random


class Backoff:
    """Delay n is uniform in [0, min(cap, base * 2**n)] (AWS "full jitter")."""

    def __init__(self, base: float = 2.0, cap: float = 300.0,
                 rng: random.Random | None = None) -> None:
        self.base, self.cap = base, cap
        self._rng = rng or random.Random()
        self.failures = 0

    def next_delay(self) -> float:
        """Seconds to wait after one more failure."""
        ceiling = min(self.cap, self.base * (2 ** min(self.failures, 30)))
        self.failures += 1
        return max(0.05, self._rng.uniform(0, ceiling))

    def reset(self) -> None:
        """Back to the first, shortest delay (after a success)."""
        self.failures = 0
