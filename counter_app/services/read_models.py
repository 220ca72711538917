"""Read models that leave the services: plain frozen dataclasses, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from counter_app.domain.clock import from_db
from counter_app.domain.lifecycle import Channel, Status
from db.models import Dossier, DossierComponent


@dataclass(frozen=True)
class ComponentPublic:
    """A document handed in, with its counts."""

    name: str
    originals: int
    certified_copies: int
    photocopies: int


@dataclass(frozen=True)
class DossierPublic:
    """A dossier as screens, printouts and exports see it."""

    uid: str
    code: str
    verify_token: str
    status: Status
    channel: Channel
    procedure_code: str
    procedure_name: str
    field_code: str
    applicant_name: str
    id_number: str
    birth_date: date | None
    sex: str
    address: str
    phone: str
    email: str
    sets_count: int
    processing_text: str
    received_at: datetime
    due_at: datetime
    original_due_at: datetime
    finished_at: datetime | None
    result_delivery: str
    fee_amount: int
    ledger_book: str
    ledger_line: int
    official_name: str
    counter_no: int
    components: tuple[ComponentPublic, ...] = ()
    returned_at: datetime | None = None
    supplements: int = 0
    paused_hours: float = 0.0
    paused_since: datetime | None = None  # the clock is stopped (a supplement is awaited)
    extensions: int = 0
    holder: str = ""  # "" = at the reception counter
    fee_pages: int = 1
    fee_copies: int = 1

    def is_overdue(self, now: datetime) -> bool:
        """Still open and past its due time."""
        open_ = self.status in (
            Status.RECEIVED,
            Status.PROCESSING,
            Status.NEW_ONLINE,
            Status.SUPPLEMENT_REQUESTED,
            Status.FINANCIAL_OBLIGATION,
        )
        return open_ and self.due_at < now


def dossier_public(d: Dossier, components: list[DossierComponent] | None = None) -> DossierPublic:
    """Map a dossier row (and optionally its components) to the read model."""
    comps = tuple(
        ComponentPublic(c.name, c.originals, c.certified_copies, c.photocopies)
        for c in sorted(components or [], key=lambda c: c.position)
    )
    return DossierPublic(
        uid=d.uid,
        code=d.code,
        verify_token=d.verify_token,
        status=Status(d.status),
        channel=Channel(d.channel),
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        field_code=d.field_code,
        applicant_name=d.applicant_name,
        id_number=d.id_number,
        birth_date=date.fromisoformat(d.birth_date) if d.birth_date else None,
        sex=d.sex,
        address=d.address,
        phone=d.phone,
        email=d.email,
        sets_count=d.sets_count,
        processing_text=d.processing_text,
        received_at=from_db(d.received_at),
        due_at=from_db(d.due_at),
        original_due_at=from_db(d.original_due_at),
        finished_at=from_db(d.finished_at) if d.finished_at else None,
        result_delivery=d.result_delivery,
        fee_amount=d.fee_amount,
        ledger_book=d.ledger_book,
        ledger_line=d.ledger_line,
        official_name=d.official_name,
        counter_no=d.counter_no,
        components=comps,
        returned_at=from_db(d.returned_at) if d.returned_at else None,
        supplements=d.supplements,
        paused_hours=d.paused_hours,
        paused_since=from_db(d.paused_since) if d.paused_since else None,
        extensions=d.extensions,
        holder=d.holder,
        fee_pages=d.fee_pages,
        fee_copies=d.fee_copies,
    )
