"""What the app carries between requests: settings, engine, clock, rate limiters."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from weakref import WeakKeyDictionary

from anyio import CapacityLimiter
from fastapi import Request
from sqlalchemy import Engine

from counter_app.domain.clock import Clock
from district_server.ratelimit import RateLimiter
from district_server.settings import ServerSettings


@dataclass
class ServerState:
    """One per app instance (tests build several side by side)."""

    settings: ServerSettings
    engine: Engine
    clock: Clock
    lookup_limiter: RateLimiter
    enrol_limiter: RateLimiter
    push_slots: int = field(init=False)
    _push_limiters: WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = field(
        init=False, default_factory=WeakKeyDictionary)

    def __post_init__(self) -> None:
        # SQLite has one writer at a time: a second push would only wait in SQLite's busy
        # handler (which sleeps and retries), so queue them here in arrival order instead.
        one_writer = self.engine.dialect.name == "sqlite"
        self.push_slots = 1 if one_writer else self.settings.push_concurrency

    def push_limiter(self) -> CapacityLimiter:
        """The running event loop's push gate: ``push_slots`` pushes at once, the others wait
        in the event loop in arrival order (anyio hands a freed slot to the oldest waiter), so
        a burst holds neither worker threads nor database connections while it queues."""
        loop = asyncio.get_running_loop()
        limiter = self._push_limiters.get(loop)
        if limiter is None:
            limiter = self._push_limiters[loop] = CapacityLimiter(self.push_slots)
        return limiter

    def now(self) -> datetime:
        """The current instant from the injected clock."""
        return self.clock.now()


def get_state(request: Request) -> ServerState:
    """FastAPI dependency: the app's state."""
    state: ServerState = request.app.state.server
    return state


def client_ip(request: Request) -> str:
    """The peer address (behind a reverse proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else ""
