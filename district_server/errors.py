"""JSON error replies (always with the protocol marker) and the audit of refusals."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from counter_app.sync.protocol import ErrorBody
from district_server import audit
from district_server.security import bearer_token
from district_server.state import client_ip, get_state

AUDITED = frozenset({401, 403, 413, 422, 429})


class ApiError(Exception):
    """A refusal with a stable machine code; 401/403/413/422/429 are audited."""

    def __init__(self, status: int, error: str, message: str, *, detail: Any = None,
                 device_id: str | None = None, ward_code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.detail = status, error, message, detail
        self.device_id, self.ward_code, self.headers = device_id, ward_code, headers


def error_response(status: int, error: str, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """The one shape of every JSON error."""
    body = ErrorBody(error=error, message=message, detail=detail)
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def audit_refusal(request: Request, status: int, reason: str, *, device_id: str | None = None,
                  ward_code: str | None = None) -> None:
    """Record a refused request with whatever identity its token reveals."""
    state = get_state(request)
    if device_id is None:
        device_id, found_ward = audit.identify(
            state.engine, bearer_token(request.headers.get("authorization")))
        ward_code = ward_code or found_ward
    audit.record(state.engine, now=state.now(), actor="device" if device_id else "anonymous",
                 action="refused", status=status, reason=reason, device_id=device_id,
                 ward_code=ward_code, ip=client_ip(request),
                 path=f"{request.method} {request.url.path}")


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if exc.status in AUDITED:
        await run_in_threadpool(audit_refusal, request, exc.status,
                                f"{exc.error}: {exc.message}", device_id=exc.device_id,
                                ward_code=exc.ward_code)
    return error_response(exc.status, exc.error, exc.message, exc.detail, exc.headers)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")),
               "type": str(e.get("type", ""))} for e in exc.errors()]
    await run_in_threadpool(audit_refusal, request, 422, "validation_failed: " + "; ".join(
        ".".join(str(p) for p in f["loc"]) + " " + str(f["msg"]) for f in fields[:5]))
    return error_response(422, "validation_failed", "The request does not match the protocol.",
                          fields)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    return error_response(exc.status_code, codes.get(exc.status_code, "http_error"),
                          str(exc.detail), headers=getattr(exc, "headers", None))


async def _on_crash(_request: Request, _exc: Exception) -> JSONResponse:
    # Still ours (marker present) but says nothing about the batch: the device retries.
    return error_response(500, "internal_error", "Unexpected server error; retry later.",
                          headers={"Retry-After": "30"})


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(Exception, _on_crash)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
