"""Report II.06a (dossiers received and resolved in a period): pure definitions.

Every date is a local date in Asia/Ho_Chi_Minh; a period is [start, end], both days included.
The service (``counter_app.services.reports``) turns each stored dossier into
``DossierFacts`` (its effective due for statistics already computed on the working calendar)
and adds it to one ``Tally`` per field and one for the total. See docs/reports.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from counter_app.domain.lifecycle import Channel

TOTAL = "ALL"
"""``field_code`` of the total row."""

COUNTS = ("received_total", "received_online", "received_direct_post", "carried_over",
          "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
          "in_progress_total", "in_progress_in_time", "in_progress_overdue")
"""The counted cells of a row, in output order (the two rates follow)."""


@dataclass(frozen=True)
class Period:
    """[start, end], both local days included."""

    start: date
    end: date


@dataclass(frozen=True)
class DossierFacts:
    """What the report needs of one dossier, as local days.

    ``effective_due`` is the original due moved later by every paused working hour, a pause
    still open at the end of the period counted up to that moment; form 04 does not move it.
    """

    field_code: str
    channel: int
    received: date
    ended: date | None
    effective_due: date


def _ended_before(f: DossierFacts, day: date) -> bool:
    return f.ended is not None and f.ended < day


def contributions(f: DossierFacts, p: Period) -> dict[str, int]:
    """The cells this dossier adds 1 to (an empty dict when it plays no part in the period)."""
    out: dict[str, int] = {}
    if p.start <= f.received <= p.end:
        out["received_total"] = 1
        out["received_online" if f.channel == Channel.ONLINE else "received_direct_post"] = 1
    elif f.received < p.start and not _ended_before(f, p.start):
        out["carried_over"] = 1
    if f.ended is not None and p.start <= f.ended <= p.end:
        out["resolved_total"] = 1
        if f.ended < f.effective_due:
            out["resolved_early"] = 1
        elif f.ended == f.effective_due:
            out["resolved_on_time"] = 1
        else:
            out["resolved_late"] = 1
    if f.received <= p.end and (f.ended is None or f.ended > p.end):
        out["in_progress_total"] = 1
        out["in_progress_in_time" if f.effective_due >= p.end else "in_progress_overdue"] = 1
    return out


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


@dataclass
class Tally:
    """The counts of one row (a field, a procedure or the total), added to dossier by dossier."""

    key: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def add(self, cells: dict[str, int]) -> None:
        """Add one dossier's contributions."""
        for k, v in cells.items():
            self.counts[k] += v

    @property
    def on_time_rate(self) -> float | None:
        """(early + on time) / resolved; None when nothing was resolved."""
        c = self.counts
        return _ratio(c["resolved_early"] + c["resolved_on_time"], c["resolved_total"])

    @property
    def online_share(self) -> float | None:
        """online / received; None when nothing was received."""
        return _ratio(self.counts["received_online"], self.counts["received_total"])

    def as_dict(self, key_name: str = "field_code") -> dict[str, Any]:
        """One output row: the key, the counts in order, then the two rates."""
        return {key_name: self.key, **self.counts, "on_time_rate": self.on_time_rate,
                "online_share": self.online_share}
