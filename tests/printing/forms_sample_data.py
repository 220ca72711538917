"""Realistic sample data for forms 02–07 and the fee receipt (tests and docs/ PNGs).

`NEW` dossiers were received under Circular 03/2025/TT-VPCP, `OLD` ones under 01/2018.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from printing.forms.model import (
    ApologyExtension,
    Applicant,
    ControlSlip,
    DossierRef,
    FeeItem,
    FeeReceipt,
    Handover,
    Ledger,
    LedgerRow,
    Outcome,
    ProblemItem,
    Refusal,
    StopNotice,
    SupplementRequest,
)
from printing.model import AgencyHeader

T = TypeVar("T")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NEW = datetime(2026, 11, 23, 9, 5, tzinfo=VN)
OLD = datetime(2025, 9, 12, 14, 20, tzinfo=VN)

HEADER = AgencyHeader(agency_name="UBND PHƯỜNG THỤY KHUÊ",
                      unit_name="BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", place_name="Hà Nội")
APPLICANT = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    address="Số 12, ngõ 5 Đặng Tất, tổ 7, phường Thụy Khuê, thành phố Hà Nội",
    phone="0912 345 678", email="hongnhung.nguyen@example.vn", id_number="001186012345")


def code_for(received_at: datetime) -> str:
    """Return a dossier code for the received day."""
    return f"000.00.12.H62-{received_at:%y%m%d}-0004"


def dossier(received_at: datetime = NEW) -> DossierRef:
    """Return the sample dossier received at received_at (due three working days later)."""
    return DossierRef(code=code_for(received_at),
                      procedure_name="Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
                      applicant=APPLICANT, received_at=received_at,
                      due_at=received_at + timedelta(days=3, hours=2), procedure_code="1.001022")


def supplement(received_at: datetime = NEW, **changes: object) -> SupplementRequest:
    """Return a form 02 listing a missing and a wrong paper."""
    base = SupplementRequest(
        header=HEADER, dossier=dossier(received_at),
        items=(ProblemItem("Tờ khai đăng ký khai sinh", "Thiếu chữ ký của người đi đăng ký"),
               ProblemItem("Giấy chứng sinh", "Chưa có - nộp bản chính do cơ sở y tế cấp"),
               ProblemItem("Văn bản thỏa thuận nhận cha, con",
                           "Sai họ tên người con (ghi Duyen, đúng là Đặng Thị Mỹ Duyên)")),
        official_name="Trần Văn Đức", printed_at=received_at,
        reason="Hồ sơ chưa đủ thành phần theo quy định của thủ tục",
        contact="Bộ phận Một cửa, quầy số 3, điện thoại 024 3845 1234")
    return _replace(base, changes)


def refusal(received_at: datetime = NEW, **changes: object) -> Refusal:
    """Return a form 03 with two reasons."""
    base = Refusal(
        header=HEADER, dossier=dossier(received_at),
        reasons=("Thủ tục không thuộc thẩm quyền giải quyết của UBND phường Thụy Khuê",
                 "Người yêu cầu đã đăng ký khai sinh cho trẻ tại UBND xã Tân Lập"),
        official_name="Trần Văn Đức", printed_at=received_at)
    return _replace(base, changes)


def apology(received_at: datetime = NEW, **changes: object) -> ApologyExtension:
    """Return a form 04: late because of the unit that verifies civil status."""
    base = ApologyExtension(
        header=HEADER, dossier=dossier(received_at),
        new_due_at=received_at + timedelta(days=7, hours=1),
        reasons=("Cần xác minh thông tin hộ tịch của người cha tại UBND xã Tân Lập",),
        unit_at_fault="Công chức Tư pháp - Hộ tịch",
        signer_title="CHỦ TỊCH", signer_name="Lê Minh Tuấn",
        printed_at=received_at + timedelta(days=3))
    return _replace(base, changes)


def stop_notice(received_at: datetime = NEW, **changes: object) -> StopNotice:
    """Return a stop notice after the applicant withdrew."""
    base = StopNotice(
        header=HEADER, dossier=dossier(received_at),
        reasons=("Người yêu cầu có đơn đề nghị rút hồ sơ",),
        stopped_at=received_at + timedelta(days=1, hours=2),
        signer_title="CHỦ TỊCH", signer_name="Lê Minh Tuấn",
        printed_at=received_at + timedelta(days=1, hours=2),
        basis="Đơn đề nghị rút hồ sơ của bà Nguyễn Thị Hồng Nhung",
        fee_note="Không hoàn trả lệ phí đã nộp (0 đồng)")
    return _replace(base, changes)


def control_slip(received_at: datetime = NEW, **changes: object) -> ControlSlip:
    """Return a control slip with three hand-overs, one of them late."""
    rows = (
        Handover("Bộ phận TN&TKQ", "Công chức Tư pháp - Hộ tịch", received_at + timedelta(hours=1),
                 "Trần Văn Đức", "Phạm Thu Hà", Outcome.EARLY, ""),
        Handover("Công chức Tư pháp - Hộ tịch", "Lãnh đạo UBND phường",
                 received_at + timedelta(days=2), "Phạm Thu Hà", "Lê Minh Tuấn", Outcome.ON_TIME),
        Handover("Lãnh đạo UBND phường", "Bộ phận TN&TKQ", received_at + timedelta(days=4),
                 "Lê Minh Tuấn", "Trần Văn Đức", Outcome.LATE, "Chờ xác minh tại xã Tân Lập"),
    )
    base = ControlSlip(header=HEADER, dossier=dossier(received_at),
                       lead_unit="Công chức Tư pháp - Hộ tịch, UBND phường Thụy Khuê",
                       handovers=rows, printed_at=received_at,
                       coordinating_units=("UBND xã Tân Lập",))
    return _replace(base, changes)


NAMES = ("Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Đức", "Phạm Thị Thu Hương",
         "=HYPERLINK(\"http://x\")", "Đặng Quốc Việt", "Vũ Thị Mỹ Duyên", "Hoàng Văn Thụ")
PROCEDURES = ("Chứng thực bản sao từ bản chính", "Đăng ký khai sinh", "Đăng ký kết hôn",
              "Xác nhận tình trạng hôn nhân", "Đăng ký thường trú")


def ledger_rows(count: int, start: datetime = NEW) -> tuple[LedgerRow, ...]:
    """Return count ledger lines, some finished, some still open."""
    rows = []
    for n in range(1, count + 1):
        received = start + timedelta(minutes=7 * n)
        done = n % 4 != 0
        rows.append(LedgerRow(
            number=n, code=f"000.00.12.H62-{received:%y%m%d}-{n % 10000:04d}",
            procedure_name=PROCEDURES[n % len(PROCEDURES)], sets_count=1 + n % 2,
            applicant_name=NAMES[n % len(NAMES)],
            address=f"Số {n % 90 + 1}, ngõ {n % 17 + 1} Thụy Khuê, Hà Nội",
            phone=f"09{n % 100:02d} {n % 1000:03d} 678", lead_unit="Tư pháp - Hộ tịch",
            received_at=received, due_at=received + timedelta(days=3),
            sent_at=received + timedelta(hours=1) if done else None,
            result_received_at=received + timedelta(days=2) if done else None,
            returned_at=received + timedelta(days=3) if done and n % 3 else None,
            returned_to=NAMES[n % len(NAMES)] if done and n % 3 else "",
            note="Trễ hạn do xác minh" if n % 11 == 0 else ""))
    return tuple(rows)


def ledger(count: int = 30, start: datetime = NEW, **changes: object) -> Ledger:
    """Return a ledger of count lines from start."""
    base = Ledger(header=HEADER, date_from=date(start.year, start.month, 1),
                  date_to=date(start.year, start.month, 28), rows=ledger_rows(count, start),
                  printed_at=start + timedelta(days=30), book="03/2026")
    return _replace(base, changes)


def fee_receipt(received_at: datetime = NEW, **changes: object) -> FeeReceipt:
    """Return a fee receipt of two lines."""
    base = FeeReceipt(
        header=HEADER, number="0000123", series="BL-2026", payer_name=APPLICANT.name,
        dossier=dossier(received_at),
        items=(FeeItem("Lệ phí chứng thực bản sao (3 trang x 2 bản)", 10_000, 2),
               FeeItem("Phí cấp bản sao trích lục hộ tịch", 8_000, 1)),
        method="Tiền mặt", collector_name="Trần Văn Đức", collected_at=received_at,
        payer_address=APPLICANT.address)
    return _replace(base, changes)


def _replace(base: T, changes: dict[str, object]) -> T:
    """Return base with changes applied."""
    return replace(base, **changes)  # type: ignore[type-var]
