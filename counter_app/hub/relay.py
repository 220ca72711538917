"""On the hub: the ward's relay, speaking ``motcua-sync/1`` to the counters.

Counters push their outbox here exactly as they would upstream; the hub keeps every event once
(``event_id`` unique, ``(device_id, device_seq)`` unique), replies only after it committed, and
serves the events to the ward's other PCs from its own change log (``hub_relay.seq``, assigned
by SQLite's single writer, so a cursor can never skip a row). The same rows are the hub's
outbox towards upstream (:mod:`counter_app.hub.forward`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from counter_app.domain.canonical import payload_hash
from counter_app.domain.clock import from_db, to_db
from counter_app.sync.protocol import (
    Change,
    ChangesPage,
    CodeRangeOut,
    DeviceStatus,
    Gap,
    ItemVerdict,
    PushRequest,
    PushResult,
    RejectReason,
)

_COLS = ("event_id", "device_id", "device_seq", "entity_type", "entity_uid", "type", "payload",
         "payload_hash", "device_time")


def ingest(engine: Engine, req: PushRequest, now: datetime) -> PushResult:
    """Store a batch of one device in one transaction; the verdict after the commit."""
    device = str(req.device_id)
    acked, dups = [], []
    conflicts: list[ItemVerdict] = []
    rejected: list[ItemVerdict] = []
    with engine.begin() as c:
        for ev in req.events:
            if payload_hash(ev.payload) != ev.payload_hash:
                rejected.append(ItemVerdict(event_id=ev.event_id, reason=RejectReason.BAD_HASH))
                continue
            have = c.execute(text("SELECT payload_hash FROM hub_relay WHERE event_id = :e"),
                             {"e": str(ev.event_id)}).first()
            if have is not None:
                if have[0] == ev.payload_hash:
                    dups.append(ev.event_id)
                else:
                    conflicts.append(ItemVerdict(event_id=ev.event_id, reason="conflict",
                                                 detail="another payload under this event_id"))
                continue
            taken = c.execute(text("SELECT 1 FROM hub_relay WHERE device_id = :d "
                                   "AND device_seq = :s"),
                              {"d": device, "s": ev.device_seq}).first()
            if taken is not None:
                rejected.append(ItemVerdict(event_id=ev.event_id, reason=RejectReason.SEQ_REUSED))
                continue
            c.execute(text(
                f"INSERT INTO hub_relay({', '.join(_COLS)}, received_at) VALUES "
                f"({', '.join(':' + k for k in _COLS)}, :at)"),
                {"event_id": str(ev.event_id), "device_id": device,
                 "device_seq": ev.device_seq, "entity_type": ev.entity_type,
                 "entity_uid": ev.entity_uid, "type": ev.type, "payload": ev.payload,
                 "payload_hash": ev.payload_hash, "device_time": to_db(ev.device_time),
                 "at": to_db(now)})
            acked.append(ev.event_id)
        last, _, gaps = _progress(c, device)
    return PushResult(acked=acked, duplicates=dups, conflicts=conflicts, rejected=rejected,
                      gaps=gaps, last_applied_seq=last, server_time=now,
                      clock_skew_seconds=(req.client_time - now).total_seconds())


def _progress(c: Connection, device: str) -> tuple[int, int, list[Gap]]:
    """(contiguous seq from 1, highest seq, open gaps) the hub holds for a device."""
    seqs = [int(r[0]) for r in c.execute(text(
        "SELECT device_seq FROM hub_relay WHERE device_id = :d ORDER BY device_seq"),
        {"d": device})]
    gaps: list[Gap] = []
    expected, last = 1, 0
    for s in seqs:
        if s != expected:
            gaps.append(Gap(expected=expected, got=s))
        elif not gaps:
            last = s
        expected = s + 1
    return last, (seqs[-1] if seqs else 0), gaps[:50]


def status(engine: Engine, device_id: str, *, ward_code: str, ward_name: str,
           now: datetime) -> DeviceStatus:
    """What the hub holds of a device (the counter settles lost replies with it)."""
    with engine.connect() as c:
        last, top, gaps = _progress(c, device_id)
        c.rollback()
    return DeviceStatus(device_id=device_id, device_name="", ward_code=ward_code,
                        ward_name=ward_name, counter_no=0,
                        code_range=CodeRangeOut(start=0, end=0), last_applied_seq=last,
                        max_seq_seen=top, open_gaps=gaps, server_time=now)


def changes(engine: Engine, *, device_id: str, cursor: int, limit: int,
            now: datetime) -> ChangesPage:
    """The ward's events after ``cursor`` without the caller's own (it has them)."""
    with engine.connect() as c:
        rows = c.execute(text(
            f"SELECT seq, {', '.join(_COLS)}, received_at FROM hub_relay WHERE seq > :c "
            "ORDER BY seq LIMIT :n"), {"c": cursor, "n": limit}).all()
        top = c.execute(text("SELECT COALESCE(MAX(seq), 0) FROM hub_relay")).scalar_one()
        c.rollback()
    out = [Change(seq=int(r[0]), kind="event", origin_device_id=r[2],
                  created_at=from_db(r[10]), payload=dict(zip(_COLS, r[1:10], strict=True)))
           for r in rows if r[2] != device_id]
    nxt = int(rows[-1][0]) if rows else cursor
    return ChangesPage(changes=out, next_cursor=nxt, has_more=len(rows) == limit,
                       last_seq=int(top), server_time=now)


def backlog(engine: Engine) -> dict[str, int]:
    """Relayed events per upstream state (``pending`` is the hub's outbox backlog)."""
    with engine.connect() as c:
        rows = c.execute(text("SELECT upstream_state, COUNT(*) FROM hub_relay "
                              "GROUP BY upstream_state")).all()
        c.rollback()
    out = {"pending": 0, "acked": 0, "rejected": 0}
    out.update({str(k): int(v) for k, v in rows})
    return out
