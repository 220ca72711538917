"""The device-side reads and writes of sync, each one local transaction.

Nothing here talks to the network. The outbox is streamed in keyset batches (never loaded
whole, SYNC.md case 21); a push reply is applied in one transaction; a pulled page and the
cursor that follows it commit together (case 17).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from counter_app.domain.canonical import payload_hash
from counter_app.domain.catalogue import parse_procedure_items
from counter_app.domain.clock import local_day, to_db
from counter_app.domain.text import fold
from counter_app.services.catalogue_versions import import_versions_on
from counter_app.services.changes import NO_CHANGES, Changes
from counter_app.sync.protocol import (
    Change,
    ChangesPage,
    DossierRecord,
    Gap,
    PushResult,
    RejectReason,
)
from db.dossiers import NewDossier, insert_dossiers
from db.engine import read_session
from db.models import SyncState

log = logging.getLogger(__name__)

ACTIVE = ("pending", "sending")  # "sending" is never written by this pump; old rows may have it


@dataclass(frozen=True)
class OutboxRow:
    """One event as it goes on the wire (``device_seq`` already shifted to the identity)."""

    local_seq: int
    wire: dict[str, Any]
    attempts: int = 0  # push attempts before this read (timeouts, 5xx, resends)


@dataclass(frozen=True)
class PushApplied:
    """What one reply did locally."""

    acked: int
    rejected: int
    retry: int  # unsettled, or damaged in transit: stays pending


@dataclass(frozen=True)
class AttentionItem:
    """An event that needs a person: rejected or conflicting on the server, or stranded."""

    device_seq: int
    event_id: str
    type: str
    entity_uid: str
    error: str
    device_time: str


def load_state(engine: Engine) -> SyncState | None:
    """The enrolment row, detached (None when the device was never enrolled)."""
    with read_session(engine) as s:
        st = s.get(SyncState, 1)
        if st is not None:
            s.expunge(st)
        return st


def update_state(engine: Engine, **values: Any) -> None:
    """Set columns of the sync_state row."""
    if not values:
        return
    cols = ", ".join(f"{k} = :{k}" for k in values)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE sync_state SET {cols} WHERE id = 1"), values)


def next_batch(engine: Engine, *, after_local_seq: int, offset: int, limit: int) -> list[OutboxRow]:
    """The next ``limit`` undelivered events after ``after_local_seq``, in device order."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT event_id, device_seq, entity_type, entity_uid, type, payload, payload_hash, "
            "device_time, attempts FROM event WHERE state IN ('pending', 'sending') AND device_seq > :a "
            "ORDER BY device_seq LIMIT :n"), {"a": max(after_local_seq, offset), "n": limit}).all()
        conn.rollback()
    return [OutboxRow(int(r[1]), {
        "event_id": r[0], "device_seq": int(r[1]) - offset, "entity_type": r[2],
        "entity_uid": r[3], "type": r[4], "payload": r[5], "payload_hash": r[6],
        "device_time": r[7]}, int(r[8] or 0)) for r in rows]


def apply_push_result(engine: Engine, sent: Sequence[OutboxRow], result: PushResult, *,
                      now: datetime, transient_limit: int) -> PushApplied:
    """Mark acked / rejected / still pending for every event of a batch, in one transaction."""
    by_id = {r.wire["event_id"]: r for r in sent}
    acked = {str(u) for u in (*result.acked, *result.duplicates)} & by_id.keys()
    verdicts = {str(v.event_id): f"{v.reason}: {v.detail}".strip(": ")
                for v in (*result.rejected, *result.conflicts)}
    reasons = {str(v.event_id): v.reason for v in (*result.rejected, *result.conflicts)}
    at = to_db(now)
    rejected, retry = 0, 0
    with engine.begin() as conn:
        attempts = _attempts(conn, list(by_id))
        if acked:
            conn.execute(text("UPDATE event SET state = 'acked', acked_at = :at, "
                              "attempts = attempts + 1, last_error = '' WHERE event_id = :id"),
                         [{"at": at, "id": i} for i in acked])
        rows = []
        for eid, row in by_id.items():
            if eid in acked:
                continue
            if eid not in verdicts:
                rows.append({"id": eid, "st": "pending", "err": "unsettled: resend"})
                retry += 1
                continue
            in_transit = (reasons[eid] == RejectReason.BAD_HASH and payload_hash(
                row.wire["payload"]) == row.wire["payload_hash"])
            if in_transit and attempts.get(eid, 0) + 1 < transient_limit:
                rows.append({"id": eid, "st": "pending",
                             "err": "bad_hash: damaged in transit, resend"})
                retry += 1
            else:
                rows.append({"id": eid, "st": "rejected", "err": verdicts[eid][:500]})
                rejected += 1
        if rows:
            conn.execute(text("UPDATE event SET state = :st, attempts = attempts + 1, "
                              "last_error = :err WHERE event_id = :id"), rows)
    return PushApplied(len(acked), rejected, retry)


def _attempts(conn: Connection, ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join(f":p{j}" for j in range(len(chunk)))
        out.update({r[0]: int(r[1]) for r in conn.execute(text(
            f"SELECT event_id, attempts FROM event WHERE event_id IN ({marks})"),
            {f"p{j}": v for j, v in enumerate(chunk)})})
    return out


def attempts_of(engine: Engine, event_ids: Sequence[str]) -> dict[str, int]:
    """How many times each event was sent (any outcome)."""
    with engine.connect() as conn:
        out = _attempts(conn, list(event_ids))
        conn.rollback()
    return out


def note_attempt(engine: Engine, sent: Iterable[OutboxRow], error: str) -> None:
    """The outcome of a push is unknown: count the attempt, keep the events pending."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET attempts = attempts + 1, last_error = :e "
                          "WHERE event_id = :id AND state IN ('pending', 'sending')"),
                     [{"e": error[:500], "id": r.wire["event_id"]} for r in sent])


def reject_locally(engine: Engine, event_ids: Iterable[str], error: str) -> int:
    """List events for attention without the server's verdict (413/422 alone, 403 foreign,
    a 5xx every time it is sent alone while the server takes the others)."""
    params = [{"e": error[:500], "id": i} for i in event_ids]
    if not params:
        return 0
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET state = 'rejected', attempts = attempts + 1, "
                          "last_error = :e WHERE event_id = :id"), params)
    return len(params)


def requeue_lost(engine: Engine, *, offset: int, max_seen: int, gaps: Sequence[Gap]) -> int:
    """Acked events the server no longer holds (restored from an older backup, case 22) go
    back to pending: those above ``max_seen`` and those inside an open gap."""
    clauses = ["(device_seq - :off) > :mx"]
    params: dict[str, int] = {"off": offset, "mx": max_seen}
    for i, g in enumerate(gaps[:50]):
        clauses.append(f"(device_seq - :off) BETWEEN :g{i}a AND :g{i}b")
        params[f"g{i}a"], params[f"g{i}b"] = g.expected, g.got - 1
    with engine.begin() as conn:
        n = conn.execute(text(
            "UPDATE event SET state = 'pending', acked_at = NULL, "
            "last_error = 'server no longer holds it: resend' WHERE state = 'acked' "
            f"AND device_seq > :off AND ({' OR '.join(clauses)})"), params).rowcount
    return int(n or 0)


def max_acked_wire_seq(engine: Engine, offset: int) -> int:
    """The highest wire seq this identity holds as acked."""
    with engine.connect() as conn:
        v = conn.execute(text("SELECT MAX(device_seq) FROM event WHERE state = 'acked' "
                              "AND device_seq > :o"), {"o": offset}).scalar()
        conn.rollback()
    return int(v) - offset if v is not None else 0


def counts(engine: Engine, offset: int = 0) -> dict[str, int]:
    """Events per delivery state; ``stranded`` = pending events of a previous identity."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT CASE WHEN state IN ('pending', 'sending') AND device_seq <= :o "
            "THEN 'stranded' WHEN state = 'sending' THEN 'pending' ELSE state END, COUNT(*) "
            "FROM event GROUP BY 1"), {"o": offset}).all()
        conn.rollback()
    out = {"pending": 0, "acked": 0, "rejected": 0, "stranded": 0}
    out.update({str(k): int(v) for k, v in rows})
    return out


def attention(engine: Engine, offset: int = 0, limit: int = 500) -> list[AttentionItem]:
    """Rejected events (with the server's reason) and events stranded by an identity change."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT device_seq, event_id, type, entity_uid, last_error, device_time FROM event "
            "WHERE state = 'rejected' OR (state IN ('pending', 'sending') AND device_seq <= :o) "
            "ORDER BY device_seq LIMIT :n"), {"o": offset, "n": limit}).all()
        conn.rollback()
    return [AttentionItem(int(r[0]), r[1], r[2], r[3], r[4] or "thuộc danh tính cũ", r[5])
            for r in rows]


# -- pull -------------------------------------------------------------------------------------

Checkpoint = Callable[[str], None]


@dataclass(frozen=True)
class PageApplied:
    """What applying one pulled page did: local rows changed, and what for the screens."""

    rows: int
    changes: Changes


def apply_page(engine: Engine, page: ChangesPage, *, own_device_id: str, now: datetime,
               checkpoint: Checkpoint,
               save_cursor: Callable[[Connection, int], None] | None = None) -> PageApplied:
    """Apply one page of the ward's change log and store its cursor, in one transaction.

    ``save_cursor`` stores the cursor of another log (the ward hub's) instead of upstream's."""
    at, today = to_db(now), local_day(now)
    applied, changes = 0, NO_CHANGES
    with engine.begin() as conn:
        for ch in page.changes:
            # Each change in its own savepoint: one malformed entry is kept for attention
            # (applied = false) instead of failing the page, and the cursor still advances.
            try:
                with conn.begin_nested():
                    n = _apply_change(conn, ch, own_device_id=own_device_id, at=at, today=today)
            except Exception as exc:  # any bad payload is kept for attention, never fatal
                log.warning("pulled change %s (%s) not applied: %s", ch.seq, ch.kind,
                            type(exc).__name__)
                _keep(conn, ch.seq, ch.kind, ch.payload, at, applied=False)
                continue
            applied += n
            if n:
                changes |= _changes_of(ch)
        released = release_parked(conn, at)  # procedures this page (or an import) brought
        if released:
            applied += released
            changes |= Changes(dossier_list=True)
        if save_cursor is not None:
            save_cursor(conn, page.next_cursor)
        else:
            conn.execute(text("UPDATE sync_state SET pull_cursor = :c WHERE id = 1"),
                         {"c": page.next_cursor})
        checkpoint("pull_before_commit")
    return PageApplied(applied, changes)


def _changes_of(ch: Change) -> Changes:
    p = ch.payload
    if ch.kind == "calendar.override":
        return Changes(calendar=True)
    if ch.kind == "catalogue.procedure":
        return Changes(procedures=True)
    uid = str(p.get("entity_uid") if ch.kind == "event" else p.get("uid", ""))
    return Changes(dossiers=frozenset({uid} - {""}), dossier_list=True)


def _apply_change(conn: Connection, ch: Change, *, own_device_id: str, at: str,
                  today: date) -> int:
    """Apply one change; returns how many local rows it changed."""
    p = ch.payload
    if ch.kind == "event":
        if p.get("device_id") == own_device_id:
            return 0  # our own event relayed back (e.g. after a restore): we have it
        return _remote_event(conn, ch.seq, p, at)
    if ch.kind == "dossier.status":
        return _status(conn, ch.seq, p, at)
    if ch.kind == "dossier.upsert":
        rec = DossierRecord.model_validate(p)
        n = _upsert(conn, rec, at)
        applied = bool(n) or _has_dossier(conn, rec)
        if not applied:  # the procedure is unknown here (the catalogue is behind): park it
            _park(conn, rec, ch.seq, at)
        _keep(conn, ch.seq, ch.kind, p, at, applied=applied)
        return n
    if ch.kind == "calendar.override":
        return _calendar(conn, ch.seq, p, at)
    if ch.kind == "catalogue.procedure":
        return _catalogue(conn, ch.seq, p, at, today)
    _keep(conn, ch.seq, ch.kind, p, at, applied=False)  # kinds a newer server adds
    return 0


def _keep(conn: Connection, seq: int, kind: str, payload: dict[str, Any], at: str, *,
          applied: bool) -> None:
    conn.execute(text("INSERT INTO pulled_change(seq, kind, payload, applied, pulled_at) "
                      "VALUES (:s, :k, :p, :a, :t) ON CONFLICT(seq) DO UPDATE SET "
                      "kind = excluded.kind, payload = excluded.payload, "
                      "applied = excluded.applied"),
                 {"s": seq, "k": kind, "p": json.dumps(payload, ensure_ascii=False),
                  "a": applied, "t": at})


def _remote_event(conn: Connection, seq: int, p: dict[str, Any], at: str) -> int:
    n = conn.execute(text(
        "INSERT INTO remote_event(event_id, device_id, device_seq, entity_type, entity_uid, "
        "type, payload, payload_hash, device_time, change_seq, pulled_at) VALUES (:event_id, "
        ":device_id, :device_seq, :entity_type, :entity_uid, :type, :payload, :payload_hash, "
        ":device_time, :seq, :at) ON CONFLICT(event_id) DO NOTHING"),
        {**{k: p.get(k) for k in ("event_id", "device_id", "device_seq", "entity_type",
                                  "entity_uid", "type", "payload", "payload_hash",
                                  "device_time")}, "seq": seq, "at": at}).rowcount
    if n and p.get("type") == "dossier.received":
        # A payload we cannot read stays a remote event; the dossier list just won't show it.
        with contextlib.suppress(ValueError):
            rec = DossierRecord.model_validate_json(str(p.get("payload")))
            if not _upsert(conn, rec, at) and not _has_dossier(conn, rec):
                _park(conn, rec, seq, at)  # procedure unknown here: applied when it arrives
    return int(n or 0)


def _procedure_id(conn: Connection, code: str) -> int | None:
    v = conn.execute(text("SELECT id FROM procedure WHERE code = :c "
                          "ORDER BY effective_from DESC LIMIT 1"), {"c": code}).scalar()
    return int(v) if v is not None else None


def _has_dossier(conn: Connection, rec: DossierRecord) -> bool:
    return conn.execute(text("SELECT 1 FROM dossier WHERE uid = :u OR code = :c"),
                        {"u": str(rec.uid), "c": rec.code.strip().upper()}).first() is not None


def _upsert(conn: Connection, rec: DossierRecord, at: str) -> int:
    """Insert a dossier of this ward made elsewhere (another counter, online) if new."""
    if _has_dossier(conn, rec):
        return 0
    proc = _procedure_id(conn, rec.procedure_code)
    if proc is None:
        return 0  # procedure unknown here (catalogue behind): the remote event keeps the data
    values = {**rec.stored(), "procedure_id": proc, "applicant_folded": fold(rec.applicant_name),
              "original_due_at": to_db(rec.due_at), "created_at": at, "updated_at": at}
    insert_dossiers(conn, [NewDossier(values, [c.model_dump() for c in rec.components])])
    return 1


# -- pulled dossiers waiting for their procedure -------------------------------------------


def _park(conn: Connection, rec: DossierRecord, seq: int, at: str) -> None:
    conn.execute(text(
        "INSERT INTO parked_dossier(uid, code, procedure_code, record, change_seq, parked_at) "
        "VALUES (:u, :c, :p, :r, :s, :t) ON CONFLICT(uid) DO NOTHING"),
        {"u": str(rec.uid), "c": rec.code, "p": rec.procedure_code,
         "r": rec.model_dump_json(), "s": seq, "t": at})


def release_parked(conn: Connection, at: str) -> int:
    """Insert the parked dossiers whose procedure is now known, inside the caller's
    transaction (a pulled page, a catalogue import); returns how many were inserted."""
    rows = conn.execute(text(
        "SELECT uid, record, change_seq FROM parked_dossier p WHERE EXISTS "
        "(SELECT 1 FROM procedure WHERE code = p.procedure_code)")).all()
    inserted = 0
    for uid, record, seq in rows:
        try:
            with conn.begin_nested():
                inserted += _upsert(conn, DossierRecord.model_validate_json(record), at)
                conn.execute(text("DELETE FROM parked_dossier WHERE uid = :u"), {"u": uid})
                conn.execute(text("UPDATE pulled_change SET applied = 1 WHERE seq = :s AND "
                                  "kind = 'dossier.upsert'"), {"s": seq})
        except Exception as exc:  # one bad record stays parked; the others are applied
            log.warning("parked dossier %s not applied: %s", uid, type(exc).__name__)
    return inserted


def parked_count(engine: Engine) -> int:
    """Pulled dossiers waiting for their procedure (shown to the official)."""
    with engine.connect() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM parked_dossier")).scalar_one()
        conn.rollback()
    return int(n)


def _status(conn: Connection, seq: int, p: dict[str, Any], at: str) -> int:
    """A status decided upstream: the server's field, applied as is (idempotent)."""
    n = conn.execute(text(
        "UPDATE dossier SET status = :st, finished_at = COALESCE(:fin, finished_at), "
        "returned_at = COALESCE(:ret, returned_at), updated_at = :at "
        "WHERE code = :code OR uid = :uid"),
        {"st": int(p["status"]), "fin": p.get("finished_at"), "ret": p.get("returned_at"),
         "at": at, "code": str(p.get("code", "")).upper(), "uid": str(p.get("uid", ""))}
    ).rowcount
    _keep(conn, seq, "dossier.status", p, at, applied=bool(n))
    return int(n or 0)


def _calendar(conn: Connection, seq: int, p: dict[str, Any], at: str) -> int:
    day, kind = p.get("day"), p.get("kind")
    ok = isinstance(day, str) and kind in ("day_off", "working_day")
    if ok:
        conn.execute(text("INSERT INTO calendar_override(day, kind, name, source) VALUES "
                          "(:d, :k, :n, 'upstream') ON CONFLICT(day) DO UPDATE SET "
                          "kind = excluded.kind, name = excluded.name, source = 'upstream'"),
                     {"d": day, "k": kind, "n": str(p.get("name", ""))})
    _keep(conn, seq, "calendar.override", p, at, applied=ok)
    return int(ok)


class CatalogueChangeRejected(ValueError):
    """A pulled procedure version the catalogue's rules refuse (kept with applied = false)."""


def _catalogue(conn: Connection, seq: int, p: dict[str, Any], at: str, today: date) -> int:
    """A procedure version published upstream, through the catalogue's own import rules: a new
    version from its effective date, never an edit of the version in force."""
    records, bad = parse_procedure_items([p])
    report = import_versions_on(conn, records, today=today)
    reasons = [r for row in (*bad, *report.rejected) for r in row.reasons]
    if reasons:
        raise CatalogueChangeRejected("; ".join(reasons))
    _keep(conn, seq, "catalogue.procedure", p, at, applied=True)
    return report.added + report.updated
