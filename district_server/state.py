"""What the app carries between requests: settings, engine, clock, rate limiters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request
from sqlalchemy import Engine

from counter_app.domain.clock import Clock
from district_server.gate import FifoGate
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
    push_gate: FifoGate = field(init=False)

    def __post_init__(self) -> None:
        # SQLite has one writer at a time: a second push would only wait in SQLite's busy
        # handler (which sleeps and retries), so queue them here in arrival order instead.
        one_writer = self.engine.dialect.name == "sqlite"
        self.push_gate = FifoGate(1 if one_writer else self.settings.push_concurrency)

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
