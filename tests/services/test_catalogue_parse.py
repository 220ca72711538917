"""Parsing and validating catalogue files, without a database."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.services.catalogue import (
    ComponentRecord,
    ProcedureRecord,
    parse_catalogue_csv,
    parse_catalogue_json,
)
from counter_app.services.catalogue_io import (
    CSV_COLUMNS,
    CatalogueFileInvalid,
    FileProblem,
    catalogue_rows,
)

HEADER = ",".join(CSV_COLUMNS) + "\n"


def _proc(code: str = "2.000815", **over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": code,
        "name": "Chứng thực bản sao từ bản chính",
        "field_code": "CT",
        "field_name": "Chứng thực",
        "duration": {"kind": "same_day"},
        "fee": {"kind": "free"},
        "effective_from": "2025-07-01",
        "components": [{"name": "Bản chính", "originals": 1}],
    }
    d.update(over)
    return d


def _json(*procs: Any) -> bytes:
    return json.dumps({"procedures": list(procs)}, ensure_ascii=False).encode()


def _row(**cells: object) -> str:
    base: dict[str, object] = {
        "ma_thu_tuc": "2.000815", "ten_thu_tuc": "Chứng thực bản sao", "ma_linh_vuc": "CT",
        "ten_linh_vuc": "Chứng thực", "thoi_han_loai": "same_day", "phi_loai": "free",
        "hieu_luc_tu": "2025-07-01", "thanh_phan": "Bản chính", "ban_chinh": 1,
    }  # fmt: skip
    base.update(cells)
    out = io.StringIO()
    csv.writer(out).writerow([base.get(c, "") for c in CSV_COLUMNS])
    return out.getvalue()


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("2.000815", True),
        ("1.004222", True),
        ("2.000815.000.00.12.H26", True),  # local variant <code>.<agency code>
        ("2.000815.H55", True),
        ("2.00081", False),
        ("12.000815", False),
        ("2.000815.", False),
        ("2.000815-H26", False),
        ("", False),
    ],
)
def test_procedure_code_shape(code: str, ok: bool) -> None:
    records, rejected = parse_catalogue_json(_json(_proc(code)))
    assert (len(records), len(rejected)) == ((1, 0) if ok else (0, 1))


def test_duration_is_kept_in_working_hours() -> None:
    procs = [
        _proc("1.000001", duration={"kind": "same_day"}),
        _proc("1.000002", duration={"kind": "working_days", "days": 3}),
        _proc("1.000003", duration={"kind": "working_hours", "hours": 4}),
    ]
    records, _ = parse_catalogue_json(_json(*procs))
    assert [(r.duration_kind, r.duration_hours) for r in records] == [
        ("same_day", 0),
        ("working_days", 24),
        ("working_hours", 4),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"duration": {"kind": "weeks", "days": 1}},
        {"duration": {"kind": "working_days", "days": 0}},
        {"duration": {"kind": "working_days", "days": "ba"}},
        {"fee": {"kind": "flat", "amount": -1}},
        {"fee": {"kind": "per_page", "amount": 1}},
        {"fee": {"kind": "free", "amount": 5000}},
        {"name": "   "},
        {"effective_from": "2025-13-01"},
        {"effective_to": "2025-07-01"},  # not after effective_from
        {"components": []},
        {"components": [{"name": "Tờ khai", "originals": -1}]},
        {"components": [{"name": "Tờ khai", "originals": 1, "required": "yes"}]},
        {"components": [{"name": "Tờ khai"}, {"name": "TỜ KHAI"}]},
    ],
)
def test_invalid_procedures_are_rejected_with_reasons(bad: dict[str, Any]) -> None:
    records, rejected = parse_catalogue_json(_json(_proc("1.000001"), _proc(**bad)))
    assert [r.code for r in records] == ["1.000001"]
    assert [r.source_row for r in rejected] == [2]
    assert rejected[0].reasons and all(rejected[0].reasons)


def test_duplicate_code_and_date_in_one_file() -> None:
    later = _proc(effective_from="2026-01-01", fee={"kind": "flat", "amount": 1000})
    records, rejected = parse_catalogue_json(_json(_proc(), _proc(), later))
    assert [(r.source_row, r.effective_from) for r in records] == [
        (1, date(2025, 7, 1)),
        (3, date(2026, 1, 1)),
    ]
    assert [(r.source_row, r.code) for r in rejected] == [(2, "2.000815")]


def test_json_bare_list_bom_and_extra_keys() -> None:
    data = "\ufeff" + json.dumps([_proc(confidence="M", note="cần đối chiếu")])
    records, rejected = parse_catalogue_json(data.encode("utf-8"))
    assert (len(records), rejected) == (1, [])


def test_csv_vietnamese_headers_semicolons_and_money() -> None:
    data = (
        "Mã thủ tục;Tên thủ tục;Mã lĩnh vực;Tên lĩnh vực;Thời hạn loại;Thời hạn số;Phí loại;"
        "Phí số tiền;Hiệu lực từ;Thành phần;Bản chính;Bản sao chứng thực;Bản photo;Bắt buộc\n"
        "2.000884;Chứng thực chữ ký;CT;Chứng thực;Trong ngày;;Cố định;10.000 đ;01/07/2025;"
        "Giấy tờ cần ký;1;;;Có\n"
    )
    records, rejected = parse_catalogue_csv(data.encode("utf-8"))
    assert rejected == []
    assert records[0].fee_rule == {"kind": "flat", "amount": 10_000}
    assert records[0].components == (ComponentRecord("Giấy tờ cần ký", 1, 0, 0, True),)


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed where possible, one tone mark apart."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base, marks = decomposed[0], list(decomposed[1:])
        for tone in marks:
            rest = unicodedata.normalize("NFC", base + "".join(m for m in marks if m != tone))
            try:
                out += rest.encode("cp1258") + tone.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


def test_csv_in_windows_1258_is_refused_with_a_clear_error() -> None:
    # Issue 7: UTF-8 (BOM or not) or UTF-16 with BOM; a clear error for anything else.
    data = _cp1258(HEADER + _row(ten_thu_tuc="Chứng thực bản sao từ bản chính"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with pytest.raises(CatalogueFileInvalid) as err:
        parse_catalogue_csv(data)
    assert err.value.reason is FileProblem.ENCODING and err.value.data["line"] == 2


def test_damaged_utf8_bytes_reject_only_their_row() -> None:
    good = _row(ma_thu_tuc="1.000894", ten_thu_tuc="Đăng ký kết hôn").encode("utf-8")
    damaged = (
        _row(ten_thu_tuc="Chứng thực bản sao").encode("utf-8").replace(b"\xe1\xbb\xa9", b"\xe1")
    )
    records, rejected = parse_catalogue_csv(HEADER.encode() + good + damaged)
    assert [r.name for r in records] == ["Đăng ký kết hôn"]
    assert [(r.source_row, r.code) for r in rejected] == [(3, "2.000815")]


def test_csv_row_problems_reject_the_whole_procedure() -> None:
    data = (
        HEADER
        + _row()  # row 2
        + "\n"  # row 3 blank: skipped, still counted
        + _row(thanh_phan="Bản sao", ban_chinh=0, ban_photo="hai")  # row 4
        + _row(ma_thu_tuc="1.001193", ten_thu_tuc="Đăng ký khai sinh", thanh_phan="Tờ khai")
        + _row(ma_thu_tuc="1.001193", ten_thu_tuc="Đăng ký khai sinh", thanh_phan="Tờ khai")
        + _row(ma_thu_tuc="1.000656", ten_thu_tuc="Đăng ký khai tử", thanh_phan="Tờ khai")
        + _row(ma_thu_tuc="1.000656", ten_thu_tuc="Đăng ký khai tử", thanh_phan="Giấy báo tử")
        + _row(ma_thu_tuc="1.000656", ten_thu_tuc="Khai tử", thanh_phan="Giấy tờ tùy thân")
        + _row(ma_thu_tuc="1.000894", ten_thu_tuc="Đăng ký kết hôn", bat_buoc="có lẽ")
        + _row(ma_thu_tuc="1.004837", ten_thu_tuc="Đăng ký giám hộ", thanh_phan="Tờ khai")
    )
    records, rejected = parse_catalogue_csv(data.encode("utf-8"))
    assert [r.code for r in records] == ["1.004837"]
    rows = {r.source_row: r.code for r in rejected}
    assert rows == {
        2: "2.000815", 4: "2.000815",  # photocopies "hai" on row 4
        5: "1.001193", 6: "1.001193",  # the same component twice
        7: "1.000656", 8: "1.000656", 9: "1.000656",  # row 9 renames the procedure
        10: "1.000894",  # "có lẽ" is not yes or no
    }  # fmt: skip


def test_csv_header_row_only_gives_nothing() -> None:
    assert parse_catalogue_csv(HEADER.encode()) == ([], [])


_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọờởỡớợùủũúụừửữứựỳỷỹýỵ"
_words = st.text(alphabet=_LETTERS + _LETTERS.upper() + " ,()", min_size=1, max_size=40)


@st.composite
def _records(draw: st.DrawFn) -> ProcedureRecord:
    name = draw(_words.filter(lambda s: s.strip(" ,()")))
    components = draw(
        st.lists(
            st.builds(
                ComponentRecord,
                _words.filter(lambda s: s.strip(" ,()")),
                st.integers(0, 5),
                st.integers(0, 5),
                st.integers(0, 5),
                st.booleans(),
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda c: " ".join(c.name.lower().split()),
        )
    )
    kind = draw(st.sampled_from(["same_day", "working_days", "working_hours"]))
    hours = {"same_day": 0, "working_days": 8 * draw(st.integers(1, 30))}.get(
        kind, draw(st.integers(1, 40))
    )
    fee: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"kind": "free"},
                {"kind": "flat", "amount": 20_000, "online_amount": 10_000},
                {"kind": "per_copy", "amount": 8_000},
                {"kind": "province", "amount": 0, "note": "Mức thu do Hội đồng nhân dân tỉnh quy định"},
                {"kind": "per_page_tiered", "cap_per_copy": 200_000, "first_page_amount": 2_000,
                 "first_pages": 2, "next_page_amount": 1_000},
            ]
        )
    )  # fmt: skip
    return ProcedureRecord(
        "2.000815", name, "CT", "Chứng thực", kind, hours, fee, "Nghị định 23/2015/NĐ-CP",
        date(2025, 7, 1), None, tuple(components),
    )  # fmt: skip


def _normalized(rec: ProcedureRecord) -> ProcedureRecord:
    """What the parser makes of a record: NFC, stripped, spaces collapsed."""

    def clean(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).split())

    comps = tuple(
        ComponentRecord(clean(c.name), c.originals, c.certified_copies, c.photocopies, c.required)
        for c in rec.components
    )
    return ProcedureRecord(
        rec.code, clean(rec.name), rec.field_code, rec.field_name, rec.duration_kind,
        rec.duration_hours, rec.fee_rule, rec.legal_basis, rec.effective_from, None, comps,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(_records())
def test_csv_round_trip(rec: ProcedureRecord) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(catalogue_rows([rec]))
    records, rejected = parse_catalogue_csv(out.getvalue().encode("utf-8-sig"))
    assert rejected == []
    assert records == [_normalized(rec)]
