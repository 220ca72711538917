"""Plain data handed to the printing package: frozen dataclasses, no ORM, no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AgencyHeader:
    """The left half of a form header plus the place used in the date line."""

    agency_name: str  # "UBND PHƯỜNG THỤY KHUÊ" (printed bold capitals)
    unit_name: str  # "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
    place_name: str  # "Hà Nội" -> "<place>, ngày dd tháng mm năm yyyy"


@dataclass(frozen=True)
class ComponentLine:
    """One paper of the dossier and how many of each kind were handed in."""

    name: str
    originals: int
    certified_copies: int
    photocopies: int


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on form 01 (receipt and appointment)."""

    header: AgencyHeader
    dossier_code: str  # "000.00.12.H62-261122-0004"
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    applicant_id_number: str
    procedure_name: str
    procedure_code: str
    components: tuple[ComponentLine, ...]
    sets_count: int
    processing_time_text: str  # "03 ngày làm việc" or "Trong ngày"
    received_at: datetime  # tz-aware; printed in Asia/Ho_Chi_Minh
    due_at: datetime
    result_delivery: str  # "Tại Bộ phận tiếp nhận và trả kết quả" / "Qua dịch vụ bưu chính công ích"
    ledger_book: str
    ledger_line: int
    official_name: str  # receiving official, printed under the signature
    lookup_url: str  # full URL encoded in the QR
    fee_text: str = ""  # "10.000 đ" or "" when free
    printed_on: datetime | None = None  # date in the header line; defaults to received_at
    copy_labels: tuple[str, ...] = ()  # one form per label ("Bản giao công dân", …); () = one


@dataclass(frozen=True)
class SlipData:
    """Everything printed on the 80 mm / 58 mm appointment slip."""

    header: AgencyHeader
    dossier_code: str
    applicant_name: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    lookup_url: str
    official_name: str
    counter_name: str = ""
