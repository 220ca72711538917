"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import Scope

from counter_app.domain.clock import Clock, SystemClock
from counter_app.sync.protocol import PROTOCOL_VERSION, PushRequest
from district_server import audit, errors
from district_server.db import make_engine, migrate
from district_server.middleware import BodySizeLimit
from district_server.ratelimit import RateLimiter
from district_server.routers import admin, enrol, lookup, sync
from district_server.security import bearer_token
from district_server.settings import ServerSettings
from district_server.state import ServerState


def create_app(settings: ServerSettings, *, clock: Clock | None = None,
               run_migrations: bool = True) -> FastAPI:
    """Build the app on its own engine; migrations run here unless told otherwise."""
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    if run_migrations:
        migrate(engine)
    state = ServerState(
        settings=settings, engine=engine, clock=clock or SystemClock(),
        lookup_limiter=RateLimiter(settings.lookup_rate_per_minute),
        enrol_limiter=RateLimiter(settings.enrol_rate_per_minute))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Một cửa — upstream sync server", version=f"{PROTOCOL_VERSION}.0",
                  description="Enrolment, event push, change-log pull and the citizen lookup "
                              "page. See docs/sync-protocol.md.",
                  lifespan=lifespan, docs_url="/docs" if settings.debug else None,
                  redoc_url=None)
    app.state.server = state
    errors.install(app)
    for r in (enrol.router, sync.router, admin.router, lookup.router):
        app.include_router(r)

    def on_too_large(scope: Scope, why: str) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers") or []}
        device_id, ward = audit.identify(engine, bearer_token(headers.get("authorization")))
        client = scope.get("client")
        audit.record(engine, now=state.now(), actor="device" if device_id else "anonymous",
                     action="refused", status=413, reason=f"request_too_large: {why}",
                     device_id=device_id, ward_code=ward, ip=client[0] if client else "",
                     path=f"{scope.get('method', '')} {scope.get('path', '')}")

    app.add_middleware(BodySizeLimit, limit=settings.max_request_bytes, on_refused=on_too_large)
    _document_raw_bodies(app)
    return app


def _document_raw_bodies(app: FastAPI) -> None:
    """Add the push body's schema (parsed by hand for speed, see routers/sync.py)."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = plain()
        extra = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps.update(extra.pop("$defs", {}))
        comps["PushRequest"] = extra
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --workers``: settings from DISTRICT_* variables, no migrations."""
    return create_app(ServerSettings(), run_migrations=False)
