"""The device's HTTP client of protocol ``motcua-sync/1`` (httpx, explicit timeouts).

Every reply is checked for the protocol marker before anything is believed: a captive
portal's ``200`` HTML page, a proxy's ``502`` or a cut connection are all *outcome unknown*
(``OutcomeUnknown``), never an acknowledgement. Refusals the server really made arrive as
typed errors carrying the stable ``error`` code.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from counter_app.domain.clock import to_db
from counter_app.sync.protocol import (
    API_PREFIX,
    PROTOCOL,
    ChangesPage,
    DeviceStatus,
    EnrolRequest,
    EnrolResponse,
    PushResult,
)

M = TypeVar("M", bound=BaseModel)
USER_AGENT = "motcua-counter/0.1"


class SyncError(Exception):
    """Base of the client's failures; ``error`` is the server's stable code when it has one."""

    def __init__(self, message: str, *, error: str = "", status: int = 0,
                 detail: Any = None) -> None:
        super().__init__(message)
        self.error, self.status, self.detail = error, status, detail


class OutcomeUnknown(SyncError):
    """Timeout, cut connection, 5xx or a reply that is not ours: resend the same later."""


class AuthRejected(SyncError):
    """401 from our server: wrong, unknown or revoked credential. Stop and keep everything."""


class Forbidden(SyncError):
    """403 from our server: a security refusal (foreign ward, device mismatch); audited there."""


class Refused(SyncError):
    """Another 4xx from our server (409, 413, 422, 429): the request itself was refused."""


@dataclass(frozen=True)
class Timed:
    """A reply with the device's clock reading at the middle of the round trip."""

    value: Any
    local_mid: datetime
    rtt_s: float

    def skew_s(self, server_time: datetime) -> float:
        """Device minus server, in seconds (positive = the device clock is ahead)."""
        return (self.local_mid - server_time).total_seconds()


def _is_ours(body: Any) -> bool:
    return isinstance(body, dict) and body.get("protocol") == PROTOCOL


class SyncClient:
    """One server, one device token; reuse it for a whole sync pass (keep-alive)."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout_s: float = 60.0,
                 connect_timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None,
                 extra_headers: dict[str, str] | None = None) -> None:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json",
                   **(extra_headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, transport=transport,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            follow_redirects=False, trust_env=False)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- endpoints ------------------------------------------------------------------------

    def enrol(self, req: EnrolRequest) -> EnrolResponse:
        """POST /enrol with a one-time code."""
        body = self._call("POST", f"{API_PREFIX}/enrol", content=req.model_dump_json())
        return self._model(EnrolResponse, body)

    def status(self, local_now: datetime) -> Timed:
        """GET /device/status; ``value`` is a DeviceStatus."""
        t0 = time.monotonic()
        body = self._call("GET", f"{API_PREFIX}/device/status",
                          params={"client_time": to_db(local_now)})
        rtt = time.monotonic() - t0
        return Timed(self._model(DeviceStatus, body), local_now + timedelta(seconds=rtt / 2),
                     rtt)

    def push(self, device_id: str, events: list[dict[str, Any]], local_now: datetime) -> Timed:
        """POST /sync/push; ``value`` is a PushResult."""
        content = json.dumps({"device_id": device_id, "client_time": to_db(local_now),
                              "events": events}, ensure_ascii=False, separators=(",", ":"))
        t0 = time.monotonic()
        body = self._call("POST", f"{API_PREFIX}/sync/push", content=content.encode("utf-8"))
        rtt = time.monotonic() - t0
        return Timed(self._model(PushResult, body), local_now + timedelta(seconds=rtt / 2), rtt)

    def changes(self, cursor: int, limit: int) -> ChangesPage:
        """GET /sync/changes after ``cursor``."""
        body = self._call("GET", f"{API_PREFIX}/sync/changes",
                          params={"cursor": cursor, "limit": limit})
        return self._model(ChangesPage, body)

    def healthy(self) -> bool:
        """A cheap probe: is *our* server reachable (not a portal)?"""
        try:
            self._call("GET", "/healthz")
        except SyncError:
            return False
        return True

    # -- plumbing -------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        if "content" in kwargs:
            kwargs.setdefault("headers", {})["Content-Type"] = "application/json"
        try:
            resp = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise OutcomeUnknown(f"timeout: {type(exc).__name__}", error="timeout") from exc
        except httpx.HTTPError as exc:  # refused, reset, cut mid-body, protocol garbage
            raise OutcomeUnknown(f"network: {type(exc).__name__}: {exc}",
                                 error="network") from exc
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not _is_ours(body):
            raise OutcomeUnknown(
                f"HTTP {resp.status_code} reply is not from the sync server "
                f"({resp.headers.get('content-type', '?')})", error="not_ours",
                status=resp.status_code)
        assert isinstance(body, dict)
        if resp.status_code < 300:
            return body
        error, message = str(body.get("error", "")), str(body.get("message", ""))
        kind: type[SyncError]
        if resp.status_code >= 500:
            kind = OutcomeUnknown
        elif resp.status_code == 401:
            kind = AuthRejected
        elif resp.status_code == 403:
            kind = Forbidden
        else:
            kind = Refused
        raise kind(f"HTTP {resp.status_code} {error}: {message}", error=error,
                   status=resp.status_code, detail=body.get("detail"))

    @staticmethod
    def _model(model: type[M], body: dict[str, Any]) -> M:
        try:
            return model.model_validate(body)
        except ValidationError as exc:  # ours but unreadable: treat like a garbled reply
            raise OutcomeUnknown(f"unreadable {model.__name__}: {exc.error_count()} errors",
                                 error="bad_reply") from exc
