"""Form 01 receipt: what the citizen and the scanner see on the printed page."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime

import pypdf
import pytest
import zxingcpp
from printing_pdf_probe import all_text, decoded, metadata, page_texts, render_page
from printing_sample_data import CODE, LOOKUP_URL, receipt

from printing.model import ComponentLine
from printing.receipt import PageName, render_receipt

QR = zxingcpp.BarcodeFormat.QRCode
CODE128 = zxingcpp.BarcodeFormat.Code128

EXPECTED = (
    "UBND PHƯỜNG THỤY KHUÊ",
    "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Hà Nội, ngày 22 tháng 11 năm 2026",
    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    f"Mã hồ sơ: {CODE}",
    "Quét mã để tra cứu",
    "Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung",
    "Địa chỉ: Số 12, ngõ 5 Đặng Tất, tổ 7, phường Thụy Khuê, thành phố Hà Nội",
    "Số điện thoại: 0912 345 678",
    "Email: hongnhung.nguyen@example.vn",
    "Số định danh cá nhân/CCCD: 001186012345",
    "Nội dung yêu cầu giải quyết: Chứng thực bản sao từ bản chính",
    "STT Tên giấy tờ Bản chính Bản sao chứng thực Bản photo",
    "Đặng Thị Mỹ Duyên",
    "Số lượng hồ sơ: 01 bộ",
    "Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc",
    "Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 22/11/2026",
    "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 25/11/2026",
    "Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả",
    "Phí, lệ phí: 10.000 đ",
    "Vào Sổ theo dõi hồ sơ, Quyển số: 03/2026 Số thứ tự: 1254",
    "NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Hồng Nhung",
    "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Trần Văn Đức",
)


@pytest.mark.parametrize("page", ["a4", "a5"])
def test_every_field_is_printed_in_vietnamese(page: PageName) -> None:
    text = all_text(render_receipt(receipt(), page=page))
    missing = [s for s in EXPECTED if s not in text]
    assert missing == []
    assert "tại: Tại" not in text  # issue 11: no repeated words


@pytest.mark.parametrize("page", ["a4", "a5"])
def test_sample_fits_one_page(page: PageName) -> None:
    assert len(page_texts(render_receipt(receipt(), page=page))) == 1


@pytest.mark.parametrize("page", ["a4", "a5"])
def test_qr_scans_to_lookup_url_and_barcode_to_dossier_code(page: PageName) -> None:
    image = render_page(render_receipt(receipt(), page=page), scale=3)
    assert decoded(image, QR) == [LOOKUP_URL]
    assert decoded(image, CODE128) == [CODE]


def test_page_sizes_are_a4_and_a5_portrait() -> None:


    sizes = {}
    for page in ("a4", "a5"):
        reader = pypdf.PdfReader(io.BytesIO(render_receipt(receipt(), page=page)))
        box = reader.pages[0].mediabox
        sizes[page] = (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4))
    assert sizes == {"a4": (210, 297), "a5": (148, 210)}


def test_metadata_names_form_and_agency() -> None:
    info = metadata(render_receipt(receipt()))
    assert info["/Title"] == f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả - {CODE}"
    assert info["/Author"] == "UBND PHƯỜNG THỤY KHUÊ"


def test_decomposed_input_prints_composed() -> None:
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    nfd_official = unicodedata.normalize("NFD", "Trần Văn Đức")
    assert nfd_name != "Nguyễn Thị Hồng Nhung"
    text = all_text(render_receipt(receipt(applicant_name=nfd_name, official_name=nfd_official)))
    assert "Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung" in text
    assert "Trần Văn Đức" in text
    assert "\u0300" not in text and "\u0303" not in text and "\u0323" not in text


def test_times_print_in_vietnam_time() -> None:
    utc_due = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # 16:30 in Hà Nội
    text = all_text(render_receipt(receipt(due_at=utc_due)))
    assert "16 giờ 30 phút, ngày 25/11/2026" in text


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        render_receipt(receipt(due_at=datetime(2026, 11, 25, 16, 30)))


def test_header_date_uses_printed_on_and_leading_zero_rules() -> None:
    printed = datetime(2026, 2, 5, 9, 0, tzinfo=UTC)
    assert "Hà Nội, ngày 05 tháng 02 năm 2026" in all_text(render_receipt(receipt(printed_on=printed)))


def test_free_dossier_has_no_fee_line() -> None:
    assert "Phí, lệ phí" not in all_text(render_receipt(receipt(fee_text="")))


def test_markup_characters_print_literally() -> None:
    text = all_text(render_receipt(receipt(applicant_address="Số 3 <b>A&B</b> ngõ 1")))
    assert "Số 3 <b>A&B</b> ngõ 1" in text


@pytest.mark.parametrize("page", ["a4", "a5"])
def test_long_component_list_flows_to_second_page_with_header_repeated(page: PageName) -> None:
    lines = tuple(
        ComponentLine(f"Giấy tờ số {n}: bản sao giấy chứng nhận quyền sử dụng đất thửa {n}", 1, n % 3, 2)
        for n in range(1, 31)
    )
    pages = page_texts(render_receipt(receipt(components=lines), page=page))
    header = "STT Tên giấy tờ Bản chính Bản sao chứng thực Bản photo"
    assert len(pages) >= 2
    assert "Giấy tờ số 1:" in pages[0] and "Giấy tờ số 30:" not in pages[0]
    assert "Giấy tờ số 30:" in pages[1]
    assert [p.count(header) for p in pages[:2]] == [1, 1]
    assert all(f"Trang {n}/{len(pages)}" in p for n, p in enumerate(pages, start=1))
    tail = pages[-1]
    assert "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 25/11/2026" in tail
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Trần Văn Đức" in tail


def test_unknown_page_size_is_refused() -> None:
    with pytest.raises(ValueError):
        render_receipt(receipt(), page="letter")  # type: ignore[arg-type]


def test_two_copies_print_form_01_twice_labelled() -> None:
    labels = ("Bản giao người nộp hồ sơ", "Bản lưu hồ sơ")
    pdf = render_receipt(receipt(copy_labels=labels))
    pages = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 2
    for label, page in zip(labels, pages, strict=True):
        assert label in page
        assert CODE in page
