"""Working-calendar overrides decided upstream (a day off, a swapped working day), kept per
ward and published to its counters as ``calendar.override``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from counter_app.domain.clock import to_db
from counter_app.domain.errors import TextInvalid
from counter_app.domain.text import clean_text
from counter_app.sync.protocol import CalendarOverrideChange, CalendarOverrideIn, CalendarPublished
from district_server import audit
from district_server.services import changelog
from district_server.services.upstream import PublicationRefused, WardRef, lock_wards
from district_server.tables import CALENDAR, WARDS

NAME_MAX = 120  # as the counter's own calendar editor


@dataclass(frozen=True)
class OverridePublic:
    """One line of ``district-server calendar list``."""

    ward_code: str
    day: str
    kind: str
    name: str
    updated_at: str


def _change(body: CalendarOverrideIn) -> CalendarOverrideChange:
    try:
        name = clean_text(body.name, field="name", max_len=NAME_MAX, required=True)
    except TextInvalid as exc:
        raise PublicationRefused("invalid_calendar", "The override's name is not usable.",
                                 [f"name: {exc.problem}"]) from None
    return CalendarOverrideChange(day=body.day, kind=body.kind, name=name)


def set_override(engine: Engine, body: CalendarOverrideIn, *, now: datetime,
                 actor: str = "admin") -> CalendarPublished:
    """Store the override for each ward and append one ``calendar.override`` per ward whose
    override changed (setting the same one again writes nothing)."""
    change = _change(body)
    changed: list[str] = []
    unchanged: list[str] = []
    with engine.begin() as conn:
        for w in lock_wards(conn, body.wards):
            if _store(conn, w, change, now):
                changelog.append(conn, ward_id=w.id, now=now, entries=[{
                    "kind": "calendar.override", "origin_device_id": None,
                    "payload": change.model_dump_json()}])
                changed.append(w.code)
            else:
                unchanged.append(w.code)
    if changed:
        audit.record(engine, now=now, actor=actor, action="calendar.override",
                     ward_code=changed[0] if len(changed) == 1 else None,
                     reason=f"{change.day} {change.kind} {change.name} -> {', '.join(changed)}")
    return CalendarPublished(override=change, changed=changed, unchanged=unchanged)


def _store(conn: Connection, w: WardRef, change: CalendarOverrideChange, now: datetime) -> bool:
    """Insert or update the ward's override of that day; False if it was already this one."""
    day, at = change.day.isoformat(), to_db(now)
    row = conn.execute(select(CALENDAR.c.id, CALENDAR.c.kind, CALENDAR.c.name).where(
        CALENDAR.c.ward_id == w.id, CALENDAR.c.day == day)).first()
    if row is not None and (row.kind, row.name) == (change.kind, change.name):
        return False
    if row is None:
        conn.execute(insert(CALENDAR).values(ward_id=w.id, day=day, kind=change.kind,
                                             name=change.name, created_at=at, updated_at=at))
    else:
        conn.execute(update(CALENDAR).where(CALENDAR.c.id == row.id).values(
            kind=change.kind, name=change.name, updated_at=at))
    return True


def list_overrides(engine: Engine, *, ward: str | None = None) -> list[OverridePublic]:
    """Overrides by ward, then day (optionally one ward)."""
    stmt = (select(WARDS.c.agency_code, CALENDAR.c.day, CALENDAR.c.kind, CALENDAR.c.name,
                   CALENDAR.c.updated_at).join(WARDS, WARDS.c.id == CALENDAR.c.ward_id)
            .order_by(WARDS.c.agency_code, CALENDAR.c.day))
    if ward:
        stmt = stmt.where(WARDS.c.agency_code == ward.strip().upper())
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
        conn.rollback()
    return [OverridePublic(*r) for r in rows]
