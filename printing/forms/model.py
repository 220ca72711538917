"""Plain data for forms 02–07 and the fee receipt: frozen dataclasses, no ORM, no Qt.

Every datetime must be tz-aware (a naive one is refused when printed); it is printed in
Asia/Ho_Chi_Minh. Every string is NFC-normalized by the renderer. The agency block is the
same `AgencyHeader` as form 01 (`agency_name` = the authority, e.g. "UBND PHƯỜNG THỤY KHUÊ",
`unit_name` = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", `place_name` = the place of the date line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from counter_app.domain.lifecycle import Outcome
from printing.model import AgencyHeader

__all__ = [
    "AgencyHeader",
    "ApologyExtension",
    "Applicant",
    "ControlSlip",
    "DossierRef",
    "FeeItem",
    "FeeReceipt",
    "Handover",
    "Ledger",
    "LedgerRow",
    "Outcome",
    "ProblemItem",
    "Refusal",
    "StopNotice",
    "SupplementRequest",
]


@dataclass(frozen=True)
class Applicant:
    """Who filed the dossier. `id_number` is printed as given: pass `printing.text.mask_id(n)`
    for a form that leaves the applicant's hands (the control slip and the ledger print none)."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class DossierRef:
    """The dossier a form is about. `received_at` also picks the form set in force."""

    code: str  # "000.00.12.H62-261122-0004"
    procedure_name: str
    applicant: Applicant
    received_at: datetime
    due_at: datetime | None = None  # the ORIGINAL return time of form 01
    procedure_code: str = ""


@dataclass(frozen=True)
class ProblemItem:
    """One paper (or field) that is missing or wrong, and what to do about it."""

    name: str  # "Tờ khai đăng ký khai sinh"
    note: str = ""  # "thiếu chữ ký của người đi khai", "bản sao chưa chứng thực"


@dataclass(frozen=True)
class SupplementRequest:
    """Form 02: every missing or wrong item at once, the reason and whom to ask."""

    header: AgencyHeader
    dossier: DossierRef
    items: tuple[ProblemItem, ...]
    official_name: str  # the official who guided, signs the form
    printed_at: datetime
    reason: str = ""
    contact: str = ""  # "Bộ phận Một cửa, quầy số 3, điện thoại 024 3845 1234"
    document_number: str = ""  # "Số: …" ("" prints dots to fill in by hand)


@dataclass(frozen=True)
class Refusal:
    """Form 03: the dossier is not accepted, with a written reason."""

    header: AgencyHeader
    dossier: DossierRef
    reasons: tuple[str, ...]
    official_name: str
    printed_at: datetime
    document_number: str = ""


@dataclass(frozen=True)
class ApologyExtension:
    """Form 04: late, apology and new date (TT 01/2018) or apology and extension (TT 03/2025)."""

    header: AgencyHeader  # of the unit at fault when it is not the counter
    dossier: DossierRef  # `due_at` = the original return time
    new_due_at: datetime
    reasons: tuple[str, ...]
    unit_at_fault: str  # "Phòng Văn hóa - Xã hội"
    signer_title: str  # "TRƯỞNG PHÒNG VĂN HÓA - XÃ HỘI" (head of the unit at fault)
    signer_name: str
    printed_at: datetime
    return_place: str = "Bộ phận Tiếp nhận và Trả kết quả"
    document_number: str = ""


@dataclass(frozen=True)
class StopNotice:
    """Form 05 of TT 03/2025: processing of the dossier is stopped, with the reason."""

    header: AgencyHeader
    dossier: DossierRef
    reasons: tuple[str, ...]
    stopped_at: datetime
    signer_title: str  # "CHỦ TỊCH" / "TRƯỞNG BỘ PHẬN MỘT CỬA"
    signer_name: str
    printed_at: datetime
    basis: str = ""  # "Theo đề nghị rút hồ sơ của ông/bà … ngày …" or the legal basis
    fee_note: str = ""  # what happens to fees already paid ("" prints nothing)
    document_number: str = ""


@dataclass(frozen=True)
class Handover:
    """One hand-over of the dossier: one row of the control slip."""

    from_unit: str  # "Bộ phận TN&TKQ"
    to_unit: str  # "Công chức Tư pháp - Hộ tịch"
    at: datetime
    from_person: str = ""
    to_person: str = ""
    result: Outcome | None = None  # EARLY / ON_TIME / LATE once the step is finished
    note: str = ""


@dataclass(frozen=True)
class ControlSlip:
    """The hand-over control slip (form 05 of TT 01/2018, form 06 of TT 03/2025)."""

    header: AgencyHeader
    dossier: DossierRef
    lead_unit: str  # "Cơ quan (bộ phận) giải quyết hồ sơ"
    handovers: tuple[Handover, ...]
    printed_at: datetime
    coordinating_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class LedgerRow:
    """One dossier, one line of the ledger (Sổ theo dõi hồ sơ), in the ledger's column order."""

    number: int
    code: str
    procedure_name: str
    sets_count: int
    applicant_name: str
    address: str
    phone: str
    lead_unit: str
    received_at: datetime
    due_at: datetime
    sent_at: datetime | None = None  # handed to the unit that decides
    result_received_at: datetime | None = None  # result back at the counter
    returned_at: datetime | None = None  # result given to the applicant
    returned_to: str = ""  # who signed for it ("" leaves the cell to sign by hand)
    note: str = ""


@dataclass(frozen=True)
class Ledger:
    """The ledger of a period: header, the period (inclusive dates) and its rows in order."""

    header: AgencyHeader
    date_from: date
    date_to: date
    rows: tuple[LedgerRow, ...]
    printed_at: datetime
    book: str = ""  # "Quyển số 03/2026"


@dataclass(frozen=True)
class FeeItem:
    """One line of a fee receipt: `amount` is the line's total in đồng (quantity is shown)."""

    name: str  # "Lệ phí chứng thực bản sao (3 trang x 2 bản)"
    amount: int
    quantity: int = 1


@dataclass(frozen=True)
class FeeReceipt:
    """A numbered receipt for fees collected at the counter."""

    header: AgencyHeader
    number: str  # "0000123": unique, never reused
    series: str  # "Ký hiệu" of the receipt book, e.g. "BL-2026"
    payer_name: str
    dossier: DossierRef
    items: tuple[FeeItem, ...]
    method: str  # "Tiền mặt" / "Chuyển khoản"
    collector_name: str
    collected_at: datetime
    payer_address: str = ""

    @property
    def total(self) -> int:
        """Return the sum of every line, in đồng."""
        return sum(item.amount for item in self.items)
