"""Turning a stored dossier into the plain data the printing package draws."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import Engine

from counter_app.domain.fees import format_vnd
from counter_app.services.accounts import AccountService, WardPublic
from counter_app.services.dossiers import DossierQueryService
from counter_app.services.read_models import DossierPublic
from counter_app.services.ward_settings import two_copies
from db.engine import read_session
from printing.model import AgencyHeader, ComponentLine, ReceiptData, SlipData

DELIVERY_TEXT = {
    "counter": "Tại Bộ phận tiếp nhận và trả kết quả",
    "post": "Qua dịch vụ bưu chính công ích",
}


def lookup_url(base: str, code: str, token: str) -> str:
    """The citizen lookup URL in the QR: code plus a per-dossier verification token."""
    return f"{base}{quote(code, safe='.-')}?t={quote(token, safe='')}"


def fee_text(d: DossierPublic) -> str:
    """The receipt's fee line: amount, then the pages and copies it was counted for."""
    if not d.fee_amount:
        return ""
    counts = []
    if d.fee_pages > 1:
        counts.append(f"{d.fee_pages} trang/bản")
    if d.fee_copies > 1:
        counts.append(f"{d.fee_copies} bản")
    return format_vnd(d.fee_amount) + (f" ({', '.join(counts)})" if counts else "")


def _header(w: WardPublic) -> AgencyHeader:
    return AgencyHeader(agency_name=w.agency_name, unit_name=w.unit_name, place_name=w.place_name)


COPY_LABELS = ("Bản giao người nộp hồ sơ", "Bản lưu hồ sơ")


def receipt_data(ward: WardPublic, d: DossierPublic, *, two_copies: bool = False) -> ReceiptData:
    """Form 01 data for a dossier."""
    return ReceiptData(
        header=_header(ward),
        dossier_code=d.code,
        applicant_name=d.applicant_name,
        applicant_address=d.address,
        applicant_phone=d.phone,
        applicant_email=d.email,
        applicant_id_number=d.id_number,
        procedure_name=d.procedure_name,
        procedure_code=d.procedure_code,
        components=tuple(
            ComponentLine(c.name, c.originals, c.certified_copies, c.photocopies)
            for c in d.components
        ),
        sets_count=d.sets_count,
        processing_time_text=d.processing_text,
        received_at=d.received_at,
        due_at=d.due_at,
        result_delivery=DELIVERY_TEXT.get(d.result_delivery, d.result_delivery),
        ledger_book=d.ledger_book,
        ledger_line=d.ledger_line,
        official_name=d.official_name,
        lookup_url=lookup_url(ward.lookup_url_base, d.code, d.verify_token),
        fee_text=fee_text(d),
        copy_labels=COPY_LABELS if two_copies else (),
    )


def slip_data(ward: WardPublic, d: DossierPublic) -> SlipData:
    """The 80 mm appointment slip data for a dossier."""
    return SlipData(
        header=_header(ward),
        dossier_code=d.code,
        applicant_name=d.applicant_name,
        procedure_name=d.procedure_name,
        received_at=d.received_at,
        due_at=d.due_at,
        lookup_url=lookup_url(ward.lookup_url_base, d.code, d.verify_token),
        official_name=d.official_name,
        counter_name=f"Quầy số {d.counter_no}",
    )


class ReceiptService:
    """Reads what a receipt needs; the caller renders it (printing) after the commit."""

    def __init__(
        self, engine: Engine, accounts: AccountService, dossiers: DossierQueryService
    ) -> None:
        self._engine = engine
        self._accounts = accounts
        self._dossiers = dossiers

    def receipt(self, code: str) -> ReceiptData:
        """Form 01 data of a stored dossier."""
        with read_session(self._engine) as s:
            copies = two_copies(s)
        return receipt_data(self._accounts.ward(), self._dossiers.get(code), two_copies=copies)

    def slip(self, code: str) -> SlipData:
        """Appointment slip data of a stored dossier."""
        return slip_data(self._accounts.ward(), self._dossiers.get(code))
