"""Appending to the event log / outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
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


def append_event(
    session: Session, draft: EventDraft, *, now: datetime, official_id: int | None
) -> Event:
    """Add one event with the next gapless device sequence, in the caller's transaction."""
    # The UPDATE … RETURNING bumps the counter under the write lock (BEGIN IMMEDIATE), so two
    # writers can never take the same number and a rollback gives the number back.
    row = session.execute(
        text("UPDATE device_state SET last_device_seq = last_device_seq + 1 WHERE id = 1 "
             "RETURNING last_device_seq, device_id")
    ).one()
    body = canonical_json(draft.payload)
    event = Event(
        event_id=str(uuid.uuid4()),
        device_id=row.device_id,
        device_seq=row.last_device_seq,
        entity_type=draft.entity_type,
        entity_uid=draft.entity_uid,
        type=draft.type,
        payload=body,
        payload_hash=payload_hash(body),
        device_time=to_db(now),
        official_id=official_id,
    )
    session.add(event)
    return event


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
