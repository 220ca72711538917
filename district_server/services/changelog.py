"""The ward's change log: dense per-ward seqs that commit in order (SYNC.md case 18).

Writers serialise per ward: a change-log write bumps ``wards.last_change_seq`` with
``UPDATE … RETURNING``, which holds that row's lock until the transaction commits. A second
writer of the same ward waits on the lock, so seq N+1 can only be taken after the transaction
holding N committed: seqs become visible in order, and a reader that has seen N can never later
find a row below N appear. Readers also cap each page at the ``last_change_seq`` they read
first (the horizon), so a row with a higher seq whose transaction is still running is not
waited for. (A global sequence with a "safe horizon" would need the oldest running writer's
seq, which PostgreSQL does not expose cheaply; per-ward serialisation costs only the short
tail of a push, and wards are independent.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, or_, select, text, update

from counter_app.domain.clock import from_db, to_db
from counter_app.sync.protocol import Change, ChangesPage
from district_server.bulk import insert_ignore
from district_server.tables import CHANGES, EVENTS, WARDS


def append(conn: Connection, *, ward_id: int, now: datetime,
           entries: Sequence[dict[str, Any]]) -> int:
    """Write entries (kind, origin_device_id, payload, event_ref); return the last seq."""
    if not entries:
        return 0
    rows = [{"kind": e["kind"], "origin_device_id": e.get("origin_device_id"),
             "payload": e.get("payload", "{}"), "event_ref": e.get("event_ref")}
            for e in entries]
    at = to_db(now)
    if conn.dialect.name == "postgresql":
        return _append_pg(conn, ward_id, at, rows)
    last = int(conn.execute(
        update(WARDS).where(WARDS.c.id == ward_id)
        .values(last_change_seq=WARDS.c.last_change_seq + len(rows))
        .returning(WARDS.c.last_change_seq)).scalar_one())
    first = last - len(rows) + 1
    insert_ignore(conn, CHANGES, [{**r, "ward_id": ward_id, "seq": first + i, "created_at": at}
                                  for i, r in enumerate(rows)],
                  conflict=False)
    return last


# The same two steps in one round trip: the UPDATE takes the ward row's lock and the seqs,
# the INSERT numbers the rows after it (``i`` is each row's place in the batch).
_APPEND_PG = text("""
WITH w AS (UPDATE wards SET last_change_seq = last_change_seq + :n WHERE id = :ward
           RETURNING last_change_seq)
INSERT INTO change_log (ward_id, seq, kind, origin_device_id, payload, event_ref, created_at)
SELECT :ward, w.last_change_seq - :n + r.i, r.kind, r.origin_device_id, r.payload,
       r.event_ref, :at
FROM w, json_to_recordset(CAST(:rows AS json))
     AS r(i bigint, kind text, origin_device_id text, payload text, event_ref bigint)
RETURNING seq""")


def _append_pg(conn: Connection, ward_id: int, at: str, rows: list[dict[str, Any]]) -> int:
    numbered = [{**r, "i": i} for i, r in enumerate(rows, start=1)]
    seqs = conn.execute(_APPEND_PG, {"n": len(rows), "ward": ward_id, "at": at,
                                     "rows": json.dumps(numbered, ensure_ascii=False)}
                        ).scalars().all()
    if len(seqs) != len(rows):  # no such ward: the UPDATE matched nothing
        raise LookupError(f"ward {ward_id} not found")
    return int(max(seqs))


def _event_payload(row: Any) -> dict[str, Any]:
    return {
        "event_id": row.e_event_id, "device_id": row.e_device_id, "device_seq": row.e_seq,
        "entity_type": row.e_entity_type, "entity_uid": row.e_entity_uid, "type": row.e_type,
        "payload": row.e_payload, "payload_hash": row.e_hash, "device_time": row.e_time,
    }


def page(engine: Engine, *, ward_id: int, device_id: str, cursor: int, limit: int,
         now: datetime) -> ChangesPage:
    """Changes after ``cursor`` up to the committed horizon, without the caller's own events."""
    with engine.connect() as conn:
        # Statement 1 reads the horizon; every seq at or below it is already committed, so
        # statement 2 (a fresh snapshot under READ COMMITTED) sees all of them.
        horizon = int(conn.execute(
            select(WARDS.c.last_change_seq).where(WARDS.c.id == ward_id)).scalar_one())
        rows = conn.execute(
            select(CHANGES.c.seq, CHANGES.c.kind, CHANGES.c.origin_device_id,
                   CHANGES.c.payload, CHANGES.c.created_at,
                   EVENTS.c.event_id.label("e_event_id"), EVENTS.c.device_id.label("e_device_id"),
                   EVENTS.c.device_seq.label("e_seq"),
                   EVENTS.c.entity_type.label("e_entity_type"),
                   EVENTS.c.entity_uid.label("e_entity_uid"), EVENTS.c.type.label("e_type"),
                   EVENTS.c.payload.label("e_payload"), EVENTS.c.payload_hash.label("e_hash"),
                   EVENTS.c.device_time.label("e_time"))
            .select_from(CHANGES.outerjoin(EVENTS, EVENTS.c.id == CHANGES.c.event_ref))
            .where(and_(CHANGES.c.ward_id == ward_id, CHANGES.c.seq > cursor,
                        CHANGES.c.seq <= horizon,
                        or_(CHANGES.c.origin_device_id.is_(None),
                            CHANGES.c.origin_device_id != device_id)))
            .order_by(CHANGES.c.seq).limit(limit + 1)).all()
        conn.rollback()
    has_more = len(rows) > limit
    rows = rows[:limit]
    changes = [Change(
        seq=r.seq, kind=r.kind, origin_device_id=r.origin_device_id,
        created_at=from_db(r.created_at),
        payload=_event_payload(r) if r.e_event_id is not None else json.loads(r.payload))
        for r in rows]
    # Without more rows, everything in (cursor, horizon] was scanned (own events included).
    next_cursor = rows[-1].seq if has_more else horizon
    return ChangesPage(changes=changes, next_cursor=next_cursor, has_more=has_more,
                       last_seq=horizon, server_time=now)
