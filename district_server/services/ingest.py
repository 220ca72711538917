"""Applying one pushed batch in one transaction; the reply is built only after commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeGuard
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection, Row, RowMapping, delete, literal, select, union_all, update

from counter_app.domain.clock import to_db
from counter_app.sync.protocol import (
    MAX_BATCH,
    MAX_DEVICE_SEQ,
    SKEW_WARN_SECONDS,
    EventIn,
    Instant,
    ItemVerdict,
    PushRequest,
    PushResult,
    RejectReason,
)
from district_server.auth import DeviceContext
from district_server.bulk import insert_ignore, one_of
from district_server.services import changelog
from district_server.services.sequence import settle_fast
from district_server.services.validate import CheckedEvent, ForeignWard, ItemRejected, check_event
from district_server.tables import DEVICES, DOSSIERS, EVENTS, QUARANTINE, REJECTIONS

CLONE_REASONS = frozenset({RejectReason.SEQ_REUSED, RejectReason.CODE_COLLISION})


class ForeignWardPush(Exception):
    """Some events write another ward's dossiers: the whole request is refused (403)."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(items)} event(s) for another ward")
        self.items = items


class LoosePush(BaseModel):
    """``PushRequest`` with its events left unparsed, to judge them one by one."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    device_id: UUID
    events: list[dict[str, Any]] = Field(max_length=MAX_BATCH)
    client_time: Instant


@dataclass(frozen=True)
class BadItem:
    """An event whose envelope breaks ``EventIn``; ``device_seq`` 0 when it is not usable."""

    event_id: UUID
    device_seq: int
    detail: str


def split_items(items: list[dict[str, Any]]) -> tuple[list[EventIn], list[BadItem] | None]:
    """The valid events and the invalid ones; None if an invalid one has no usable
    ``event_id`` (the reply could not name it)."""
    good: list[EventIn] = []
    bad: list[BadItem] = []
    for raw in items:
        try:
            good.append(EventIn.model_validate(raw))
        except ValidationError as exc:
            try:
                event_id = UUID(raw["event_id"])
            except (KeyError, TypeError, ValueError, AttributeError):
                return [], None
            seq = raw.get("device_seq")
            fields = ", ".join(".".join(str(p) for p in e["loc"]) or "event"
                               for e in exc.errors()[:5])
            bad.append(BadItem(event_id, seq if _usable_seq(seq) else 0,
                               f"bad fields: {fields}"))
    return good, bad


def _usable_seq(seq: Any) -> TypeGuard[int]:
    """A seq the watermark can count (else the rejection is recorded under seq 0)."""
    return type(seq) is int and 1 <= seq <= MAX_DEVICE_SEQ


def _pairs(rows: Sequence[Row[Any, Any]]) -> dict[Any, Any]:
    return {r[0]: r[1] for r in rows}


@dataclass
class _Batch:
    dev: DeviceContext
    now: datetime
    acked: list[UUID] = field(default_factory=list)
    duplicates: list[UUID] = field(default_factory=list)
    conflicts: list[ItemVerdict] = field(default_factory=list)
    rejected: list[ItemVerdict] = field(default_factory=list)
    quarantine_rows: list[dict[str, Any]] = field(default_factory=list)
    rejection_rows: list[dict[str, Any]] = field(default_factory=list)
    clone_notes: list[str] = field(default_factory=list)

    def reject(self, ev: EventIn, reason: RejectReason, detail: str = "") -> None:
        self.reject_id(ev.event_id, ev.device_seq, reason, detail)

    def reject_id(self, event_id: UUID, seq: int, reason: RejectReason, detail: str) -> None:
        self.rejected.append(ItemVerdict(event_id=event_id, reason=reason, detail=detail))
        self.rejection_rows.append({
            "device_id": self.dev.device_id, "ward_id": self.dev.ward_id,
            "event_id": str(event_id), "device_seq": seq, "reason": str(reason),
            "detail": detail[:500], "received_at": to_db(self.now)})
        if reason in CLONE_REASONS:
            self.clone_notes.append(f"{reason} seq={seq} {detail}")

    def conflict(self, ev: EventIn) -> None:
        self.conflicts.append(ItemVerdict(
            event_id=ev.event_id, reason="payload_differs",
            detail="the server holds another payload under this event_id; kept, not overwritten"))
        self.quarantine_rows.append({
            "event_id": str(ev.event_id), "device_id": self.dev.device_id,
            "device_seq": ev.device_seq, "ward_id": self.dev.ward_id, "type": ev.type,
            "payload": ev.payload, "payload_hash": ev.payload_hash,
            "received_at": to_db(self.now), "state": "quarantined"})


@dataclass(frozen=True)
class PushOutcome:
    """The reply plus what the caller should audit after the commit."""

    result: PushResult
    clone_notes: list[str]


def _precheck(req: PushRequest, batch: _Batch) -> list[CheckedEvent]:
    """Local checks, then one verdict per event_id and per device_seq within the batch."""
    checked: list[CheckedEvent] = []
    foreign: list[tuple[str, str]] = []
    for ev in req.events:
        try:
            checked.append(check_event(ev, ward_code=batch.dev.ward_code,
                                       code_range=batch.dev.code_range))
        except ItemRejected as exc:
            batch.reject(ev, exc.reason, exc.detail)
        except ForeignWard as exc:
            foreign.append((str(ev.event_id), exc.agency_code))
    if foreign:
        raise ForeignWardPush(foreign)
    by_id: dict[str, CheckedEvent] = {}
    seqs: set[int] = set()
    unique: list[CheckedEvent] = []
    for c in checked:
        first = by_id.get(c.event_id)
        if first is not None:
            if first.ev.payload_hash != c.ev.payload_hash:
                batch.conflict(c.ev)
            continue  # the same event twice in one batch gets one verdict
        if c.ev.device_seq in seqs:
            batch.reject(c.ev, RejectReason.SEQ_REUSED, "another event of this batch has it")
            continue
        by_id[c.event_id] = c
        seqs.add(c.ev.device_seq)
        unique.append(c)
    return _one_dossier_per_code(batch, unique)


def _one_dossier_per_code(batch: _Batch, items: list[CheckedEvent]) -> list[CheckedEvent]:
    """Within one batch, as across batches: a code (or uid) taken by an earlier dossier of
    the batch is a collision for any other dossier (a clone, flagged)."""
    by_code: dict[str, str] = {}
    by_uid: dict[str, str] = {}
    out: list[CheckedEvent] = []
    for c in items:
        if c.dossier is not None:
            code, uid = str(c.dossier["code"]), str(c.dossier["uid"])
            if by_code.setdefault(code, uid) != uid or by_uid.setdefault(uid, code) != code:
                batch.reject(c.ev, RejectReason.CODE_COLLISION,
                             f"{code} (uid {uid}): another dossier of this batch holds the "
                             "code or the uid")
                continue
        out.append(c)
    return out


def _split_known(conn: Connection, batch: _Batch,
                 items: list[CheckedEvent]) -> list[CheckedEvent]:
    """Drop events the server already holds (duplicate or conflict) or whose seq is taken.

    One query finds both: rows with one of these event_ids, and this device's rows with one of
    these seqs (two indexes, one round trip)."""
    if not items:
        return []
    ids, seqs = {c.event_id for c in items}, {c.ev.device_seq for c in items}
    cols = (EVENTS.c.event_id, EVENTS.c.payload_hash, EVENTS.c.device_seq)
    # UNION ALL, not OR: each branch is planned on its own unique index.
    rows = conn.execute(union_all(
        select(literal(1).label("by_id"), *cols)
        .where(EVENTS.c.ward_id == batch.dev.ward_id,
               one_of(conn, EVENTS.c.event_id, list(ids))),
        select(literal(0).label("by_id"), *cols)
        .where(EVENTS.c.device_id == batch.dev.device_id,
               one_of(conn, EVENTS.c.device_seq, list(seqs))))).all()
    known: dict[str, str] = {r.event_id: r.payload_hash for r in rows if r.by_id}
    taken: dict[int, str] = {int(r.device_seq): r.event_id for r in rows if not r.by_id}
    out: list[CheckedEvent] = []
    for c in items:
        if c.event_id in known:
            if known[c.event_id] == c.ev.payload_hash:
                batch.duplicates.append(c.ev.event_id)
            else:
                batch.conflict(c.ev)
        elif c.ev.device_seq in taken:
            batch.reject(c.ev, RejectReason.SEQ_REUSED,
                         f"seq held by event {taken[c.ev.device_seq]}")
        else:
            out.append(c)
    return out


def _materialise(conn: Connection, batch: _Batch,
                 items: list[CheckedEvent]) -> tuple[list[CheckedEvent], set[str]]:
    """Insert the dossiers; events whose code the ward already has for another dossier fail."""
    with_dossier = [c for c in items if c.dossier is not None]
    if not with_dossier:
        return items, set()
    at = to_db(batch.now)
    # Sorted by code: two racing pushes lock the unique index in the same order (no deadlock).
    # The author is the authenticated device, whatever the payload says.
    rows = sorted(({**(c.dossier or {}), "ward_id": batch.dev.ward_id, "created_at": at,
                    "updated_at": at, "device_id": batch.dev.device_id,
                    "counter_no": batch.dev.counter_no} for c in with_dossier),
                  key=lambda r: str(r["code"]))
    inserted = {str(r[0]) for r in insert_ignore(conn, DOSSIERS, rows, returning=["code"])}
    missed = [c for c in with_dossier if (c.dossier or {})["code"] not in inserted]
    if not missed:
        return items, inserted
    owners = {r.code: (r.uid, r.device_id) for r in conn.execute(
        select(DOSSIERS.c.code, DOSSIERS.c.uid, DOSSIERS.c.device_id).where(
            DOSSIERS.c.ward_id == batch.dev.ward_id,
            one_of(conn, DOSSIERS.c.code, [(c.dossier or {})["code"] for c in missed])))}
    bad: set[str] = set()
    for c in missed:
        d = c.dossier or {}
        owner = owners.get(d["code"])
        if owner is not None and owner[0] == d["uid"]:
            continue  # the same dossier, already materialised
        holder = f" (held by device {owner[1]})" if owner else " (uid used by another code)"
        batch.reject(c.ev, RejectReason.CODE_COLLISION, f"{d['code']}{holder}")
        bad.add(c.event_id)
    return [c for c in items if c.event_id not in bad], inserted


def _insert_events(conn: Connection, batch: _Batch,
                   items: list[CheckedEvent]) -> list[tuple[CheckedEvent, int]]:
    if not items:
        return []
    at = to_db(batch.now)
    rows = [{"event_id": c.event_id, "device_id": batch.dev.device_id,
             "device_seq": c.ev.device_seq, "ward_id": batch.dev.ward_id,
             "entity_type": c.ev.entity_type, "entity_uid": c.ev.entity_uid, "type": c.ev.type,
             "payload": c.ev.payload, "payload_hash": c.ev.payload_hash,
             "device_time": to_db(c.ev.device_time), "received_at": at, "state": "applied"}
            for c in items]
    got: dict[str, int] = _pairs(insert_ignore(conn, EVENTS, rows,
                                               returning=["event_id", "id"]))
    applied = [(c, int(got[c.event_id])) for c in items if c.event_id in got]
    lost = [c for c in items if c.event_id not in got]
    if lost:  # a concurrent push of the same events won the race: classify them again
        # Anything still unclassified is left out of every list: unsettled, the device resends.
        _split_known(conn, batch, lost)
    return applied


def _record_side_rows(conn: Connection, batch: _Batch) -> None:
    insert_ignore(conn, REJECTIONS, batch.rejection_rows)
    insert_ignore(conn, QUARANTINE, batch.quarantine_rows)


def _flags(old: str, *, add: Iterable[str] = (), drop: Iterable[str] = ()) -> str:
    flags = {f for f in old.split(",") if f} | set(add)
    return ",".join(sorted(flags - set(drop)))


def apply(conn: Connection, dev: DeviceContext, device_row: RowMapping, req: PushRequest, *,
          now: datetime, ip: str = "", invalid: Sequence[BadItem] = ()) -> PushOutcome:
    """Apply a batch inside the caller's transaction, whose first act locked the device row
    (``device_row``: its values as locked); invalid items (``invalid``: those whose envelope
    did not even parse) are rejected one by one. The caller commits, then replies."""
    batch = _Batch(dev=dev, now=now)
    for bad in invalid:
        batch.reject_id(bad.event_id, bad.device_seq, RejectReason.INVALID_EVENT, bad.detail)
    items = _precheck(req, batch)
    skew = (req.client_time - now).total_seconds()
    items = _split_known(conn, batch, items)
    items, made = _materialise(conn, batch, items)
    applied = _insert_events(conn, batch, items)
    orphans = made - {(c.dossier or {}).get("code") for c, _ in applied}
    if orphans:  # dossiers of events that lost a race: not ours to keep
        conn.execute(delete(DOSSIERS).where(DOSSIERS.c.ward_id == dev.ward_id,
                                            DOSSIERS.c.code.in_(orphans)))
    batch.acked.extend(c.ev.event_id for c, _ in applied)
    _record_side_rows(conn, batch)
    seq = settle_fast(conn, dev.device_id, watermark=int(device_row["last_applied_seq"]),
                      max_seen=int(device_row["max_seq_seen"]),
                      new_seqs={c.ev.device_seq for c, _ in applied}
                      | {int(r["device_seq"]) for r in batch.rejection_rows})
    add = ["clone_suspected"] if batch.clone_notes else []
    add += ["gap"] if seq.gaps else []
    add += ["clock_skew"] if abs(skew) > SKEW_WARN_SECONDS else []
    drop = [f for f in ("gap", "clock_skew") if f not in add]
    conn.execute(update(DEVICES).where(DEVICES.c.device_id == dev.device_id).values(
        last_seen_at=to_db(now), clock_skew_s=skew, last_ip=ip,
        last_applied_seq=seq.last_applied_seq, max_seq_seen=seq.max_seq_seen,
        flags=_flags(str(device_row["flags"]), add=add, drop=drop)))
    # Last lock taken: the ward row, held only for the commit (see changelog.py).
    changelog.append(conn, ward_id=dev.ward_id, now=now, entries=[
        {"kind": "event", "origin_device_id": dev.device_id, "payload": "{}",
         "event_ref": pk} for _, pk in sorted(applied, key=lambda a: a[0].ev.device_seq)])
    result = PushResult(
        acked=batch.acked, duplicates=batch.duplicates, conflicts=batch.conflicts,
        rejected=batch.rejected, gaps=seq.gaps, last_applied_seq=seq.last_applied_seq,
        server_time=now, clock_skew_seconds=skew)
    return PushOutcome(result=result, clone_notes=batch.clone_notes)
