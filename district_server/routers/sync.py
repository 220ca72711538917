"""Device endpoints: status, push, pull, one dossier. The ward always comes from the token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import anyio.to_thread
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import select

from counter_app.domain.clock import from_db
from counter_app.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    EARLIEST,
    LATEST,
    MAX_CURSOR,
    MAX_PULL_LIMIT,
    ChangesPage,
    CodeRangeOut,
    DeviceStatus,
    DossierRecord,
    ErrorBody,
    PushRequest,
    PushResult,
)
from district_server import audit
from district_server.auth import ActiveDevice, KnownDevice, State, lock_device, token_of
from district_server.errors import ApiError
from district_server.services import changelog, dossiers, ingest
from district_server.services.sequence import settle
from district_server.state import ServerState, client_ip
from district_server.tables import DEVICES

router = APIRouter(prefix="/api/v1", tags=["sync"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 413, 422)}
PUSH_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 413, 415, 422)}


@router.get("/device/status", response_model=DeviceStatus, responses=ERRORS)
def device_status(dev: KnownDevice, state: State,
                  client_time: str | None = None) -> DeviceStatus:
    """What the server holds for this device (also answers a revoked device, marked so)."""
    now = state.now()
    with state.engine.connect() as conn:
        row = conn.execute(select(DEVICES).where(
            DEVICES.c.device_id == dev.device_id)).mappings().one()
        seq = settle(conn, dev.device_id, watermark=row["last_applied_seq"],
                     max_seen=row["max_seq_seen"])
        conn.rollback()
    skew = None
    if client_time:
        skew = (_instant(client_time) - now).total_seconds()
    return DeviceStatus(
        device_id=UUID(dev.device_id), device_name=dev.name, ward_code=dev.ward_code,
        ward_name=dev.ward_name, counter_no=dev.counter_no,
        code_range=CodeRangeOut(start=dev.code_range.start, end=dev.code_range.end),
        last_applied_seq=seq.last_applied_seq, max_seq_seen=seq.max_seq_seen,
        open_gaps=seq.gaps, revoked=dev.revoked, server_time=now, clock_skew_seconds=skew)


def _instant(text: str) -> datetime:
    """An ISO-8601 time of the query string (UTC if it has no offset), within the wire's
    bounds (``Instant``), else 422."""
    try:
        at = from_db(text)
    except (ValueError, OverflowError):
        raise ApiError(422, "validation_failed", "client_time is not ISO-8601") from None
    if not EARLIEST <= at < LATEST:
        raise ApiError(422, "validation_failed",
                       f"client_time is outside {EARLIEST:%Y}..{LATEST:%Y}")
    return at


_PUSH_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/PushRequest"}}}}}


def parse_push(raw: bytes) -> tuple[PushRequest, list[ingest.BadItem]]:
    """The batch and its items that break ``EventIn``, each to be rejected on its own.

    The common case is one pass by pydantic's JSON parser (a 500-event body is ~1 MB:
    json.loads + validate_python would cost a third more); only a batch with a bad item is
    parsed again item by item. An envelope that does not match, or an item without a valid
    ``event_id`` (it cannot be named in the reply), refuses the whole request (422)."""
    try:
        return PushRequest.model_validate_json(raw), []
    except ValidationError as exc:
        first = exc
    try:
        loose = ingest.LoosePush.model_validate_json(raw)
    except ValidationError:
        raise _invalid(first) from None
    good, bad = ingest.split_items(loose.events)
    if bad is None:
        raise _invalid(first)
    return PushRequest(device_id=loose.device_id, events=good,
                       client_time=loose.client_time), bad


def _invalid(exc: ValidationError) -> RequestValidationError:
    return RequestValidationError(
        [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)])


JSON_TYPE = "application/json"


def _require_json(content_type: str | None) -> None:
    """Pushes are JSON: anything else (a form, text, no type at all) is a 415."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media != JSON_TYPE:
        raise ApiError(415, "unsupported_media_type",
                       f"A push must be sent as {JSON_TYPE}.", detail={"got": media})


@router.post("/sync/push", response_model=PushResult, responses=PUSH_ERRORS,
             openapi_extra=_PUSH_BODY)
async def push(request: Request, state: State,
               authorization: Annotated[str | None, Header()] = None) -> Response:
    """Apply a batch in one transaction; reply only after the commit."""
    token = token_of(authorization)
    _require_json(request.headers.get("content-type"))
    raw = await request.body()
    outcome = await anyio.to_thread.run_sync(_push, state, token, raw, client_ip(request),
                                             limiter=state.push_limiter())
    return Response(outcome.result.model_dump_json(), media_type="application/json")


def _push(state: ServerState, token: str, raw: bytes, ip: str) -> ingest.PushOutcome:
    """One transaction, one pooled connection: authenticate and lock the device row, parse,
    apply, commit. (Authentication comes first: a bad token gets 401 whatever the body.)"""
    now = state.now()
    with state.engine.begin() as conn:
        dev, device_row = lock_device(conn, token)
        body, bad = parse_push(raw)
        if str(body.device_id) != dev.device_id:
            raise ApiError(403, "device_mismatch",
                           "device_id differs from the credential's device.",
                           device_id=dev.device_id, ward_code=dev.ward_code)
        try:
            outcome = ingest.apply(conn, dev, device_row, body, now=now, ip=ip, invalid=bad)
        except ingest.ForeignWardPush as exc:
            raise ApiError(
                403, "foreign_ward", "Events write dossiers of another ward; nothing was applied.",
                detail=[{"event_id": e, "agency_code": a} for e, a in exc.items],
                device_id=dev.device_id, ward_code=dev.ward_code) from None
    for note in outcome.clone_notes:
        audit.record(state.engine, now=now, actor="device", action="clone_suspected",
                     device_id=dev.device_id, ward_code=dev.ward_code, reason=note,
                     ip=ip, path="POST /api/v1/sync/push")
    return outcome


@router.get("/sync/changes", response_model=ChangesPage, responses=ERRORS)
def changes(dev: ActiveDevice, state: State,
            cursor: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
            limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
            ward: str | None = None) -> ChangesPage:
    """The ward's changes after ``cursor`` (other devices' events, upstream decisions)."""
    if ward is not None and ward.strip().upper() != dev.ward_code:
        raise ApiError(403, "foreign_ward", "This credential belongs to another ward.",
                       device_id=dev.device_id, ward_code=dev.ward_code)
    return changelog.page(state.engine, ward_id=dev.ward_id, device_id=dev.device_id,
                          cursor=cursor, limit=limit, now=state.now())


@router.get("/dossiers/{code}", response_model=DossierRecord, responses=ERRORS)
def get_dossier(code: str, dev: ActiveDevice, state: State) -> DossierRecord:
    """One dossier of the device's own ward (403 for another ward's code)."""
    agency = dossiers.agency_of(code)
    if agency is not None and agency != dev.ward_code:
        raise ApiError(403, "foreign_ward", "This dossier belongs to another ward.",
                       device_id=dev.device_id, ward_code=dev.ward_code)
    try:
        return dossiers.record_of(dossiers.get(state.engine, ward_id=dev.ward_id, code=code))
    except dossiers.DossierNotFound:
        raise ApiError(404, "not_found", "No such dossier in this ward.") from None
