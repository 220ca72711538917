"""Admin API (token from the settings): upstream decisions and publications to the wards."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, Depends, Response

from counter_app.sync.protocol import (
    CalendarOverrideIn,
    CalendarPublished,
    CataloguePublished,
    CataloguePublishIn,
    DossierRecord,
    DossierStatusIn,
    ErrorBody,
)
from district_server.auth import State, require_admin
from district_server.errors import ApiError
from district_server.services import calendar, catalogue, dossiers, online
from district_server.services.upstream import PublicationRefused, UnknownWard

router = APIRouter(prefix="/api/v1/admin", tags=["admin"],
                   dependencies=[Depends(require_admin)])
T = TypeVar("T")


def _errors(*codes: int) -> dict[int | str, dict[str, object]]:
    return {c: {"model": ErrorBody} for c in (401, *codes)}


def _publishing(run: Callable[[], T]) -> T:
    """Run a publication, turning its refusals into the protocol's JSON errors."""
    try:
        return run()
    except UnknownWard as exc:
        raise ApiError(404, "unknown_ward", f"Unknown ward {exc.agency_code}.") from None
    except PublicationRefused as exc:
        raise ApiError(exc.status, exc.error, exc.message, detail=exc.detail) from None


@router.post("/dossiers/{code}/status", response_model=DossierRecord,
             responses=_errors(404, 422))
def set_dossier_status(code: str, body: DossierStatusIn, state: State) -> DossierRecord:
    """Record a status decided upstream; the ward's devices pull it as ``dossier.status``."""
    try:
        row = dossiers.set_status(state.engine, code, body, now=state.now())
    except dossiers.DossierNotFound:
        raise ApiError(404, "not_found", "No such dossier.") from None
    return dossiers.record_of(row)


@router.post("/wards/{agency_code}/dossiers", response_model=DossierRecord, status_code=201,
             responses={200: {"model": DossierRecord,
                              "description": "The identical dossier was already registered"},
                        **_errors(404, 409, 422)})
def register_online_dossier(agency_code: str, body: DossierRecord, state: State,
                            response: Response) -> DossierRecord:
    """Register a dossier filed online for this ward; its devices pull it as
    ``dossier.upsert``. 201 new, 200 identical resend, 409 code or uid held by another."""
    done = _publishing(lambda: online.register(state.engine, agency_code, body,
                                               now=state.now()))
    if not done.created:
        response.status_code = 200
    return done.record


@router.post("/calendar", response_model=CalendarPublished, responses=_errors(404, 422))
def set_calendar_override(body: CalendarOverrideIn, state: State) -> CalendarPublished:
    """A day off or a swapped working day for some wards (default: all); each ward whose
    override changed gets one ``calendar.override``."""
    return _publishing(lambda: calendar.set_override(state.engine, body, now=state.now()))


@router.post("/catalogue", response_model=CataloguePublished,
             responses=_errors(404, 409, 422))
def publish_catalogue(body: CataloguePublishIn, state: State) -> CataloguePublished:
    """Publish procedure versions (catalogue JSON items) to some wards (default: all), one
    ``catalogue.procedure`` per version a ward did not hold; all or nothing."""
    return _publishing(lambda: catalogue.publish(state.engine, body, now=state.now()))
