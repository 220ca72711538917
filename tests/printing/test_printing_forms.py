"""Forms 02–06 and the fee receipt: what the citizen and the units read on the printed page."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import forms_sample_data as sample
import pytest
from printing_pdf_probe import all_text, metadata, page_texts

from printing.forms.control_slip import render_control_slip
from printing.forms.fee_receipt import render_fee_receipt
from printing.forms.model import Applicant, FeeItem, ProblemItem
from printing.forms.notices import render_apology_extension, render_stop_notice
from printing.forms.reception import render_refusal, render_supplement_request
from printing.forms.registry import FormKind, FormNotInForce, form_for
from printing.forms.render import render_form

NEW, OLD = sample.NEW, sample.OLD
NEW_CODE, OLD_CODE = sample.code_for(NEW), sample.code_for(OLD)

HEADER = ("UBND PHƯỜNG THỤY KHUÊ", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

# (renderer, sample builder, received, title, caption, texts that must be printed)
CASES: list[tuple[Callable[..., bytes], Callable[..., Any], datetime, str, str, tuple[str, ...]]] = [
    (render_supplement_request, sample.supplement, NEW, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
     "Mẫu số 02 - Thông tư số 03/2025/TT-VPCP",
     ("Hồ sơ của: Nguyễn Thị Hồng Nhung", f"Mã hồ sơ: {NEW_CODE}", "Số: ……/……",
      "Nội dung yêu cầu giải quyết: Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
      "Số điện thoại: 0912 345 678", "Số định danh cá nhân: 001186012345",
      "1 Tờ khai đăng ký khai sinh Thiếu chữ ký của người đi đăng ký", "2 Giấy chứng sinh",
      "Đặng Thị Mỹ Duyên", "Lý do: Hồ sơ chưa đủ thành phần theo quy định của thủ tục",
      "Bộ phận Một cửa, quầy số 3, điện thoại 024 3845 1234", "NGƯỜI HƯỚNG DẪN",
      "Trần Văn Đức", "Hà Nội, ngày 23 tháng 11 năm 2026")),
    (render_supplement_request, sample.supplement, OLD, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
     "Mẫu số 02 - Thông tư số 01/2018/TT-VPCP", (f"Mã hồ sơ: {OLD_CODE}",)),
    (render_refusal, sample.refusal, NEW, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
     "Mẫu số 03 - Thông tư số 03/2025/TT-VPCP",
     ("tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung", f"Mã hồ sơ: {NEW_CODE}",
      "1. Thủ tục không thuộc thẩm quyền giải quyết của UBND phường Thụy Khuê",
      "2. Người yêu cầu đã đăng ký khai sinh cho trẻ tại UBND xã Tân Lập",
      "NGƯỜI TIẾP NHẬN HỒ SƠ")),
    (render_refusal, sample.refusal, OLD, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
     "Mẫu số 03 - Thông tư số 01/2018/TT-VPCP", (f"Mã hồ sơ: {OLD_CODE}",)),
    (render_apology_extension, sample.apology, NEW,
     "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
     "Mẫu số 04 - Thông tư số 03/2025/TT-VPCP",
     ("Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung", "Ngày 23/11/2026", f"Mã hồ sơ: {NEW_CODE}",
      "Thời gian hẹn trả kết quả giải quyết hồ sơ: 11 giờ 05 phút, ngày 26/11/2026",
      "Công chức Tư pháp - Hộ tịch chưa trả được kết quả",
      "1. Cần xác minh thông tin hộ tịch của người cha tại UBND xã Tân Lập",
      "đề nghị gia hạn thời gian giải quyết hồ sơ đến 10 giờ 05 phút, ngày 30/11/2026",
      "CHỦ TỊCH", "Lê Minh Tuấn")),
    (render_apology_extension, sample.apology, OLD, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
     "Mẫu số 04 - Thông tư số 01/2018/TT-VPCP",
     ("hẹn lại thời gian trả kết quả vào 15 giờ 20 phút, ngày 19/09/2025",
      "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 20 phút, ngày 15/09/2025")),
    (render_stop_notice, sample.stop_notice, NEW, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
     "Mẫu số 05 - Thông tư số 03/2025/TT-VPCP",
     (f"Mã hồ sơ: {NEW_CODE}", "thông báo dừng giải quyết hồ sơ nêu trên kể từ 11 giờ 05 phút, "
      "ngày 24/11/2026", "1. Người yêu cầu có đơn đề nghị rút hồ sơ",
      "Căn cứ: Đơn đề nghị rút hồ sơ của bà Nguyễn Thị Hồng Nhung",
      "Phí, lệ phí đã nộp: Không hoàn trả lệ phí đã nộp")),
    (render_control_slip, sample.control_slip, NEW, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
     "Mẫu số 06 - Thông tư số 03/2025/TT-VPCP",
     (f"Mã hồ sơ: {NEW_CODE}", "(Kèm theo hồ sơ của: Nguyễn Thị Hồng Nhung)",
      "Cơ quan (bộ phận) giải quyết hồ sơ: Công chức Tư pháp - Hộ tịch",
      "Cơ quan phối hợp giải quyết hồ sơ: UBND xã Tân Lập",
      "1. Giao: Bộ phận TN&TKQ Nhận: Công chức Tư pháp - Hộ tịch",
      "10 giờ 05 phút, ngày 23/11/2026", "Trần Văn Đức Phạm Thu Hà", "Trước hạn", "Đúng hạn",
      "Quá hạn", "Chờ xác minh tại xã Tân Lập")),
    (render_control_slip, sample.control_slip, OLD, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
     "Mẫu số 05 - Thông tư số 01/2018/TT-VPCP", (f"Mã hồ sơ: {OLD_CODE}",)),
    (render_fee_receipt, sample.fee_receipt, NEW, "BIÊN LAI THU PHÍ, LỆ PHÍ", "",
     ("Ký hiệu: BL-2026 Số: 0000123", "Họ tên người nộp tiền: Nguyễn Thị Hồng Nhung",
      f"Mã hồ sơ: {NEW_CODE}", "Lệ phí chứng thực bản sao (3 trang x 2 bản) 2 10.000 đ",
      "Tổng cộng 18.000 đ", "Số tiền bằng chữ: Mười tám nghìn đồng",
      "Hình thức thanh toán: Tiền mặt", "Thời gian thu: 09 giờ 05 phút, ngày 23/11/2026",
      "NGƯỜI THU TIỀN")),
]


@pytest.mark.parametrize(("render", "build", "received", "title", "caption", "texts"), CASES,
                         ids=[f"{c[0].__name__}-{c[2]:%Y}" for c in CASES])
def test_title_caption_header_and_data_are_printed(
        render: Callable[..., bytes], build: Callable[..., Any], received: datetime, title: str,
        caption: str, texts: tuple[str, ...]) -> None:
    text = all_text(render(build(received)))
    missing = [t for t in (title, caption, *HEADER, *texts) if t not in text]
    assert missing == []


COPIES = [(render_supplement_request, sample.supplement, 2), (render_refusal, sample.refusal, 2),
          (render_apology_extension, sample.apology, 1), (render_stop_notice, sample.stop_notice, 2),
          (render_control_slip, sample.control_slip, 1), (render_fee_receipt, sample.fee_receipt, 2)]


@pytest.mark.parametrize(("render", "build", "copies"), COPIES,
                         ids=[c[0].__name__ for c in COPIES])
def test_one_page_per_copy_each_labelled(render: Callable[..., bytes], build: Callable[..., Any],
                                         copies: int) -> None:
    pages = page_texts(render(build()))
    labels = _labels(render)
    assert len(pages) == copies
    assert len(labels) == (copies if copies > 1 else 0)
    assert all(label in page for label, page in zip(labels, pages, strict=False))


def _labels(render: Callable[..., bytes]) -> tuple[str, ...]:
    """Return the copy labels of the template the sample prints with."""
    kinds = {render_supplement_request: FormKind.SUPPLEMENT_REQUEST,
             render_refusal: FormKind.REFUSAL, render_apology_extension: FormKind.APOLOGY_EXTENSION,
             render_stop_notice: FormKind.STOP_NOTICE, render_control_slip: FormKind.CONTROL_SLIP,
             render_fee_receipt: FormKind.FEE_RECEIPT}
    return form_for(kinds[render], NEW).copies


def test_copies_are_the_applicants_and_the_files() -> None:
    first, second = page_texts(render_supplement_request(sample.supplement()))
    assert "Bản giao người nộp hồ sơ" in first and "Bản lưu tại Bộ phận Một cửa" in second


def test_stop_notice_has_no_form_before_circular_03_2025() -> None:
    with pytest.raises(FormNotInForce):
        render_stop_notice(sample.stop_notice(OLD))


def test_explicit_template_wins_over_the_received_date() -> None:
    new_form = form_for(FormKind.STOP_NOTICE, NEW)
    text = all_text(render_stop_notice(sample.stop_notice(OLD), template=new_form))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and OLD_CODE in text


def test_template_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        render_refusal(sample.refusal(), template=form_for(FormKind.LEDGER, NEW))


@pytest.mark.parametrize(("render", "data"), [
    (render_refusal, sample.refusal(reasons=("  ",))),
    (render_apology_extension, sample.apology(reasons=())),
    (render_stop_notice, sample.stop_notice(reasons=("",))),
])
def test_a_written_reason_is_required(render: Callable[..., bytes], data: Any) -> None:
    with pytest.raises(ValueError):
        render(data)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        render_control_slip(sample.control_slip(printed_at=datetime(2026, 11, 23, 9, 0)))


def test_times_print_in_vietnam_time() -> None:
    utc_new_due = datetime(2026, 11, 30, 2, 5, tzinfo=UTC)  # 09:05 in Hà Nội
    text = all_text(render_apology_extension(sample.apology(new_due_at=utc_new_due)))
    assert "09 giờ 05 phút, ngày 30/11/2026" in text


def test_decomposed_input_prints_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert nfd != "Nguyễn Thị Hồng Nhung"
    dossier = replace(sample.dossier(), applicant=Applicant(nfd, "Hà Nội"))
    text = all_text(render_refusal(sample.refusal(dossier=dossier)))
    assert "Nguyễn Thị Hồng Nhung" in text and "\u0303" not in text and "\u0323" not in text


def test_markup_characters_print_literally() -> None:
    text = all_text(render_supplement_request(sample.supplement(reason="Thiếu <b>A&B</b> {x}")))
    assert "Lý do: Thiếu <b>A&B</b> {x}" in text


def test_long_item_list_runs_over_pages_with_header_and_page_numbers() -> None:
    items = tuple(ProblemItem(f"Giấy tờ số {n}", "Thiếu bản chính") for n in range(1, 41))
    pages = page_texts(render_supplement_request(sample.supplement(items=items)))
    per_copy = len(pages) // 2
    assert per_copy >= 2
    assert "Giấy tờ số 40" in pages[per_copy - 1] and "Giấy tờ số 40" not in pages[0]
    assert all("STT Giấy tờ, nội dung Cần bổ sung, hoàn thiện" in p for p in pages[:per_copy])
    assert f"Trang {per_copy}/{per_copy}" in pages[per_copy - 1]


def test_metadata_names_the_form_and_dossier() -> None:
    info = metadata(render_refusal(sample.refusal()))
    assert info["/Title"] == f"Phiếu từ chối tiếp nhận giải quyết hồ sơ - {NEW_CODE}"
    assert info["/Author"] == "UBND PHƯỜNG THỤY KHUÊ"


def test_render_form_dispatches_on_the_data() -> None:
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in all_text(render_form(sample.fee_receipt()))
    assert "SỔ THEO DÕI HỒ SƠ" in all_text(render_form(sample.ledger(3)))
    with pytest.raises(TypeError):
        render_form("not a form")  # type: ignore[arg-type]


def test_negative_fee_is_refused() -> None:
    line = FeeItem("Lệ phí", -1)
    with pytest.raises(ValueError):
        render_fee_receipt(sample.fee_receipt(items=(line,)))
