"""The form templates in force, by circular and effective date (sources: docs/forms.md).

Titles and numbers are the circulars' own. The sentences are this project's rendering of
each form's fields (docs/forms.md says which were checked against a source and which are
to be checked against the official annex before a ward relies on them).
To add a circular: append its templates with their effective date; never edit old ones,
dossiers received before the change keep printing with them. In the wording, `{name}` is a
slot the renderer fills (keep each slot when rewording); write `{{`/`}}` for a literal brace.
"""

from __future__ import annotations

from datetime import date

from printing.forms.registry import FormKind, FormTemplate

TT01_2018 = "Thông tư số 01/2018/TT-VPCP"
TT03_2025 = "Thông tư số 03/2025/TT-VPCP"
TT01_FROM = date(2018, 11, 23)  # its date of issue; in use until TT 03/2025 (docs/forms.md)
TT03_FROM = date(2025, 9, 15)  # issued and applied from this day (docs/forms.md)

APPLICANT_AND_FILE = ("Bản giao người nộp hồ sơ", "Bản lưu tại Bộ phận Một cửa")

_SUPPLEMENT = (
    ("applicant", "Hồ sơ của"),
    ("code", "Mã hồ sơ"),
    ("request", "Nội dung yêu cầu giải quyết"),
    ("items_intro", "Yêu cầu ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"),
    ("items_head", "STT|Giấy tờ, nội dung|Cần bổ sung, hoàn thiện"),
    ("reason", "Lý do"),
    ("contact", "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ "
                "{contact} để được hướng dẫn."),
    ("signer", "NGƯỜI HƯỚNG DẪN"),
    ("applicant_signer", "NGƯỜI NỘP HỒ SƠ"),
)

_REFUSAL = (
    ("intro", "{unit} tiếp nhận hồ sơ của: {applicant}"),
    ("code", "Mã hồ sơ"),
    ("request", "Nội dung yêu cầu giải quyết"),
    ("reasons_intro", "Qua xem xét, {unit} thông báo không tiếp nhận, giải quyết hồ sơ này "
                      "với lý do cụ thể như sau:"),
    ("closing", "Xin thông báo để ông/bà được biết và thực hiện./."),
    ("signer", "NGƯỜI TIẾP NHẬN HỒ SƠ"),
)

_LATE_COMMON = (
    ("to", "Kính gửi"),
    ("received", "Ngày {received}, {unit} tiếp nhận giải quyết hồ sơ của ông/bà {applicant}."),
    ("code", "Mã hồ sơ"),
    ("request", "Nội dung yêu cầu giải quyết"),
    ("due", "Thời gian hẹn trả kết quả giải quyết hồ sơ"),
    ("late", "Tuy nhiên đến nay, {fault} chưa trả được kết quả giải quyết hồ sơ của ông/bà "
             "đúng thời hạn. Lý do:"),
    ("closing", "Trân trọng./."),
)

_APOLOGY_TT01 = (*_LATE_COMMON,
    ("apology", "Sự chậm trễ này đã gây phiền hà cho ông/bà. {fault} xin lỗi ông/bà và hẹn "
                "lại thời gian trả kết quả vào {new_due}, tại {place}."),
)

_APOLOGY_TT03 = (*_LATE_COMMON,
    ("apology", "Sự chậm trễ này đã gây phiền hà cho ông/bà. {fault} xin lỗi ông/bà và đề nghị "
                "gia hạn thời gian giải quyết hồ sơ đến {new_due}; kết quả được trả tại {place}."),
)

_STOP_TT03 = (
    ("to", "Kính gửi"),
    ("received", "Ngày {received}, {unit} tiếp nhận hồ sơ của ông/bà {applicant}."),
    ("code", "Mã hồ sơ"),
    ("request", "Nội dung yêu cầu giải quyết"),
    ("stopped", "{unit} thông báo dừng giải quyết hồ sơ nêu trên kể từ {stopped}. Lý do:"),
    ("basis", "Căn cứ"),
    ("fees", "Phí, lệ phí đã nộp"),
    ("closing", "Xin thông báo để ông/bà được biết./."),
)

_CONTROL = (
    ("code", "Mã hồ sơ"),
    ("attached", "(Kèm theo hồ sơ của: {applicant})"),
    ("lead", "Cơ quan (bộ phận) giải quyết hồ sơ"),
    ("coordinating", "Cơ quan phối hợp giải quyết hồ sơ"),
    ("table_head", "TÊN CƠ QUAN|THỜI GIAN GIAO, NHẬN HỒ SƠ|KẾT QUẢ GIẢI QUYẾT HỒ SƠ|GHI CHÚ"),
    ("result_hint", "(Trước hạn/ đúng hạn/ quá hạn)"),
    ("give", "Giao"),
    ("take", "Nhận"),
    ("giver", "Người giao"),
    ("taker", "Người nhận"),
    ("early", "Trước hạn"),
    ("on_time", "Đúng hạn"),
    ("late", "Quá hạn"),
)

LEDGER_COLUMNS = (
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả - Ngày, tháng, năm",
    "Trả kết quả - Ký nhận", "Ghi chú",
)

_LEDGER = (
    ("columns", "|".join(LEDGER_COLUMNS)),
    ("returned_group", "Trả kết quả cho cá nhân, tổ chức"),
    ("period", "Từ ngày {date_from} đến ngày {date_to}"),
    ("book", "Quyển số"),
)

_FEE = (
    ("series", "Ký hiệu"),
    ("number", "Số"),
    ("payer", "Họ tên người nộp tiền"),
    ("address", "Địa chỉ"),
    ("code", "Mã hồ sơ"),
    ("procedure", "Thủ tục"),
    ("items_head", "STT|Nội dung thu|Số lượng|Số tiền (đồng)"),
    ("total", "Tổng cộng"),
    ("in_words", "Số tiền bằng chữ"),
    ("method", "Hình thức thanh toán"),
    ("payer_signer", "NGƯỜI NỘP TIỀN"),
    ("collector_signer", "NGƯỜI THU TIỀN"),
)


def _both(kind: FormKind, number_old: str, number_new: str, title: str,
          wording: tuple[tuple[str, str], ...],
          copies: tuple[str, ...] = ()) -> tuple[FormTemplate, FormTemplate]:
    """Return the TT 01/2018 and TT 03/2025 templates of a form whose wording did not change."""
    return (FormTemplate(kind, TT01_2018, TT01_FROM, number_old, title, wording, copies),
            FormTemplate(kind, TT03_2025, TT03_FROM, number_new, title, wording, copies))


TEMPLATES: tuple[FormTemplate, ...] = (
    *_both(FormKind.SUPPLEMENT_REQUEST, "02", "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
           _SUPPLEMENT, APPLICANT_AND_FILE),
    *_both(FormKind.REFUSAL, "03", "03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
           _REFUSAL, APPLICANT_AND_FILE),
    FormTemplate(FormKind.APOLOGY_EXTENSION, TT01_2018, TT01_FROM, "04",
                 "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", _APOLOGY_TT01),
    FormTemplate(FormKind.APOLOGY_EXTENSION, TT03_2025, TT03_FROM, "04",
                 "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", _APOLOGY_TT03),
    # TT 01/2018 has no stop notice: stopping a dossier received before 15/09/2025 raises
    # FormNotInForce and the caller decides (docs/forms.md).
    FormTemplate(FormKind.STOP_NOTICE, TT03_2025, TT03_FROM, "05",
                 "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", _STOP_TT03, APPLICANT_AND_FILE),
    *_both(FormKind.CONTROL_SLIP, "05", "06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
           _CONTROL),
    *_both(FormKind.LEDGER, "06", "07", "SỔ THEO DÕI HỒ SƠ", _LEDGER),
    # Not a VPCP form: the counter's own numbered receipt (docs/forms.md, fee receipt).
    FormTemplate(FormKind.FEE_RECEIPT, "", TT01_FROM, "", "BIÊN LAI THU PHÍ, LỆ PHÍ", _FEE,
                 ("Liên 1: Lưu tại Bộ phận Một cửa", "Liên 2: Giao người nộp tiền")),
)
