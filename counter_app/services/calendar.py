"""The working calendar as data: public holidays, overrides, hours and no-appointment days.

Three layers, the later winning for a day: Vietnam's public holidays (the ``holidays``
package), the Government's announced day swaps shipped with the app
(``counter_app/data/calendar_vn.json``), and the overrides in the store (the ward admin's own
and those published upstream as ``calendar.override``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, time
from functools import lru_cache
from importlib import resources

from sqlalchemy import Engine
from sqlmodel import Session, select

from counter_app.domain.calendar import (
    CalendarOverride,
    OverrideKind,
    WorkingCalendar,
    WorkingHours,
    parse_swaps,
)
from counter_app.domain.clock import Clock
from counter_app.domain.text import clean_text
from counter_app.services.accounts import OfficialPublic, require_admin
from counter_app.services.errors import ValidationFailed
from db.engine import read_session, unit_of_work
from db.models import CalendarOverride as OverrideRow
from db.models import NoAppointmentRule, Setting
from db.outbox import EventDraft, append_event

HOURS_KEY = "calendar.working_hours"
SATURDAY_KEY = "calendar.saturday_reception"


def _hours_from_json(raw: str) -> WorkingHours:
    d = json.loads(raw)
    return WorkingHours(**{k: time.fromisoformat(v) for k, v in d.items()})


SWAPS_FILE = "calendar_vn.json"


@lru_cache(maxsize=1)
def shipped_swaps() -> tuple[CalendarOverride, ...]:
    """The announced day swaps shipped with the app (read once per process)."""
    return parse_swaps(resources.files("counter_app.data").joinpath(SWAPS_FILE).read_bytes())


def load_calendar(session: Session, *, on: date) -> WorkingCalendar:
    """Build the calendar in force on ``on`` from the database, inside any session.

    Stored overrides (local or upstream) come after the shipped swaps, so they win a day.
    """
    overrides = [*shipped_swaps()] + [
        CalendarOverride(date.fromisoformat(r.day), OverrideKind(r.kind), r.name)
        for r in session.exec(select(OverrideRow))
    ]
    hours_row = session.get(Setting, HOURS_KEY)
    sat_row = session.get(Setting, SATURDAY_KEY)
    no_appt: dict[int, set[str]] = {}
    iso = on.isoformat()
    for rule in session.exec(select(NoAppointmentRule)):
        if rule.effective_from <= iso and (rule.effective_to is None or iso < rule.effective_to):
            no_appt.setdefault(rule.weekday, set()).add(rule.procedure_code)
    return WorkingCalendar(
        overrides=overrides,
        hours=_hours_from_json(hours_row.value) if hours_row else WorkingHours(),
        saturday_reception=(sat_row.value == "1") if sat_row else True,
        no_appointment={k: frozenset(v) for k, v in no_appt.items()},
    )


class CalendarService:
    """Reads and edits the calendar; every edit is an event."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def calendar(self, *, on: date) -> WorkingCalendar:
        """The calendar in force on a day."""
        with read_session(self._engine) as s:
            return load_calendar(s, on=on)

    def overrides(self) -> list[CalendarOverride]:
        """All overrides, by day."""
        with read_session(self._engine) as s:
            rows = s.exec(select(OverrideRow).order_by(OverrideRow.day)).all()
            return [
                CalendarOverride(date.fromisoformat(r.day), OverrideKind(r.kind), r.name)
                for r in rows
            ]

    def set_override(self, by: OfficialPublic, override: CalendarOverride) -> None:
        """Add or replace the override of one day (admin only)."""
        require_admin(by, "sửa lịch làm việc")
        try:
            name = clean_text(override.name, field="name", max_len=120, required=True)
        except Exception as exc:
            raise ValidationFailed({"name": getattr(exc, "message_vi", str(exc))}) from exc
        with unit_of_work(self._engine) as s:
            row = s.get(OverrideRow, override.day.isoformat())
            if row is None:
                row = OverrideRow(day=override.day.isoformat(), kind=override.kind.value, name=name)
            row.kind, row.name = override.kind.value, name
            s.add(row)
            append_event(
                s,
                EventDraft(
                    "calendar",
                    override.day.isoformat(),
                    "calendar.override_set",
                    {"day": override.day.isoformat(), "kind": override.kind.value, "name": name},
                ),
                now=self._clock.now(),
                official_id=by.id,
            )

    def set_no_appointment(
        self, by: OfficialPublic, *, weekday: int, procedure_code: str, effective_from: date
    ) -> None:
        """List a procedure as returned the same day on a weekday ("ngày không hẹn")."""
        require_admin(by, "sửa lịch làm việc")
        if not 0 <= weekday <= 5:
            raise ValidationFailed({"weekday": "Ngày trong tuần không hợp lệ."})
        with unit_of_work(self._engine) as s:
            s.add(
                NoAppointmentRule(
                    weekday=weekday,
                    procedure_code=procedure_code,
                    effective_from=effective_from.isoformat(),
                )
            )
            append_event(
                s,
                EventDraft(
                    "calendar",
                    f"noappt:{weekday}:{procedure_code}",
                    "calendar.no_appointment_set",
                    {
                        "weekday": weekday,
                        "procedure_code": procedure_code,
                        "effective_from": effective_from.isoformat(),
                    },
                ),
                now=self._clock.now(),
                official_id=by.id,
            )

    def set_working_hours(self, by: OfficialPublic, hours: WorkingHours) -> None:
        """Change the office hours (admin only)."""
        require_admin(by, "sửa giờ làm việc")
        value = json.dumps({k: v.isoformat() for k, v in asdict(hours).items()})
        with unit_of_work(self._engine) as s:
            s.merge(Setting(key=HOURS_KEY, value=value))
            append_event(
                s,
                EventDraft("calendar", HOURS_KEY, "calendar.hours_set", json.loads(value)),
                now=self._clock.now(),
                official_id=by.id,
            )
