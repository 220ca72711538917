"""Admin API (token from the settings): upstream status decisions."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from counter_app.sync.protocol import DossierRecord, DossierStatusIn, ErrorBody
from district_server.auth import State, require_admin
from district_server.errors import ApiError
from district_server.services import dossiers

router = APIRouter(prefix="/api/v1/admin", tags=["admin"],
                   dependencies=[Depends(require_admin)])


@router.post("/dossiers/{code}/status", response_model=DossierRecord,
             responses={c: {"model": ErrorBody} for c in (401, 404, 422)})
def set_dossier_status(code: str, body: DossierStatusIn, state: State) -> DossierRecord:
    """Record a status decided upstream; the ward's devices pull it as ``dossier.status``."""
    try:
        row = dossiers.set_status(state.engine, code, body, now=state.now())
    except dossiers.DossierNotFound:
        raise ApiError(404, "not_found", "No such dossier.") from None
    return dossiers.record_of(row)
