"""Procedure versions published upstream to wards, pulled by counters as ``catalogue.procedure``.

Versions are read with the counter's own rules (``counter_app.domain.catalogue``), so what the
server accepts a counter can import. A version is identified per ward by (code, effective
date). Publishing the same version again writes nothing; a corrected version may replace one
that is not yet in force; a version already in force is never rewritten (publish a new one
with a later effective date, as the counter's import demands).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from counter_app.domain.canonical import canonical_json
from counter_app.domain.catalogue import ProcedureRecord, parse_procedure_items, procedure_json
from counter_app.domain.clock import local_day, to_db
from counter_app.sync.protocol import CataloguePublished, CataloguePublishIn, PublishedVersion
from district_server import audit
from district_server.services import changelog
from district_server.services.upstream import (
    PublicationConflict,
    PublicationRefused,
    WardRef,
    lock_wards,
)
from district_server.tables import CATALOGUE, WARDS


@dataclass(frozen=True)
class VersionPublic:
    """One line of ``district-server catalogue list``."""

    ward_code: str
    code: str
    effective_from: str
    effective_to: str | None
    name: str
    published_at: str


def parse(body: CataloguePublishIn) -> list[ProcedureRecord]:
    """The validated versions, or a refusal listing every bad item (nothing is published)."""
    records, rejected = parse_procedure_items(body.procedures)
    if rejected:
        raise PublicationRefused(
            "invalid_procedure", "Some procedure versions are not valid; nothing was published.",
            [{"item": r.source_row, "code": r.code, "reasons": list(r.reasons)}
             for r in rejected])
    return sorted(records, key=lambda r: (r.code, r.effective_from))


def publish(engine: Engine, body: CataloguePublishIn, *, now: datetime,
            actor: str = "admin") -> CataloguePublished:
    """Store the versions for each ward and append one ``catalogue.procedure`` per version
    a ward did not already hold exactly; all or nothing."""
    records = parse(body)
    published: list[PublishedVersion] = []
    unchanged: list[PublishedVersion] = []
    with engine.begin() as conn:
        for w in lock_wards(conn, body.wards):
            entries = []
            for rec in records:
                item = PublishedVersion(ward=w.code, code=rec.code,
                                        effective_from=rec.effective_from)
                payload = canonical_json(procedure_json(rec))
                if _store(conn, w, rec, payload, now):
                    entries.append({"kind": "catalogue.procedure", "origin_device_id": None,
                                    "payload": payload})
                    published.append(item)
                else:
                    unchanged.append(item)
            changelog.append(conn, ward_id=w.id, now=now, entries=entries)
    if published:
        audit.record(engine, now=now, actor=actor, action="catalogue.publish",
                     reason=", ".join(sorted({f"{p.code}@{p.effective_from}" for p in published}))
                     + f" -> {len({p.ward for p in published})} wards")
    return CataloguePublished(published=published, unchanged=unchanged)


def _store(conn: Connection, w: WardRef, rec: ProcedureRecord, payload: str,
           now: datetime) -> bool:
    """Insert or replace the ward's version; False if it already held exactly this one."""
    start, at = rec.effective_from.isoformat(), to_db(now)
    row = conn.execute(select(CATALOGUE.c.id, CATALOGUE.c.payload).where(
        CATALOGUE.c.ward_id == w.id, CATALOGUE.c.code == rec.code,
        CATALOGUE.c.effective_from == start)).first()
    if row is not None and row.payload == payload:
        return False
    values = {"effective_to": rec.effective_to.isoformat() if rec.effective_to else None,
              "name": rec.name, "payload": payload, "updated_at": at}
    if row is None:
        conn.execute(insert(CATALOGUE).values(ward_id=w.id, code=rec.code, effective_from=start,
                                              published_at=at, **values))
        return True
    if rec.effective_from <= local_day(now) and not _only_end_differs(row.payload, payload):
        raise PublicationConflict(
            "version_in_force", "This version is already in force and is never rewritten; "
            "publish a new version with a later effective date.",
            [{"ward": w.code, "code": rec.code, "effective_from": start}])
    conn.execute(update(CATALOGUE).where(CATALOGUE.c.id == row.id).values(**values))
    return True


def _only_end_differs(old: str, new: str) -> bool:
    """Same rules, another end date: closing (abolishing) a version in force is allowed."""
    a, b = json.loads(old), json.loads(new)
    a.pop("effective_to", None)
    b.pop("effective_to", None)
    return bool(a == b)


def list_versions(engine: Engine, *, ward: str | None = None) -> list[VersionPublic]:
    """Published versions by ward, code and date (optionally one ward)."""
    stmt = (select(WARDS.c.agency_code, CATALOGUE.c.code, CATALOGUE.c.effective_from,
                   CATALOGUE.c.effective_to, CATALOGUE.c.name, CATALOGUE.c.published_at)
            .join(WARDS, WARDS.c.id == CATALOGUE.c.ward_id)
            .order_by(WARDS.c.agency_code, CATALOGUE.c.code, CATALOGUE.c.effective_from))
    if ward:
        stmt = stmt.where(WARDS.c.agency_code == ward.strip().upper())
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
        conn.rollback()
    return [VersionPublic(*r) for r in rows]
