"""The hub's HTTP API (FastAPI): pairing, queue actions, the push channel, the ward relay.

Every route but ``POST /hub/v1/pair`` needs a paired, unrevoked PC's token (401 otherwise),
and pairing needs a live code. The relay routes are ``motcua-sync/1`` under ``/api/v1`` (the
counter's sync client talks to the hub as to upstream); their replies carry that protocol's
marker, the hub's own replies carry ``motcua-hub/1``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import TypeAdapter

from counter_app.domain.errors import DomainError
from counter_app.hub import forward, peers, relay
from counter_app.hub.errors import HubError
from counter_app.hub.queue_actions import ACTIONS, QueueRequest
from counter_app.hub.runtime import CLOSE, HubRuntime
from counter_app.hub.wire import (
    HUB_PREFIX,
    HUB_PROTOCOL,
    IDEMPOTENCY_HEADER,
    UPSTREAM_TOKEN_HEADER,
    UPSTREAM_URL_HEADER,
    ActionIn,
    PairIn,
    PairOut,
    board_json,
    ticket_json,
)
from counter_app.services.errors import ServiceError
from counter_app.services.queue_models import QueueServicePublic
from counter_app.services.queue_stats import QueueStats
from counter_app.sync.protocol import API_PREFIX, MAX_PULL_LIMIT, PROTOCOL, PushRequest

_STATS: TypeAdapter[QueueStats] = TypeAdapter(QueueStats)
_SERVICES: TypeAdapter[list[QueueServicePublic]] = TypeAdapter(list[QueueServicePublic])


class Refusal(Exception):
    """An HTTP refusal with a stable code."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def _marker(request: Request) -> str:
    return PROTOCOL if request.url.path.startswith(API_PREFIX) else HUB_PROTOCOL


def _peer(request: Request, authorization: Annotated[str, Header()] = "") -> peers.Peer:
    rt: HubRuntime = request.app.state.hub
    token = authorization[7:].strip() if authorization.startswith("Bearer ") else ""
    found = peers.authenticate(rt.engine, token, rt.clock.now()) if token else None
    if found is None:
        raise Refusal(401, "not_paired", "Máy này chưa ghép nối hoặc đã bị thu hồi.")
    return found


Peer = Annotated[peers.Peer, Depends(_peer)]


def create_hub_app(rt: HubRuntime) -> FastAPI:
    """The ASGI app over a runtime (tests run it in-process; ``hub serve`` under uvicorn)."""
    app = FastAPI(title="Một cửa — máy chủ phường (hub)", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.hub = rt

    @app.exception_handler(Refusal)
    async def _refusal(request: Request, exc: Refusal) -> JSONResponse:
        return JSONResponse({"protocol": _marker(request), "error": exc.error,
                             "message": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"protocol": _marker(request), "error": "invalid",
                             "message": "Yêu cầu không hợp lệ.",
                             "detail": json.loads(json.dumps(exc.errors(), default=str))},
                            status_code=422)

    _hub_routes(app, rt)
    _queue_routes(app, rt)
    _relay_routes(app, rt)
    return app


def _hub_routes(app: FastAPI, rt: HubRuntime) -> None:
    @app.post(f"{HUB_PREFIX}/pair")
    def pair(body: PairIn) -> PairOut:
        code, name = rt.ward()
        if body.ward_code and code and body.ward_code.upper() != code.upper():
            raise Refusal(403, "ward_mismatch", f"Máy chủ này phục vụ đơn vị {code}.")
        try:
            got = peers.pair(rt.engine, rt.clock.now(), code=body.code, name=body.name,
                             role=body.role)
        except HubError as exc:
            raise Refusal(401, exc.code, exc.message_vi) from None
        return PairOut(peer_id=got.peer_id, token=got.token, ward_code=code, ward_name=name,
                       hub_name=rt.name)

    @app.get("/healthz")
    def healthz(_p: Peer) -> dict[str, Any]:
        return {"protocol": PROTOCOL, "hub": HUB_PROTOCOL, "ok": True}

    @app.get(f"{HUB_PREFIX}/info")
    def info(p: Peer) -> dict[str, Any]:
        code, name = rt.ward()
        services = rt.services.queue.ensure_defaults()
        return {"protocol": HUB_PROTOCOL, "ward_code": code, "ward_name": name,
                "hub_name": rt.name, "peer_id": p.peer_id, "role": p.role,
                "services": _SERVICES.dump_python(services, mode="json")}

    @app.get(f"{HUB_PREFIX}/stream")
    async def stream(request: Request, p: Peer) -> StreamingResponse:
        return StreamingResponse(_events(rt, request, p), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @app.get(f"{HUB_PREFIX}/status")
    def status(_p: Peer) -> dict[str, Any]:
        return {"protocol": HUB_PROTOCOL, "hub_name": rt.name,
                "peers": [vars(x) for x in peers.peers(rt.engine)],
                "relay": relay.backlog(rt.engine), "subscribers": rt.broadcaster.subscribers}


def _queue_routes(app: FastAPI, rt: HubRuntime) -> None:
    @app.post(HUB_PREFIX + "/queue/{action}")
    def queue_action(action: str, body: ActionIn, p: Peer,
                     key: Annotated[str, Header(alias=IDEMPOTENCY_HEADER, min_length=8,
                                                max_length=80)]) -> dict[str, Any]:
        if action not in ACTIONS:
            raise Refusal(404, "unknown_action", f"Không có thao tác {action}.")
        req = QueueRequest(action=action, **body.model_dump())
        try:
            ticket = rt.queue.apply(req, key=key, peer_id=p.peer_id)
        except (ServiceError, DomainError) as exc:
            raise Refusal(409, exc.code, exc.message_vi) from None
        return ticket_json(ticket)

    @app.get(f"{HUB_PREFIX}/queue/board")
    def board(_p: Peer) -> dict[str, Any]:
        return {"protocol": HUB_PROTOCOL, "board": board_json(rt.services.queue.board())}

    @app.get(HUB_PREFIX + "/queue/counter/{counter}")
    def counter_state(counter: int, _p: Peer) -> dict[str, Any]:
        st = rt.services.queue.counter_state(counter)
        return {"protocol": HUB_PROTOCOL, "current": ticket_json(st.current)["ticket"],
                "waiting": [ticket_json(t)["ticket"] for t in st.waiting],
                "served_prefixes": list(st.served_prefixes)}

    @app.get(f"{HUB_PREFIX}/queue/stats")
    def stats(_p: Peer, day_from: date, day_to: date | None = None) -> dict[str, Any]:
        s = rt.services.queue.stats(day_from, day_to or day_from)
        return {"protocol": HUB_PROTOCOL, "stats": _STATS.dump_python(s, mode="json")}


def _relay_routes(app: FastAPI, rt: HubRuntime) -> None:
    @app.get(f"{API_PREFIX}/device/status")
    def device_status(_p: Peer, device_id: Annotated[str, Header(alias="X-Motcua-Device")],
                      ) -> dict[str, Any]:
        code, name = rt.ward()
        return relay.status(rt.engine, device_id, ward_code=code, ward_name=name,
                            now=rt.clock.now()).model_dump(mode="json")

    @app.post(f"{API_PREFIX}/sync/push")
    def push(body: PushRequest, _p: Peer,
             up_url: Annotated[str, Header(alias=UPSTREAM_URL_HEADER)] = "",
             up_token: Annotated[str, Header(alias=UPSTREAM_TOKEN_HEADER)] = "",
             ) -> dict[str, Any]:
        now = rt.clock.now()
        if up_url and up_token:
            forward.remember_upstream(rt.engine, rt.data_dir, device_id=str(body.device_id),
                                      url=up_url, token=up_token, now=now)
        result = relay.ingest(rt.engine, body, now)
        if result.acked:
            rt.relay_arrived(result.last_applied_seq)
        return result.model_dump(mode="json")

    @app.get(f"{API_PREFIX}/sync/changes")
    def changes(_p: Peer, device_id: Annotated[str, Header(alias="X-Motcua-Device")],
                cursor: Annotated[int, Query(ge=0)] = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500) -> dict[str, Any]:
        return relay.changes(rt.engine, device_id=device_id, cursor=cursor, limit=limit,
                             now=rt.clock.now()).model_dump(mode="json")


async def _events(rt: HubRuntime, request: Request, p: peers.Peer) -> AsyncIterator[str]:
    """Server-sent events: the board now, then every change; a heartbeat re-checks the PC."""
    q = rt.broadcaster.subscribe()
    try:
        first = rt.broadcaster.last or await asyncio.to_thread(rt.publish_board)
        yield f"event: board\ndata: {first}\n\n"
        yield "event: relay\ndata: {}\n\n"  # pull what arrived while this PC was away
        while True:
            try:
                message = await asyncio.wait_for(q.get(), timeout=rt.options.heartbeat_s)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                if any(x.peer_id == p.peer_id and x.revoked for x in
                       await asyncio.to_thread(peers.peers, rt.engine)):
                    return
                yield ": ping\n\n"
                continue
            if message == CLOSE:
                return
            yield message
    finally:
        rt.broadcaster.unsubscribe(q)
