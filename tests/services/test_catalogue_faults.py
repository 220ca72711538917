"""Catalogue import against hostile or broken files (issue 7, item 7): no input crashes it, a
bad row is reported and the good rows land; a file that cannot be read at all is refused with
a typed error (``CatalogueFileInvalid.reason``), never a traceback."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from catalogue_helpers import proc_data
from openpyxl import Workbook

from counter_app.domain.catalogue import MAX_COPIES, MAX_TEXT
from counter_app.domain.clock import FixedClock, local_day
from counter_app.services.accounts import OfficialPublic
from counter_app.services.catalogue import CatalogueService
from counter_app.services.catalogue_io import (
    CSV_COLUMNS,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    CatalogueFileInvalid,
    FileProblem,
    parse_catalogue_csv,
    parse_catalogue_json,
    parse_catalogue_xlsx,
)

GOOD = "1.999001"


def _json_file(tmp_path: Path, *items: Any, name: str = "c.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"procedures": list(items)}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def _csv(*rows: dict[str, object]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for cells in rows:
        base: dict[str, object] = {
            "ma_thu_tuc": GOOD, "ten_thu_tuc": "Chứng thực bản sao", "ma_linh_vuc": "CT",
            "ten_linh_vuc": "Chứng thực", "thoi_han_loai": "same_day", "phi_loai": "free",
            "hieu_luc_tu": "2025-07-01", "thanh_phan": "Bản chính", "ban_chinh": 1,
        }  # fmt: skip
        base.update(cells)
        w.writerow([base.get(c, "") for c in CSV_COLUMNS])
    return out.getvalue()


def _import(catalogue: CatalogueService, admin: OfficialPublic, path: Path,
            clock: FixedClock) -> Any:
    return catalogue.import_file(path, by=admin, today=local_day(clock.now()))


def _component(**over: Any) -> dict[str, Any]:
    return {"name": "Tờ khai", "originals": 1, **over}


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10**20, -1, MAX_COPIES + 1, 1e300, "1" * 5000])
def test_an_absurd_count_rejects_its_row_and_the_good_rows_land(
        catalogue: CatalogueService, admin: OfficialPublic, clock: FixedClock,
        tmp_path: Path, count: Any) -> None:
    bad = proc_data("2.000884", components=[_component(originals=count)])
    report = _import(catalogue, admin, _json_file(tmp_path, bad, proc_data(GOOD)), clock)
    assert report.added == 1 and [r.code for r in report.rejected] == ["2.000884"]
    assert catalogue.in_force(GOOD, on=local_day(clock.now())).code == GOOD


def test_a_5000_digit_number_anywhere_in_json_is_one_bad_row(
        catalogue: CatalogueService, admin: OfficialPublic, clock: FixedClock,
        tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    big = "9" * 5000
    text = json.dumps({"procedures": [proc_data("2.000884", fee={"kind": "flat",
                                                                  "amount": 0}),
                                      proc_data(GOOD)]})
    path.write_text(text.replace('"amount": 0', f'"amount": {big}'), encoding="utf-8")
    report = _import(catalogue, admin, path, clock)
    assert report.added == 1 and [r.source_row for r in report.rejected] == [1]


@pytest.mark.parametrize("cell", ["1" * 5000, str(10**20), "-3", "٣", "３"])
def test_csv_counts_that_are_not_small_ascii_numbers_are_refused(cell: str) -> None:
    data = _csv({"ban_chinh": cell}, {"ma_thu_tuc": "2.000884"})
    records, rejected = parse_catalogue_csv(data.encode())
    assert [r.code for r in records] == ["2.000884"]
    assert [(r.source_row, r.code) for r in rejected] == [(2, GOOD)]


@pytest.mark.parametrize("duration", [{"kind": "working_days", "days": 10**20},
                                      {"kind": "working_hours", "hours": 10**9}])
def test_durations_and_fees_are_bounded(duration: dict[str, Any]) -> None:
    data = json.dumps({"procedures": [
        proc_data(GOOD, duration=duration),
        proc_data("2.000884", fee={"kind": "flat", "amount": 10**20}),
        proc_data("1.999002")]}).encode()
    records, rejected = parse_catalogue_json(data)
    assert [r.code for r in records] == ["1.999002"]
    assert [r.source_row for r in rejected] == [1, 2]


# -- structure and size ---------------------------------------------------------------------


def test_json_nested_200000_deep_is_refused_cleanly() -> None:
    data = b'{"procedures": [' + b"[" * 200_000 + b"]" * 200_000 + b"]}"
    with pytest.raises(CatalogueFileInvalid) as err:
        parse_catalogue_json(data)
    assert err.value.reason is FileProblem.TOO_DEEP
    assert err.value.data["limit"] == MAX_JSON_DEPTH


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    records, rejected = parse_catalogue_json(json.dumps(
        {"procedures": [proc_data(GOOD, legal_basis="[" * 500 + "{" * 500)]}).encode())
    assert [r.code for r in records] == [GOOD] and rejected == []


def test_a_100_mb_field_is_refused_before_it_is_read(
        catalogue: CatalogueService, admin: OfficialPublic, clock: FixedClock,
        tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.write(_csv({}).encode() + b'2.000884,"')
        f.seek(100 * 1024 * 1024)  # sparse: the disk is not filled
        f.write(b'",CT\n')
    with pytest.raises(CatalogueFileInvalid) as err:
        _import(catalogue, admin, path, clock)
    assert err.value.reason is FileProblem.TOO_LARGE
    assert err.value.data["limit"] == MAX_FILE_BYTES


def test_a_long_field_within_the_file_limit_rejects_only_its_row() -> None:
    # Longer than csv's own 128 KB field limit, which used to end in a traceback.
    data = _csv({"ten_thu_tuc": "x" * 1_000_000}, {"ma_thu_tuc": "2.000884"})
    records, rejected = parse_catalogue_csv(data.encode())
    assert [r.code for r in records] == ["2.000884"]
    assert [r.source_row for r in rejected] == [2]
    assert f"tối đa {MAX_TEXT}" in rejected[0].reasons[0]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table() -> list[list[object]]:
    return [list(r) for r in csv.reader(io.StringIO(_csv({}, {"ma_thu_tuc": "2.000884"})))]


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9, 0.99])
def test_a_cut_xlsx_is_refused_cleanly(cut: float) -> None:
    data = _xlsx(_table())
    with pytest.raises(CatalogueFileInvalid) as err:
        parse_catalogue_xlsx(data[: int(len(data) * cut)])
    assert err.value.reason is FileProblem.SYNTAX


def test_an_xlsx_formula_cell_is_refused_not_run() -> None:
    table = _table()
    table[1][1] = "=CONCAT(\"Chứng \",\"thực\")"
    records, rejected = parse_catalogue_xlsx(_xlsx(table))
    assert [r.code for r in records] == ["2.000884"]
    assert [r.source_row for r in rejected] == [2]


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: p / "missing.csv", FileProblem.NOT_FOUND),
    (lambda p: (p / "folder.csv").mkdir() or p / "folder.csv", FileProblem.NOT_A_FILE),
    (lambda p: p / "c.txt", FileProblem.UNSUPPORTED_TYPE),
])
def test_missing_file_folder_and_wrong_type(
        catalogue: CatalogueService, admin: OfficialPublic, clock: FixedClock,
        tmp_path: Path, make: Any, reason: FileProblem) -> None:
    with pytest.raises(CatalogueFileInvalid) as err:
        _import(catalogue, admin, make(tmp_path), clock)
    assert err.value.reason is reason


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),  # with its BOM
    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
])
def test_utf8_with_or_without_bom_and_utf16_with_bom(encode: Any) -> None:
    text = _csv({"ten_thu_tuc": "Chứng thực bản sao điện tử"})
    records, rejected = parse_catalogue_csv(encode(text))
    assert rejected == [] and records[0].name == "Chứng thực bản sao điện tử"
    json_text = json.dumps({"procedures": [proc_data(GOOD)]}, ensure_ascii=False)
    assert len(parse_catalogue_json(encode(json_text))[0]) == 1


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-16-le"),  # no BOM
    lambda t: t.encode("utf-32"),
    lambda t: t.encode("latin-1", errors="replace"),
    lambda t: t.encode("cp1258", errors="replace"),
])
def test_any_other_encoding_is_a_clear_error(encode: Any) -> None:
    text = _csv({"ten_thu_tuc": "Chứng thực ở Hà Nội đã được ký"})
    for parse in (parse_catalogue_csv, parse_catalogue_json):
        with pytest.raises(CatalogueFileInvalid) as err:
            parse(encode(text))
        assert err.value.reason in (FileProblem.ENCODING, FileProblem.SYNTAX,
                                    FileProblem.MISSING_COLUMNS)
    with pytest.raises(CatalogueFileInvalid) as err:
        parse_catalogue_csv(encode(text))
    assert err.value.reason is FileProblem.ENCODING


# -- cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+84912", "-Nghị định", "@SUM(A1)", " =1",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_cells_are_refused_on_import(cell: str) -> None:
    for column in ("ten_thu_tuc", "can_cu_phap_ly", "thanh_phan", "ten_linh_vuc"):
        data = _csv({column: cell}, {"ma_thu_tuc": "2.000884"})
        records, rejected = parse_catalogue_csv(data.encode())
        assert [r.code for r in records] == ["2.000884"], column
        assert [r.source_row for r in rejected] == [2], column


@pytest.mark.parametrize("cell", ["Tờ\x00 khai", "Tờ khai\x07", "\x1bTờ khai", "Tờ\x7f"])
def test_nul_and_control_characters_are_refused_as_at_intake(cell: str) -> None:
    records, rejected = parse_catalogue_json(json.dumps({"procedures": [
        proc_data(GOOD, components=[_component(name=cell)]),
        proc_data("2.000884", name=cell), proc_data("1.999002"),
        proc_data("1.999003", fee={"kind": "flat", "amount": 1, "note": cell}),
    ]}).encode())
    assert [r.code for r in records] == ["1.999002"]
    assert [r.source_row for r in rejected] == [1, 2, 4]


@pytest.mark.parametrize("code", ["２.000815", "2.٠٠٠815", "2.000815..H1",
                                  "2.000815.H26.", "2,000815"])
def test_codes_accept_only_ascii_digits_and_dots(code: str) -> None:
    records, rejected = parse_catalogue_json(json.dumps(
        {"procedures": [proc_data(code), proc_data(GOOD)]}).encode())
    assert [r.code for r in records] == [GOOD] and [r.source_row for r in rejected] == [1]
