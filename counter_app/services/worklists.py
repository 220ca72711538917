"""The official's work lists: due today, overdue, awaiting supplement, ready to return.

By Vietnam calendar day against the CURRENT due (moved by pauses and by an extension): a
dossier due today at 10:00 is in time until the day ends, and never overdue while its clock
is stopped (a supplement is awaited).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, text
from sqlmodel import select

from counter_app.domain.clock import VN_TZ, Clock, local_day, to_db
from counter_app.domain.lifecycle import Status
from counter_app.services.read_models import DossierPublic, dossier_public
from db.engine import read_session
from db.models import Dossier

_RUNNING = (int(Status.NEW_ONLINE), int(Status.RECEIVED), int(Status.PROCESSING),
            int(Status.FINANCIAL_OBLIGATION))
"""Open statuses whose clock runs (5, supplement requested, has it stopped)."""


def _day_bounds(day: date) -> tuple[str, str]:
    start = datetime.combine(day, time(0), VN_TZ)
    return to_db(start), to_db(start + timedelta(days=1))


class WorklistService:
    """Service queries behind the work lists (oldest due first)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def _query(self, where: str, params: dict[str, object], limit: int) -> list[DossierPublic]:
        with read_session(self._engine) as s:
            ids = [int(r[0]) for r in s.execute(text(
                f"SELECT id FROM dossier WHERE {where} ORDER BY due_at, id LIMIT :lim"),
                {**params, "lim": limit})]
            if not ids:
                return []
            rows = {r.id: r for r in s.exec(select(Dossier).where(
                Dossier.id.in_(ids)))}  # type: ignore[union-attr]
            return [dossier_public(rows[i]) for i in ids if i in rows]

    def _running(self) -> str:
        return f"status IN ({', '.join(str(s) for s in _RUNNING)}) AND paused_since IS NULL"

    def due_today(self, limit: int = 1000) -> list[DossierPublic]:
        """Open dossiers due today (Vietnam day), clock running."""
        a, b = _day_bounds(local_day(self._clock.now()))
        return self._query(f"{self._running()} AND due_at >= :a AND due_at < :b",
                           {"a": a, "b": b}, limit)

    def overdue(self, limit: int = 1000) -> list[DossierPublic]:
        """Open dossiers whose due day has passed, clock running."""
        a, _ = _day_bounds(local_day(self._clock.now()))
        return self._query(f"{self._running()} AND due_at < :a", {"a": a}, limit)

    def awaiting_supplement(self, limit: int = 1000) -> list[DossierPublic]:
        """Dossiers whose clock is stopped until the citizen brings the papers."""
        return self._query("status = :s", {"s": int(Status.SUPPLEMENT_REQUESTED)}, limit)

    def ready_to_return(self, limit: int = 1000) -> list[DossierPublic]:
        """Results ready at the counter, not yet returned."""
        return self._query("status = :s", {"s": int(Status.PROCESSED)}, limit)
