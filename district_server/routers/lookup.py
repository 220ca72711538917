"""``GET /h/{code}?t=TOKEN``: what the QR on a receipt opens."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from district_server.auth import State
from district_server.errors import audit_refusal
from district_server.lookup_page import HEADERS, NOT_FOUND, TOO_MANY, render_dossier
from district_server.security import same_secret, sha256_hex
from district_server.services import dossiers
from district_server.state import client_ip

router = APIRouter(tags=["lookup"])
# Compared against when the code is unknown; no real token has this form (base32 of 80 bits),
# and a request presenting it is refused anyway.
_DUMMY_TOKEN = "!" + secrets.token_hex(8)


def _not_found() -> HTMLResponse:
    return HTMLResponse(NOT_FOUND, status_code=404, headers=HEADERS)


@router.get("/h/{code}", response_class=HTMLResponse,
            responses={404: {"content": {"text/html": {}}}, 429: {"content": {"text/html": {}}}})
def lookup(code: str, state: State, request: Request, t: str = "") -> HTMLResponse:
    """Status page of one dossier; unknown code, no token and wrong token: the same 404 bytes."""
    ip = client_ip(request)
    if not state.lookup_limiter.allow(ip):
        if state.lookup_limiter.first_refusal(ip):
            audit_refusal(request, 429, "lookup rate limit")
        headers = {**HEADERS, "Retry-After": str(state.lookup_limiter.retry_after())}
        return HTMLResponse(TOO_MANY, status_code=429, headers=headers)
    # The QR always carries the token; without it a code tells nothing, not even that the
    # dossier exists, so walking the sequential codes of a ward lists nothing. An existing
    # code with a wrong token and an unknown code do the same work: the same one-row query,
    # the same digest comparison (of equal lengths); only the right token reads the row.
    expected = (dossiers.verify_token_or(state.engine, code, _DUMMY_TOKEN)
                if dossiers.plausible_code(code) else _DUMMY_TOKEN)
    if not same_secret(sha256_hex(t), sha256_hex(expected)) or expected == _DUMMY_TOKEN:
        return _not_found()
    row = dossiers.find_by_code(state.engine, code)
    if row is None:  # deleted between the two reads
        return _not_found()
    return HTMLResponse(render_dossier(row, reveal_name=True), headers=HEADERS)
