"""Realistic sample data shared by the printing tests and the PNG sample generator."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from printing.model import AgencyHeader, ComponentLine, ReceiptData, SlipData

T = TypeVar("T")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.00.12.H62-261122-0004"
LOOKUP_URL = f"https://tracuu.example.vn/h/{CODE}?t=Xy7pQ2vN9kLmR4sT"

HEADER = AgencyHeader(
    agency_name="UBND PHƯỜNG THỤY KHUÊ",
    unit_name="BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    place_name="Hà Nội",
)

COMPONENTS = (
    ComponentLine("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", 1, 0, 0),
    ComponentLine("Bản sao cần chứng thực (Giấy khai sinh của con: Đặng Thị Mỹ Duyên)", 0, 0, 3),
    ComponentLine("Căn cước công dân của người yêu cầu chứng thực", 1, 0, 1),
    ComponentLine("Giấy ủy quyền có xác nhận của UBND xã Tân Lập, huyện Đan Phượng", 0, 1, 0),
)


def receipt(**changes: object) -> ReceiptData:
    """Return the sample receipt, with fields optionally replaced."""
    base = ReceiptData(
        header=HEADER,
        dossier_code=CODE,
        applicant_name="Nguyễn Thị Hồng Nhung",
        applicant_address="Số 12, ngõ 5 Đặng Tất, tổ 7, phường Thụy Khuê, thành phố Hà Nội",
        applicant_phone="0912 345 678",
        applicant_email="hongnhung.nguyen@example.vn",
        applicant_id_number="001186012345",
        procedure_name="Chứng thực bản sao từ bản chính",
        procedure_code="2.000815",
        components=COMPONENTS,
        sets_count=1,
        processing_time_text="03 ngày làm việc",
        received_at=datetime(2026, 11, 22, 8, 15, tzinfo=VN),
        due_at=datetime(2026, 11, 25, 16, 30, tzinfo=VN),
        result_delivery="Tại Bộ phận tiếp nhận và trả kết quả",
        ledger_book="03/2026",
        ledger_line=1254,
        official_name="Trần Văn Đức",
        lookup_url=LOOKUP_URL,
        fee_text="10.000 đ (mười nghìn đồng)",
    )
    return _replace(base, changes)


def slip(**changes: object) -> SlipData:
    """Return the sample appointment slip, with fields optionally replaced."""
    base = SlipData(
        header=HEADER,
        dossier_code=CODE,
        applicant_name="Nguyễn Thị Hồng Nhung",
        procedure_name="Chứng thực bản sao từ bản chính (Giấy khai sinh - Đặng Thị Mỹ Duyên)",
        received_at=datetime(2026, 11, 22, 8, 15, tzinfo=VN),
        due_at=datetime(2026, 11, 25, 16, 30, tzinfo=VN),
        lookup_url=LOOKUP_URL,
        official_name="Trần Văn Đức",
        counter_name="Quầy số 3",
    )
    return _replace(base, changes)


def _replace(base: T, changes: dict[str, object]) -> T:
    """Return base with changes applied."""
    return replace(base, **changes)  # type: ignore[type-var]
