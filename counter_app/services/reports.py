"""Report II.06a computed exactly from the store: one keyset scan over the dossiers, flat memory.

Only the dossiers that can play a part are read (received before the end of the period and not
ended before its start); each becomes ``DossierFacts`` and is added to its field's row and the
total row. Definitions: counter_app/domain/report.py and docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, text

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.clock import VN_TZ, from_db, local_day, to_db
from counter_app.domain.report import TOTAL, DossierFacts, Period, Tally, contributions
from counter_app.services.calendar import load_calendar
from counter_app.services.errors import ValidationFailed
from counter_app.services.outcomes import effective_due
from db.engine import READ_ONLY, read_session

_SQL = ("SELECT id, field_code, channel, received_at, finished_at, original_due_at, "
        "paused_hours, paused_since FROM dossier WHERE id > :a AND received_at < :end "
        "AND (finished_at IS NULL OR finished_at >= :start){extra} ORDER BY id LIMIT :n")


def period_of(start: date, end: date) -> Period:
    """A period, or ValidationFailed when it ends before it starts."""
    if end < start:
        raise ValidationFailed({"to": "Ngày kết thúc kỳ báo cáo phải từ ngày bắt đầu trở đi."})
    return Period(start, end)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VN_TZ)


def facts_of(row: Any, period_end: datetime, cal: WorkingCalendar) -> DossierFacts:
    """One dossier's facts; an open pause counts up to ``period_end`` (the instant after it)."""
    paused = float(row[6])
    if row[7] is not None:
        since = from_db(row[7])
        if since < period_end:
            paused += max(0.0, cal.working_hours_between(since, period_end))
    ended = local_day(from_db(row[4])) if row[4] else None
    return DossierFacts(field_code=str(row[1]), channel=int(row[2]),
                        received=local_day(from_db(row[3])), ended=ended,
                        effective_due=local_day(effective_due(from_db(row[5]), paused, cal)))


class ReportService:
    """Read-only reports over the stored dossiers."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, p: Period, field_code: str | None, procedure_code: str | None,
              batch: int) -> Iterator[Any]:
        extra, params = "", {"start": to_db(_start_of(p.start)),
                             "end": to_db(_start_of(p.end + timedelta(days=1)))}
        if field_code is not None:
            extra += " AND field_code = :field"
            params["field"] = field_code
        if procedure_code is not None:
            extra += " AND procedure_code = :proc"
            params["proc"] = procedure_code
        sql, last = text(_SQL.format(extra=extra)), 0
        conn_engine = self._engine.execution_options(**{READ_ONLY: True})
        while True:
            with conn_engine.connect() as conn:  # each page its own short read
                rows = conn.execute(sql, {**params, "a": last, "n": batch}).all()
                conn.rollback()
            if not rows:
                return
            yield from rows
            last = int(rows[-1][0])

    def ii06a(self, period: Period, *, field_code: str | None = None,
              procedure_code: str | None = None, batch: int = 5000) -> list[dict[str, Any]]:
        """One row per field (sorted by code), then the total row (``field_code`` "ALL")."""
        end = _start_of(period.end + timedelta(days=1))
        with read_session(self._engine) as s:
            cal = load_calendar(s, on=period.end)
        total, by_field = Tally(TOTAL), dict[str, Tally]()
        for row in self._rows(period, field_code, procedure_code, batch):
            f = facts_of(row, end, cal)
            cells = contributions(f, period)
            if not cells:
                continue
            by_field.setdefault(f.field_code, Tally(f.field_code)).add(cells)
            total.add(cells)
        return [*(by_field[k].as_dict() for k in sorted(by_field)), total.as_dict()]
