"""Who is calling: the device behind a bearer token (its ward comes from here, never the body)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy import Connection, RowMapping, Select, select

from counter_app.domain.codes import CodeRange
from district_server.errors import ApiError
from district_server.security import bearer_token, same_secret, sha256_hex
from district_server.state import ServerState, get_state
from district_server.tables import DEVICES, WARDS


@dataclass(frozen=True)
class DeviceContext:
    """The authenticated device and its ward."""

    device_id: str
    name: str
    ward_id: int
    ward_code: str
    ward_name: str
    counter_no: int
    code_range: CodeRange
    revoked: bool


def _device_query(token: str) -> Select[Any]:
    return (select(DEVICES, WARDS.c.agency_code, WARDS.c.name.label("ward_name"))
            .join(WARDS, WARDS.c.id == DEVICES.c.ward_id)
            .where(DEVICES.c.token_hash == sha256_hex(token)))


def _context(row: RowMapping) -> DeviceContext:
    return DeviceContext(
        device_id=row["device_id"], name=row["name"], ward_id=row["ward_id"],
        ward_code=row["agency_code"], ward_name=row["ward_name"], counter_no=row["counter_no"],
        code_range=CodeRange(row["code_range_start"], row["code_range_end"]),
        revoked=bool(row["revoked"]))


def load_device(state: ServerState, token: str | None) -> DeviceContext | None:
    """The device holding ``token``, revoked or not; None if unknown."""
    if not token:
        return None
    with state.engine.connect() as conn:
        row = conn.execute(_device_query(token)).mappings().first()
        conn.rollback()
    return _context(row) if row is not None else None


def lock_device(conn: Connection, token: str) -> tuple[DeviceContext, RowMapping]:
    """In the caller's transaction: the active device holding ``token`` (else the 401 of
    ``require``), its row locked (PostgreSQL ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE``
    already holds the write lock) so two pushes of one device never interleave. Returns the
    context and the whole device row as locked."""
    row = conn.execute(_device_query(token).with_for_update(of=DEVICES)).mappings().first()
    if row is None:
        raise _unknown_token()
    return require(_context(row)), row


def require(dev: DeviceContext | None, *, allow_revoked: bool = False) -> DeviceContext:
    """The device, or the 401 a missing, unknown or revoked credential gets."""
    if dev is None:
        raise _unknown_token()
    if dev.revoked and not allow_revoked:
        raise ApiError(401, "device_revoked", "This device was revoked; enrol it again.",
                       device_id=dev.device_id, ward_code=dev.ward_code,
                       headers={"WWW-Authenticate": "Bearer"})
    return dev


def _unknown_token() -> ApiError:
    return ApiError(401, "token_invalid", "Unknown device token.",
                    headers={"WWW-Authenticate": "Bearer"})


def token_of(authorization: str | None) -> str:
    """The bearer token of the header, or the 401 of a request without one."""
    token = bearer_token(authorization)
    if token is None:
        raise ApiError(401, "token_missing", "Authorization: Bearer <token> is required.",
                       headers={"WWW-Authenticate": "Bearer"})
    return token


def _device(request: Request, authorization: str | None, *, allow_revoked: bool) -> DeviceContext:
    token = token_of(authorization)
    return require(load_device(get_state(request), token), allow_revoked=allow_revoked)


def current_device(request: Request,
                   authorization: Annotated[str | None, Header()] = None) -> DeviceContext:
    """Dependency: an active (not revoked) device."""
    return _device(request, authorization, allow_revoked=False)


def any_device(request: Request,
               authorization: Annotated[str | None, Header()] = None) -> DeviceContext:
    """Dependency: a known device even if revoked (only the status endpoint uses it)."""
    return _device(request, authorization, allow_revoked=True)


def require_admin(request: Request,
                  authorization: Annotated[str | None, Header()] = None) -> None:
    """Dependency: the admin token from the settings (constant-time compare)."""
    state = get_state(request)
    token = bearer_token(authorization) or ""
    expected = state.settings.admin_token.strip()
    if not expected or not same_secret(token, expected):
        raise ApiError(401, "admin_token_invalid", "Admin token required.",
                       headers={"WWW-Authenticate": "Bearer"})


ActiveDevice = Annotated[DeviceContext, Depends(current_device)]
KnownDevice = Annotated[DeviceContext, Depends(any_device)]
State = Annotated[ServerState, Depends(get_state)]
