"""Appointment slip on an 80 mm / 58 mm roll."""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pytest
import zxingcpp
from printing_pdf_probe import all_text, decoded, metadata, render_page
from printing_sample_data import CODE, LOOKUP_URL, slip

from printing.slip import render_slip

MM = 72 / 25.4


@pytest.mark.parametrize("width", [80, 58])
def test_slip_prints_every_field(width: int) -> None:
    text = all_text(render_slip(slip(), width_mm=width))
    for expected in (
        "UBND PHƯỜNG THỤY KHUÊ",
        "PHIẾU HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        "Người nộp: Nguyễn Thị Hồng Nhung",
        "Chứng thực bản sao từ bản chính (Giấy khai sinh - Đặng Thị Mỹ Duyên)",
        "08:15 ngày 22/11/2026",
        "16 giờ 30 phút, ngày 25/11/2026",
        "Quét mã QR để tra cứu tình trạng hồ sơ",
        "Người tiếp nhận: Trần Văn Đức",
        "Quầy: số 3",
    ):
        assert expected in text
    assert "Quầy: Quầy" not in text  # issue 11: no repeated words


@pytest.mark.parametrize("width", [80, 58])
def test_slip_is_one_roll_page_as_wide_as_the_paper(width: int) -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_slip(slip(), width_mm=width)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(width * MM)
    assert 60 * MM < float(box.height) < 160 * MM


def test_slip_height_grows_with_content() -> None:
    def height(data: object) -> float:
        reader = pypdf.PdfReader(io.BytesIO(render_slip(data)))  # type: ignore[arg-type]
        return float(reader.pages[0].mediabox.height)

    long_name = "Cấp bản sao trích lục hộ tịch, đăng ký lại khai sinh có yếu tố nước ngoài " * 3
    assert height(slip(procedure_name=long_name)) > height(slip())


@pytest.mark.parametrize("width", [80, 58])
def test_slip_qr_scans_to_lookup_url(width: int) -> None:
    image = render_page(render_slip(slip(), width_mm=width), scale=203 / 72)  # thermal dpi
    assert decoded(image, zxingcpp.BarcodeFormat.QRCode) == [LOOKUP_URL]


def test_slip_decomposed_input_prints_composed() -> None:
    text = all_text(render_slip(slip(applicant_name=unicodedata.normalize("NFD", "Đặng Thị Mỹ"))))
    assert "Người nộp: Đặng Thị Mỹ" in text


def test_slip_without_counter_omits_the_line() -> None:
    assert "Quầy:" not in all_text(render_slip(slip(counter_name="")))


def test_slip_metadata() -> None:
    assert metadata(render_slip(slip()))["/Title"] == f"Phiếu hẹn trả kết quả - {CODE}"


def test_unsupported_roll_width_is_refused() -> None:
    with pytest.raises(ValueError):
        render_slip(slip(), width_mm=100)
