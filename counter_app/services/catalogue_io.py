"""Procedure catalogue files (JSON, CSV, XLSX) read into validated, NFC-normalized records.

JSON: ``{"procedures": [{code, name, field_code, field_name, duration: {kind, days|hours},
fee: {FeeRule JSON}, legal_basis, effective_from, effective_to?, components: [{name, originals,
certified_copies, photocopies, required?}]}]}`` or a bare list; a procedure's source row is its
1-based position in the list. Other keys (confidence, note) are documentation and ignored.
The item rules themselves are pure and shared with the upstream server: ``counter_app.domain.
catalogue``.

Text files (JSON, CSV) are UTF-8 with or without a BOM, or UTF-16 with its BOM; anything else
is refused with a clear error (``FileProblem.ENCODING``). Limits: ``MAX_FILE_BYTES``,
``MAX_JSON_DEPTH``, ``MAX_ROWS`` here, cell limits in ``counter_app.domain.catalogue``. A text
cell starting with ``= + - @`` (a spreadsheet would run it as a formula) is refused.

CSV and XLSX (first sheet): header in row 1,
one row per component (thành phần hồ sơ), procedure columns repeated; rows are numbered as a
spreadsheet shows them (first data row = 2). Headers are compared without diacritics, case or
punctuation, so "Mã thủ tục" is ``ma_thu_tuc``. Columns (* = required)::

    ma_thu_tuc*  ten_thu_tuc*  ma_linh_vuc*  ten_linh_vuc*
    thoi_han_loai*  same_day | working_days | working_hours ("trong ngày", "ngày làm việc", ...)
    thoi_han_so     days or hours (empty for same_day)
    phi_loai*       free | flat | per_page_tiered | per_copy | province ("miễn phí", "cố định",
                    "theo trang", "theo bản", "tỉnh quy định")
    phi_so_tien     amount (flat, per_copy, province)     phi_truc_tuyen  amount when online
    phi_so_trang_dau, phi_trang_dau, phi_trang_sau, phi_toi_da   per_page_tiered: pages at the
                    first price, first-page price, later-page price, cap per copy
    phi_ghi_chu     fee note                              can_cu_phap_ly  legal basis
    hieu_luc_tu*    2025-07-01 or 01/07/2025              hieu_luc_den    exclusive end, optional
    thanh_phan*     document name     ban_chinh, ban_sao_chung_thuc, ban_photo   counts (empty=0)
    bat_buoc        có/không (empty = có)

Rows of one procedure (same code and effective date) must repeat the same procedure columns; if
any row of a procedure is wrong, none of its rows is imported and every one is reported.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter_app.domain.catalogue import (
    CODE_PATTERN,
    DURATION_KINDS,
    HOURS_PER_DAY,
    MAX_TEXT,
    ComponentRecord,
    ParseResult,
    ProcedureRecord,
    RejectedRow,
    as_int,
    component_record,
    duplicate_name,
    parse_procedure_items,
    procedure_head,
    procedure_record,
    row_code,
)
from counter_app.domain.text import fold
from counter_app.services.catalogue_files import (
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_ROWS,
    CatalogueFileInvalid,
    FileProblem,
    check_rows,
    check_size,
    decode_text,
    load_json,
    read_catalogue_bytes,
)

__all__ = [
    "CODE_PATTERN",
    "CSV_COLUMNS",
    "DURATION_KINDS",
    "HOURS_PER_DAY",
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_ROWS",
    "MAX_TEXT",
    "CatalogueFileInvalid",
    "ComponentRecord",
    "FileProblem",
    "ParseResult",
    "ProcedureRecord",
    "RejectedRow",
    "catalogue_rows",
    "decode_text",
    "parse_catalogue_csv",
    "parse_catalogue_file",
    "parse_catalogue_json",
    "parse_catalogue_xlsx",
]


CSV_COLUMNS = (
    "ma_thu_tuc", "ten_thu_tuc", "ma_linh_vuc", "ten_linh_vuc", "thoi_han_loai", "thoi_han_so",
    "phi_loai", "phi_so_tien", "phi_truc_tuyen", "phi_so_trang_dau", "phi_trang_dau",
    "phi_trang_sau", "phi_toi_da", "phi_ghi_chu", "can_cu_phap_ly", "hieu_luc_tu",
    "hieu_luc_den", "thanh_phan", "ban_chinh", "ban_sao_chung_thuc", "ban_photo", "bat_buoc",
)  # fmt: skip
_REQUIRED_COLUMNS = (
    "ma_thu_tuc", "ten_thu_tuc", "ma_linh_vuc", "ten_linh_vuc", "thoi_han_loai", "phi_loai",
    "hieu_luc_tu", "thanh_phan",
)  # fmt: skip
_COLUMN_ALIASES = {
    "ma_tthc": "ma_thu_tuc", "ten_tthc": "ten_thu_tuc", "linh_vuc": "ten_linh_vuc",
    "loai_thoi_han": "thoi_han_loai", "thoi_han": "thoi_han_so", "loai_phi": "phi_loai",
    "le_phi": "phi_so_tien", "can_cu": "can_cu_phap_ly", "thanh_phan_ho_so": "thanh_phan",
    "tu_ngay": "hieu_luc_tu", "den_ngay": "hieu_luc_den", "ban_sao": "ban_sao_chung_thuc",
    "ban_chup": "ban_photo", "ban_photocopy": "ban_photo",
}  # fmt: skip
_FEE_COLUMNS = {
    "phi_so_tien": "amount", "phi_truc_tuyen": "online_amount", "phi_so_trang_dau": "first_pages",
    "phi_trang_dau": "first_page_amount", "phi_trang_sau": "next_page_amount",
    "phi_toi_da": "cap_per_copy",
}  # fmt: skip
_DURATION_WORDS = {
    "trong ngay": "same_day", "ngay lam viec": "working_days", "gio lam viec": "working_hours",
}  # fmt: skip
_FEE_WORDS = {
    "mien phi": "free", "khong thu": "free", "co dinh": "flat", "tron goi": "flat",
    "theo trang": "per_page_tiered", "theo ban": "per_copy", "tinh quy dinh": "province",
}  # fmt: skip
_YES = {"", "co", "x", "1", "true", "bat buoc", "yes"}
_NO = {"khong", "0", "false", "no", "khong bat buoc", "tuy truong hop"}


# --- JSON -------------------------------------------------------------------------------


def parse_catalogue_json(data: bytes) -> ParseResult:
    """Read the catalogue.json shape; bad procedures are rejected, good ones returned."""
    doc = load_json(data)
    items = doc.get("procedures") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise CatalogueFileInvalid("không có danh sách “procedures”", FileProblem.NO_LIST)
    check_rows(len(items))
    return parse_procedure_items(items)


# --- CSV / XLSX -------------------------------------------------------------------------


def _column_key(header: object) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", fold(str(header or ""))).strip("_")
    return _COLUMN_ALIASES.get(key, key)


def _word(value: object, words: Mapping[str, str]) -> object:
    if not isinstance(value, str):
        return value
    key = fold(value).replace("_", " ")
    return words.get(key, value.strip())


def _code_cell(value: object) -> object:
    # Excel turns a code typed as a number into a float and drops trailing zeros (1.00422).
    return f"{value:.6f}" if isinstance(value, float) else value


def _row_head(r: Mapping[str, object]) -> dict[str, Any]:
    kind = _word(r.get("thoi_han_loai"), {**_DURATION_WORDS, "ngay": "working_days"})
    fee: dict[str, Any] = {"kind": _word(r.get("phi_loai"), _FEE_WORDS)}
    for column, key in _FEE_COLUMNS.items():
        value = r.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        number = as_int(value, empty=None)
        if fee["kind"] == "free" and key == "amount" and number == 0:
            continue  # "0" in the amount column of a free procedure is no contradiction
        fee[key] = number if number is not None else value
    note = r.get("phi_ghi_chu")
    if note is not None and not (isinstance(note, str) and not note.strip()):
        fee["note"] = note if isinstance(note, str) else row_code(note)
    return {
        "code": _code_cell(r.get("ma_thu_tuc")),
        "name": r.get("ten_thu_tuc"),
        "field_code": r.get("ma_linh_vuc"),
        "field_name": r.get("ten_linh_vuc"),
        "duration": {"kind": kind, "days": r.get("thoi_han_so"), "hours": r.get("thoi_han_so")},
        "fee": fee,
        "legal_basis": r.get("can_cu_phap_ly"),
        "effective_from": r.get("hieu_luc_tu"),
        "effective_to": r.get("hieu_luc_den") or None,
    }


def _row_component(r: Mapping[str, object], errors: list[str]) -> ComponentRecord | None:
    flag = fold(str(r.get("bat_buoc") or "")).strip()
    if flag not in _YES | _NO:
        errors.append(f"Giá trị bắt buộc “{r.get('bat_buoc')}” phải là có hoặc không")
    raw = {
        "name": r.get("thanh_phan"),
        "originals": r.get("ban_chinh"),
        "certified_copies": r.get("ban_sao_chung_thuc"),
        "photocopies": r.get("ban_photo"),
        "required": flag not in _NO,
    }
    return component_record(raw, errors)


@dataclass
class _Group:
    rows: list[int] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    head: ProcedureRecord | None = None
    components: list[ComponentRecord] = field(default_factory=list)
    code: str = ""


def _parse_rows(
    header: Sequence[object], rows: Iterable[tuple[int, Sequence[object]]]
) -> ParseResult:
    """Group one-row-per-component rows into procedures and validate them."""
    keys = [_column_key(h)[:64] for h in header]
    missing = [c for c in _REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise CatalogueFileInvalid("thiếu cột " + ", ".join(missing),
                                   FileProblem.MISSING_COLUMNS, columns=missing)
    groups: dict[tuple[str, str], _Group] = {}
    for row_no, values in rows:
        if row_no > MAX_ROWS + 1:
            check_rows(row_no - 1)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        r = {k: v for k, v in zip(keys, values, strict=False) if k}
        raw = _row_head(r)
        key = (row_code(raw["code"]), row_code(raw["effective_from"]))
        group = groups.setdefault(key, _Group(code=key[0]))
        errors: list[str] = []
        head = procedure_head(raw, errors)
        if group.rows and head != group.head and not errors:
            errors.append(
                f"Thông tin thủ tục khác với dòng {group.rows[0]} (cùng mã và ngày hiệu lực)"
            )
        component = _row_component(r, errors)
        if component and duplicate_name([*group.components, component]):
            errors.append(f"Thành phần hồ sơ “{component.name}” bị lặp")
        if not group.rows:
            group.head = head
        group.rows.append(row_no)
        if errors:
            group.errors[row_no] = errors
        elif component:
            group.components.append(component)
    return _finish(groups.values())


def _finish(groups: Iterable[_Group]) -> ParseResult:
    records: list[ProcedureRecord] = []
    rejected: list[RejectedRow] = []
    for g in groups:
        if not g.errors and g.head is not None:
            records.append(procedure_record(g.head, g.components, g.rows[0]))
            continue
        bad = ", ".join(str(n) for n in sorted(g.errors))
        for row_no in g.rows:
            reasons = g.errors.get(row_no) or [f"Không nhập vì thủ tục này có dòng lỗi ({bad})"]
            rejected.append(RejectedRow(row_no, g.code, tuple(reasons)))
    rejected.sort(key=lambda r: r.source_row)
    return records, rejected


def parse_catalogue_csv(data: bytes) -> ParseResult:
    """Read a CSV catalogue (one row per component); see the module docstring for columns."""
    check_size(len(data))
    text = decode_text(data)
    # The delimiter is whatever the header uses most: Excel with a Vietnamese locale saves ";",
    # and sniffing the data rows is fooled by the ";" inside legal bases.
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    # No field can be longer than the file, which is bounded; long cells are refused per row.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = list(reader)
    except csv.Error as exc:
        raise CatalogueFileInvalid(f"tệp CSV không hợp lệ ở dòng {reader.line_num}",
                                   FileProblem.SYNTAX, line=reader.line_num) from exc
    if not table:
        raise CatalogueFileInvalid("tệp rỗng", FileProblem.EMPTY)
    return _parse_rows(table[0], enumerate(table[1:], start=2))


def parse_catalogue_xlsx(data: bytes) -> ParseResult:
    """Read the first sheet of an XLSX catalogue, same columns as the CSV form."""
    from openpyxl import load_workbook  # heavy import, only when a workbook is read

    check_size(len(data))
    bad = CatalogueFileInvalid("tệp Excel bị hỏng hoặc không phải .xlsx", FileProblem.SYNTAX)
    try:
        # Formulas are read as formulas ("=…"), so a formula cell is refused, not run.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # zipfile/openpyxl/XML raise many types for a damaged file
        raise bad from exc
    try:
        if not book.worksheets:
            raise CatalogueFileInvalid("tệp Excel không có trang tính", FileProblem.EMPTY)
        rows: Iterator[tuple[object, ...]] = book.worksheets[0].iter_rows(values_only=True)
        # Read the whole sheet first: a cut file fails mid-way, before anything is judged.
        table = list(itertools.islice(rows, MAX_ROWS + 2))
    except CatalogueFileInvalid:
        raise
    except Exception as exc:  # a cut or damaged sheet fails while it is read
        raise bad from exc
    finally:
        book.close()
    if not table:
        raise CatalogueFileInvalid("trang tính đầu tiên rỗng", FileProblem.EMPTY)
    return _parse_rows(table[0], enumerate(table[1:], start=2))


def parse_catalogue_file(path: Path) -> ParseResult:
    """Read a catalogue file, choosing the parser by extension (.json, .csv, .xlsx)."""
    parsers = {
        ".json": parse_catalogue_json,
        ".csv": parse_catalogue_csv,
        ".xlsx": parse_catalogue_xlsx,
    }
    parser = parsers.get(path.suffix.lower())
    if parser is None:
        raise CatalogueFileInvalid(
            f"không hỗ trợ loại tệp “{path.suffix[:20]}” (chỉ .json, .csv, .xlsx)",
            FileProblem.UNSUPPORTED_TYPE, suffix=path.suffix[:20],
        )
    return parser(read_catalogue_bytes(path))


def catalogue_rows(records: Iterable[ProcedureRecord]) -> list[list[object]]:
    """The CSV/XLSX table of `records`: header, then one row per component."""
    table: list[list[object]] = [list(CSV_COLUMNS)]
    for rec in records:
        fee = rec.fee_rule
        days = rec.duration_kind == "working_days"
        number = rec.duration_hours // HOURS_PER_DAY if days else rec.duration_hours
        head: list[object] = [
            rec.code, rec.name, rec.field_code, rec.field_name, rec.duration_kind,
            number or "", fee["kind"], *(fee.get(key, "") for key in _FEE_COLUMNS.values()),
            fee.get("note", ""), rec.legal_basis, rec.effective_from.isoformat(),
            rec.effective_to.isoformat() if rec.effective_to else "",
        ]  # fmt: skip
        for c in rec.components:
            flag = "có" if c.required else "không"
            table.append([*head, c.name, c.originals, c.certified_copies, c.photocopies, flag])
    return table
