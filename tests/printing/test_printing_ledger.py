"""The ledger (Sổ theo dõi hồ sơ): A4 landscape PDF with its header on every page, and XLSX."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import forms_sample_data as sample
import openpyxl
import pypdf
import pytest
from printing_pdf_probe import all_text, page_texts

from printing.forms.ledger_pdf import render_ledger_pdf
from printing.forms.ledger_xlsx import neutralize, render_ledger_xlsx
from printing.forms.registry import FormKind, form_for

HEAD_PDF = ("STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
            "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết",
            "Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
            "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức",
            "Ngày, tháng, năm", "Ký nhận", "Ghi chú", "(1)", "(14)")


def _squash(text: str) -> str:
    """Return text without any whitespace: header cells wrap at widths that depend on the font."""
    return re.sub(r"\s+", "", text)


def test_pdf_is_a4_landscape_with_title_period_and_form_number() -> None:
    pdf = render_ledger_pdf(sample.ledger(5))
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    text = all_text(pdf)
    for expected in ("SỔ THEO DÕI HỒ SƠ", "Mẫu số 07 - Thông tư số 03/2025/TT-VPCP",
                     "Từ ngày 01/11/2026 đến ngày 28/11/2026 - Quyển số: 03/2026",
                     "UBND PHƯỜNG THỤY KHUÊ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert expected in text


def test_old_period_uses_form_06_of_circular_01_2018() -> None:
    data = sample.ledger(3, sample.OLD, date_from=date(2025, 8, 1), date_to=date(2025, 8, 31))
    assert "Mẫu số 06 - Thông tư số 01/2018/TT-VPCP" in all_text(render_ledger_pdf(data))


def test_every_row_and_column_is_printed() -> None:
    data = sample.ledger(12)
    text = _squash(all_text(render_ledger_pdf(data)))
    for row in data.rows:
        values = [row.code, row.procedure_name, row.applicant_name, row.address, row.phone,
                  row.lead_unit, f"{row.received_at:%d/%m/%Y%H:%M}", f"{row.due_at:%d/%m/%Y}",
                  row.returned_to, row.note]
        assert [v for v in values if _squash(v) not in text] == [], row.number
    for done in (data.rows[0].sent_at, data.rows[0].result_received_at, data.rows[0].returned_at):
        assert done is not None and f"{done:%d/%m/%Y%H:%M}" in text


def test_header_row_repeats_on_every_page_with_page_numbers() -> None:
    data = sample.ledger(60)
    pages = page_texts(render_ledger_pdf(data))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        squashed = _squash(page)
        assert [h for h in HEAD_PDF if _squash(h) not in squashed] == [], number
        assert f"Trang {number}/{len(pages)}" in page
    assert "SỔ THEO DÕI HỒ SƠ" in pages[0] and "SỔ THEO DÕI HỒ SƠ" not in pages[1]
    codes = [_squash(row.code) for row in data.rows]
    found = [sum(code in _squash(p) for p in pages) for code in codes]
    assert found == [1] * len(codes)  # each line once, none lost at a page break


def test_long_cells_wrap_and_are_cut_not_lost_off_the_page() -> None:
    long_note = "Ghi chú rất dài " * 60
    row = sample.ledger_rows(1)[0]
    data = sample.ledger(1, rows=(row.__class__(**{**row.__dict__, "note": long_note}),))
    text = all_text(render_ledger_pdf(data))
    assert "…" in text and len(page_texts(render_ledger_pdf(data))) == 1


def test_empty_period_prints_the_header() -> None:
    assert "Ghi chú" in all_text(render_ledger_pdf(sample.ledger(0)))


def test_wrong_template_is_refused() -> None:
    with pytest.raises(ValueError):
        render_ledger_pdf(sample.ledger(1), template=form_for(FormKind.REFUSAL, sample.NEW))


def _sheet(data: object) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(render_ledger_xlsx(data)))  # type: ignore[arg-type]
    return list(book.active.iter_rows(values_only=True))


def test_xlsx_has_title_header_and_one_row_per_dossier() -> None:
    data = sample.ledger(9)
    rows = _sheet(data)
    assert rows[0][0] == "UBND PHƯỜNG THỤY KHUÊ - BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
    assert rows[0][-1] == "Mẫu số 07 - Thông tư số 03/2025/TT-VPCP"
    assert rows[1][0] == "SỔ THEO DÕI HỒ SƠ"
    assert rows[4][:3] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính")
    assert rows[4][11] == "Trả kết quả cho cá nhân, tổ chức - Ngày, tháng, năm"
    assert len(rows[4]) == 14 and rows[5][13] == "(14)"
    body = rows[6:]
    assert [r[1] for r in body] == [r.code for r in data.rows]
    first = data.rows[0]
    assert body[0][0] == 1 and body[0][3] == first.sets_count
    assert body[0][7] == first.received_at.replace(tzinfo=None)  # Vietnam wall time
    assert body[3][9] is None  # not yet sent: an empty cell, not a text


def test_xlsx_times_are_vietnam_wall_time() -> None:
    row = sample.ledger_rows(1)[0]
    utc = datetime(2026, 11, 23, 2, 15, tzinfo=UTC)  # 09:15 in Hà Nội
    data = sample.ledger(1, rows=(row.__class__(**{**row.__dict__, "received_at": utc}),))
    assert _sheet(data)[6][7] == datetime(2026, 11, 23, 9, 15)


def test_xlsx_neutralizes_formula_like_texts() -> None:
    rows = _sheet(sample.ledger(8))[6:]
    names = [r[4] for r in rows]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert not any(isinstance(n, str) and n.startswith(("=", "+", "-", "@")) for n in names)


@pytest.mark.parametrize(("raw", "safe"), [
    ("=1+2", "'=1+2"), ("+84 912", "'+84 912"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("Nguyễn Văn A", "Nguyễn Văn A"), ("a=b", "a=b"), ("x\x07y", "xy"),
])
def test_neutralize(raw: str, safe: str) -> None:
    assert neutralize(raw) == safe
