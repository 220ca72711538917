"""Dossiers filed online (national public-service portal): registered upstream, pulled by the
ward's counters as ``dossier.upsert``.

The dossier's identity (code, uid) is made by the portal. Registering the identical record
again is a no-op (even after its status was decided upstream); the same code or uid with any
other content is a conflict, never an overwrite (SYNC.md: the record's identity travels with
it).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, or_, select

from counter_app.domain.clock import to_db
from counter_app.domain.codes import ONLINE_RANGE, parse_dossier_code
from counter_app.domain.errors import DomainError
from counter_app.domain.lifecycle import Channel
from counter_app.sync.protocol import DossierRecord
from district_server import audit
from district_server.bulk import insert_ignore
from district_server.services import changelog
from district_server.services.dossiers import record_of
from district_server.services.upstream import (
    PublicationConflict,
    PublicationRefused,
    WardRef,
    lock_wards,
)
from district_server.services.validate import dossier_row
from district_server.tables import DEVICES, DOSSIERS

UPSTREAM_FIELDS = ("status", "finished_at", "returned_at")


@dataclass(frozen=True)
class Registered:
    """The dossier as the server holds it; ``created`` False for an identical resend."""

    record: DossierRecord
    created: bool


def problems(rec: DossierRecord, ward_code: str) -> list[str]:
    """Why this record cannot be an online dossier of ``ward_code`` (empty when it can)."""
    out: list[str] = []
    try:
        parts = parse_dossier_code(rec.code)
        if parts.agency_code != ward_code:
            out.append(f"code: {rec.code} belongs to another ward than {ward_code}")
        if not ONLINE_RANGE.contains(parts.seq):
            out.append(f"code: {rec.code}: online dossiers are numbered {ONLINE_RANGE.start}"
                       f"–{ONLINE_RANGE.end}; lower numbers belong to the counters' blocks")
    except DomainError:
        out.append(f"code: {rec.code!r} is not <agency>-<yymmdd>-<nnnn>")
    if rec.channel != Channel.ONLINE:
        out.append(f"channel: {rec.channel} is not {int(Channel.ONLINE)} (online)")
    if rec.due_at < rec.received_at:
        out.append("due_at: before received_at")
    out.extend(f"{name}: text is not NFC-normalised" for name in _not_nfc(rec))
    return out


def _not_nfc(rec: DossierRecord) -> list[str]:
    texts = [(k, v) for k, v in rec.model_dump().items() if isinstance(v, str)]
    texts += [(f"components.{i}.name", c.name) for i, c in enumerate(rec.components)]
    return [k for k, v in texts if not unicodedata.is_normalized("NFC", v)]


def register(engine: Engine, ward: str, rec: DossierRecord, *, now: datetime,
             actor: str = "admin") -> Registered:
    """Register an online dossier of ``ward`` and publish it as one ``dossier.upsert``."""
    ward_code = ward.strip().upper()
    rec = rec.model_copy(update={"code": rec.code.strip().upper()})
    found = problems(rec, ward_code)
    if found:
        raise PublicationRefused("invalid_dossier", "Not a valid online dossier of this ward.",
                                 found)
    with engine.begin() as conn:
        (w,) = lock_wards(conn, [ward_code])
        _online_block_free(conn, w.id)
        held = _held(conn, w, rec)
        created = held is None and _insert(conn, w, rec, now)
        if created:
            held = _held(conn, w, rec)
            assert held is not None
            changelog.append(conn, ward_id=w.id, now=now, entries=[{
                "kind": "dossier.upsert", "origin_device_id": None,
                "payload": held.model_dump_json()}])
        else:
            held = held or _held(conn, w, rec)  # lost an insert race: compare with the winner
            if held is None or not same_filing(held, rec):
                raise PublicationConflict(
                    "dossier_exists", "Another dossier already holds this code or uid.",
                    [f"code: {rec.code}", f"uid: {rec.uid}"])
    assert held is not None
    if created:
        audit.record(engine, now=now, actor=actor, action="dossier.online", ward_code=ward_code,
                     reason=f"{rec.code} {rec.procedure_code}")
    return Registered(held, created)


def _online_block_free(conn: Connection, ward_id: int) -> None:
    """A device enrolled before block 10 was kept for online dossiers may still hold it: its
    numbers and the online ones would collide, so online registration waits until it is
    revoked (and re-enrolled on a block 1–9)."""
    holder = conn.execute(select(DEVICES.c.device_id).where(
        DEVICES.c.ward_id == ward_id, DEVICES.c.revoked.is_(False),
        DEVICES.c.code_range_start <= ONLINE_RANGE.end,
        DEVICES.c.code_range_end >= ONLINE_RANGE.start)).scalar()
    if holder is not None:
        raise PublicationConflict(
            "online_block_in_use",
            f"Device {holder} holds numbers {ONLINE_RANGE.start}–{ONLINE_RANGE.end}, kept for "
            "online dossiers: revoke it and enrol it again first.", [f"device: {holder}"])


def same_filing(held: DossierRecord, rec: DossierRecord) -> bool:
    """The same dossier as filed; its status and result times are decided upstream later
    (``dossier.status``), so a resend of the original filing still matches."""
    decided = {k: getattr(held, k) for k in UPSTREAM_FIELDS}
    return held == rec.model_copy(update=decided)


def _held(conn: Connection, w: WardRef, rec: DossierRecord) -> DossierRecord | None:
    row = conn.execute(select(DOSSIERS).where(or_(
        (DOSSIERS.c.ward_id == w.id) & (DOSSIERS.c.code == rec.code),
        DOSSIERS.c.uid == str(rec.uid))).order_by(DOSSIERS.c.id)).mappings().first()
    return record_of(row) if row is not None else None


def _insert(conn: Connection, w: WardRef, rec: DossierRecord, now: datetime) -> bool:
    at = to_db(now)
    row: dict[str, Any] = {**dossier_row(rec, source_event_id=None), "ward_id": w.id,
                           "status_reason": "", "created_at": at, "updated_at": at}
    return bool(insert_ignore(conn, DOSSIERS, [row], returning=["id"]))
