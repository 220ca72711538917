"""Appending to the event log / outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.clock import to_db
from db.models import DeviceState, Event


@dataclass(frozen=True)
class EventDraft:
    """What a service wants recorded; identity and order are added here."""

    entity_type: str
    entity_uid: str
    type: str
    payload: Mapping[str, Any]


def device_state(session: Session) -> DeviceState:
    """The single device row (created at first-run setup)."""
    state = session.get(DeviceState, 1)
    if state is None:
        raise LookupError("device_state missing: run first-run setup")
    return state


def _event_values(draft: EventDraft, *, seq: int, device_id: str, now: datetime,
                  official_id: int | None) -> dict[str, Any]:
    body = canonical_json(draft.payload)
    return {
        "event_id": str(uuid.uuid4()), "device_id": device_id, "device_seq": seq,
        "entity_type": draft.entity_type, "entity_uid": draft.entity_uid, "type": draft.type,
        "payload": body, "payload_hash": payload_hash(body), "device_time": to_db(now),
        "official_id": official_id,
    }


def _take_seqs(conn: Connection | Session, n: int) -> tuple[int, str]:
    # The UPDATE … RETURNING bumps the counter under the write lock (BEGIN IMMEDIATE), so two
    # writers can never take the same number and a rollback gives the number back.
    row = conn.execute(
        text("UPDATE device_state SET last_device_seq = last_device_seq + :n WHERE id = 1 "
             "RETURNING last_device_seq, device_id"), {"n": n}
    ).one()
    return int(row.last_device_seq) - n + 1, str(row.device_id)


def append_event(
    session: Session, draft: EventDraft, *, now: datetime, official_id: int | None
) -> Event:
    """Add one event with the next gapless device sequence, in the caller's transaction."""
    seq, device_id = _take_seqs(session, 1)
    event = Event(**_event_values(draft, seq=seq, device_id=device_id, now=now,
                                  official_id=official_id))
    session.add(event)
    return event


@dataclass(frozen=True)
class TimedDraft:
    """A draft with its own time and official (bulk appends: the demo seed)."""

    draft: EventDraft
    now: datetime
    official_id: int | None


def append_events(conn: Connection, items: Sequence[TimedDraft]) -> None:
    """Add many events with consecutive device sequences, in the caller's transaction."""
    if not items:
        return
    first, device_id = _take_seqs(conn, len(items))
    conn.execute(insert(Event.__table__), [  # type: ignore[attr-defined]
        _event_values(i.draft, seq=first + n, device_id=device_id, now=i.now,
                      official_id=i.official_id) for n, i in enumerate(items)])


def pending_events(session: Session, *, limit: int) -> list[Event]:
    """The oldest events not yet acked or rejected, in device order."""
    stmt = (
        select(Event)
        .where(Event.state.in_(("pending", "sending")))  # type: ignore[attr-defined]
        .order_by(Event.device_seq)  # type: ignore[arg-type]
        .limit(limit)
    )
    return list(session.exec(stmt))


def count_by_state(session: Session) -> dict[str, int]:
    """How many events are in each delivery state."""
    rows = session.execute(text("SELECT state, COUNT(*) FROM event GROUP BY state")).all()
    return {str(state): int(n) for state, n in rows}
