"""Enrolment and health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from counter_app.sync.protocol import PROTOCOL, EnrolRequest, EnrolResponse, ErrorBody
from district_server import audit
from district_server.auth import State
from district_server.errors import ApiError
from district_server.services.enrolment import EnrolRefused, enrol
from district_server.state import client_ip

router = APIRouter(tags=["enrolment"])


@router.post("/api/v1/enrol", response_model=EnrolResponse,
             responses={c: {"model": ErrorBody} for c in (401, 409, 422, 429)})
def enrol_device(body: EnrolRequest, state: State, request: Request) -> EnrolResponse:
    """Trade a one-time code for a device credential bound to the code's ward."""
    ip = client_ip(request)
    if not state.enrol_limiter.allow(ip):
        raise ApiError(429, "rate_limited", "Too many enrolment attempts; wait a minute.",
                       headers={"Retry-After": str(state.enrol_limiter.retry_after())})
    now = state.now()
    try:
        reply = enrol(state.engine, body, now=now)
    except EnrolRefused as exc:
        status = 409 if exc.error in ("no_free_range", "counter_in_use", "counter_reserved") else 401
        raise ApiError(status, exc.error, exc.message) from None
    audit.record(state.engine, now=now, actor="device", action="device.enrol",
                 device_id=str(reply.device_id), ward_code=reply.agency_code,
                 reason=f"{body.device_name} v{body.app_version} counter={reply.counter_no}",
                 ip=ip, path="POST /api/v1/enrol")
    return reply


@router.get("/healthz", tags=["health"])
def healthz(state: State) -> dict[str, str]:
    """Liveness plus a database round trip."""
    with state.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        conn.rollback()
    return {"protocol": PROTOCOL, "status": "ok", "server_time": state.now().isoformat()}
