"""The dossier ledger (Sổ theo dõi hồ sơ) for a period: one plain row per dossier with every
column of DOMAIN §1 (printing/forms renders it; this is only the query)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, text

from counter_app.domain.clock import VN_TZ, from_db, to_db
from counter_app.domain.lifecycle import Status
from db.engine import read_session


@dataclass(frozen=True)
class LedgerRow:
    """One line of the ledger."""

    no: int  # STT within the period
    ledger_book: str
    ledger_line: int
    code: str
    procedure_name: str
    sets_count: int
    applicant_name: str
    address: str
    phone: str
    lead_unit: str  # the first unit the dossier was handed to ("" = done at the counter)
    received_at: datetime
    due_at: datetime  # the current appointment
    original_due_at: datetime
    sent_at: datetime | None  # handed to the processing unit
    result_received_at: datetime | None  # result back at the counter (ready, status 9)
    returned_at: datetime | None
    returned_to: str  # who signed for the result (or the post tracking number)
    status: int
    note: str


_SQL = """
SELECT d.id, d.ledger_book, d.ledger_line, d.code, d.procedure_name, d.sets_count,
  d.applicant_name, d.address, d.phone, d.received_at, d.due_at, d.original_due_at,
  d.returned_at, d.status, d.note,
  (SELECT s.to_party FROM dossier_step s WHERE s.dossier_id = d.id AND s.action = 'handover'
   ORDER BY s.id LIMIT 1),
  (SELECT s.at FROM dossier_step s WHERE s.dossier_id = d.id AND s.action = 'handover'
   ORDER BY s.id LIMIT 1),
  (SELECT s.at FROM dossier_step s WHERE s.dossier_id = d.id AND s.to_status = :ready
   ORDER BY s.id LIMIT 1),
  (SELECT s.detail FROM dossier_step s WHERE s.dossier_id = d.id AND s.action = 'return'
   ORDER BY s.id DESC LIMIT 1)
FROM dossier d WHERE d.received_at >= :a AND d.received_at < :b
ORDER BY d.received_at, d.id
"""


def _returned_to(detail: str | None) -> str:
    if not detail:
        return ""
    d = json.loads(detail)
    return str(d.get("receiver_name") or d.get("tracking_no") or "")


class LedgerService:
    """The ledger query."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def rows(self, first: date, last: date) -> Iterator[LedgerRow]:
        """Dossiers received from ``first`` to ``last`` (Vietnam days, inclusive), in order."""
        a = to_db(datetime.combine(first, time(0), VN_TZ))
        b = to_db(datetime.combine(last + timedelta(days=1), time(0), VN_TZ))
        with read_session(self._engine) as s:
            result = s.execute(text(_SQL), {"a": a, "b": b, "ready": int(Status.PROCESSED)})
            for no, r in enumerate(result, start=1):
                yield LedgerRow(
                    no=no, ledger_book=r[1], ledger_line=int(r[2]), code=r[3],
                    procedure_name=r[4], sets_count=int(r[5]), applicant_name=r[6],
                    address=r[7], phone=r[8], lead_unit=r[15] or "",
                    received_at=from_db(r[9]), due_at=from_db(r[10]),
                    original_due_at=from_db(r[11]), sent_at=from_db(r[16]) if r[16] else None,
                    result_received_at=from_db(r[17]) if r[17] else None,
                    returned_at=from_db(r[12]) if r[12] else None,
                    returned_to=_returned_to(r[18]), status=int(r[13]), note=r[14])
