"""Statistics of one dossier: its effective due and its outcome (early … overdue).

End: the first time it reached 9, 10, 3, 7 or 8 (``Dossier.finished_at``). Effective due: the
ORIGINAL due moved later by every paused working hour (supplements); an extension (form 04)
does not move it. Overdue is by Vietnam calendar day and never while the clock is stopped.
"""

from __future__ import annotations

from datetime import datetime

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.lifecycle import Outcome, classify


def effective_due(original_due: datetime, paused_hours: float,
                  calendar: WorkingCalendar) -> datetime:
    """The original due moved later by the paused working hours."""
    if paused_hours <= 0:
        return original_due
    return calendar.add_working_hours(original_due, paused_hours)


def outcome(*, original_due: datetime, paused_hours: float, ended_at: datetime | None,
            paused: bool, now: datetime, calendar: WorkingCalendar) -> Outcome:
    """early / on_time / late once ended; in_time / overdue while open (as of ``now``)."""
    if ended_at is None and paused:
        return Outcome.IN_TIME  # the clock is stopped: never overdue while it is
    return classify(due_at=effective_due(original_due, paused_hours, calendar),
                    finished_at=ended_at, as_of=now)
