"""The ward's dossiers: reads for devices, the CLI and the lookup page; upstream status."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, literal, select, update

from counter_app.domain.clock import to_db
from counter_app.domain.codes import parse_dossier_code
from counter_app.domain.errors import DomainError
from counter_app.domain.lifecycle import Status
from counter_app.sync.protocol import DossierRecord, DossierStatusIn
from district_server import audit
from district_server.services import changelog
from district_server.tables import DOSSIERS, WARDS

MAX_CODE_LEN = 40  # dossiers.code
FINISHING = frozenset({Status.NOT_ACCEPTED, Status.STOPPED, Status.PROCESSED, Status.RETURNED})


class DossierNotFound(Exception):
    """No dossier with this code (in the caller's ward)."""


def agency_of(code: str) -> str | None:
    """The agency part of a well-formed dossier code, else None."""
    try:
        return parse_dossier_code(code).agency_code
    except DomainError:
        return None


def record_of(row: Any) -> DossierRecord:
    """A dossiers row as the shared protocol record."""
    data = dict(row)
    data["components"] = json.loads(data.get("components") or "[]")
    return DossierRecord.model_validate(data)


def get(engine: Engine, *, ward_id: int, code: str) -> dict[str, Any]:
    """One dossier row of a ward, or DossierNotFound."""
    if not plausible_code(code):
        raise DossierNotFound(code)
    with engine.connect() as conn:
        row = conn.execute(select(DOSSIERS).where(
            DOSSIERS.c.ward_id == ward_id,
            DOSSIERS.c.code == code.strip().upper())).mappings().first()
        conn.rollback()
    if row is None:
        raise DossierNotFound(code)
    return dict(row)


def plausible_code(code: str) -> bool:
    """Whether ``code`` could be stored at all (a NUL or an overlong code never is, and
    PostgreSQL refuses a NUL in a parameter)."""
    return len(code) <= MAX_CODE_LEN and "\x00" not in code


def verify_token_or(engine: Engine, code: str, dummy: str) -> str:
    """The verify token of ``code``, else ``dummy``: one query that returns one row either
    way, a seek in the ``(ward_id, code)`` index (the ward found by the code's agency part),
    so an existing and an unknown code cost the same. (Filtering on ``code`` alone would scan
    the table, and stop earlier for a code that exists.)"""
    agency = agency_of(code)
    if agency is None:
        return dummy  # a code that does not parse is never stored
    ward = select(WARDS.c.id).where(WARDS.c.agency_code == agency).scalar_subquery()
    known = select(DOSSIERS.c.verify_token).where(
        DOSSIERS.c.ward_id == ward, DOSSIERS.c.code == code.strip().upper()).scalar_subquery()
    with engine.connect() as conn:
        token = conn.execute(select(func.coalesce(known, literal(dummy)))).scalar_one()
        conn.rollback()
    return str(token)


def find_by_code(engine: Engine, code: str) -> dict[str, Any] | None:
    """A dossier by code in any ward (the lookup page), joined with its ward's name."""
    with engine.connect() as conn:
        row = conn.execute(
            select(DOSSIERS, WARDS.c.name.label("ward_name"))
            .join(WARDS, WARDS.c.id == DOSSIERS.c.ward_id)
            .where(DOSSIERS.c.code == code.strip().upper())).mappings().first()
        conn.rollback()
    return dict(row) if row else None


def list_for_ward(engine: Engine, ward_code: str) -> list[dict[str, Any]]:
    """All dossiers of a ward, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(DOSSIERS).join(WARDS, WARDS.c.id == DOSSIERS.c.ward_id)
            .where(WARDS.c.agency_code == ward_code.strip().upper())
            .order_by(DOSSIERS.c.received_at, DOSSIERS.c.code)).mappings().all()
        conn.rollback()
    return [dict(r) for r in rows]


def set_status(engine: Engine, code: str, change: DossierStatusIn, *,
               now: datetime) -> dict[str, Any]:
    """Apply a status decided upstream and publish it to the ward as ``dossier.status``."""
    status = Status(change.status)
    at = to_db(change.at or now)
    with engine.begin() as conn:
        values: dict[str, Any] = {"status": int(status), "status_reason": change.reason,
                                  "updated_at": to_db(now)}
        if status in FINISHING:
            values["finished_at"] = at
        if status is Status.RETURNED:
            values["returned_at"] = at
        row = conn.execute(update(DOSSIERS).where(DOSSIERS.c.code == code.strip().upper())
                           .values(**values).returning(DOSSIERS)).mappings().first()
        if row is None:
            raise DossierNotFound(code)
        payload = {"code": row["code"], "uid": row["uid"], "status": row["status"],
                   "reason": change.reason, "finished_at": row["finished_at"],
                   "returned_at": row["returned_at"], "decided_at": at}
        changelog.append(conn, ward_id=int(row["ward_id"]), now=now, entries=[{
            "kind": "dossier.status", "origin_device_id": None,
            "payload": json.dumps(payload, ensure_ascii=False)}])
        ward_code = conn.execute(select(WARDS.c.agency_code).where(
            WARDS.c.id == row["ward_id"])).scalar()
    audit.record(engine, now=now, actor="admin", action="dossier.status", ward_code=ward_code,
                 reason=f"{row['code']} -> {int(status)} {change.reason}"[:500])
    return dict(row)
