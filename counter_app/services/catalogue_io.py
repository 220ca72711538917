"""Procedure catalogue files (JSON, CSV, XLSX) read into validated, NFC-normalized records.

JSON: ``{"procedures": [{code, name, field_code, field_name, duration: {kind, days|hours},
fee: {FeeRule JSON}, legal_basis, effective_from, effective_to?, components: [{name, originals,
certified_copies, photocopies, required?}]}]}`` or a bare list; a procedure's source row is its
1-based position in the list. Other keys (confidence, note) are documentation and ignored.

CSV (UTF-8 with or without BOM; Windows-1258 tolerated) and XLSX (first sheet): header in row 1,
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
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from counter_app.domain.errors import FeeRuleInvalid
from counter_app.domain.fees import FeeRule
from counter_app.domain.text import fold, nfc
from counter_app.services.errors import ServiceError

CODE_PATTERN = re.compile(r"^\d\.\d{6}(\.[0-9A-Za-z.]+)?$")
DURATION_KINDS = ("same_day", "working_days", "working_hours")
HOURS_PER_DAY = 8
MAX_TEXT = 1000

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


@dataclass(frozen=True)
class ComponentRecord:
    """A document (thành phần hồ sơ) with its default counts."""

    name: str
    originals: int
    certified_copies: int
    photocopies: int
    required: bool = True


@dataclass(frozen=True)
class ProcedureRecord:
    """One validated version of a procedure, ready to import."""

    code: str
    name: str
    field_code: str
    field_name: str
    duration_kind: str
    duration_hours: int
    fee_rule: dict[str, Any]
    legal_basis: str
    effective_from: date
    effective_to: date | None
    components: tuple[ComponentRecord, ...]
    source_row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class RejectedRow:
    """A row (or procedure) of an import file that was not imported, with the reasons why."""

    source_row: int
    code: str
    reasons: tuple[str, ...]


class CatalogueFileInvalid(ServiceError):
    """The file as a whole cannot be read (encoding, syntax, missing columns, wrong type)."""

    code = "catalogue_file_invalid"

    def __init__(self, detail_vi: str) -> None:
        self.detail_vi = detail_vi
        super().__init__(f"Không đọc được tệp danh mục thủ tục: {detail_vi}", field="file")


ParseResult = tuple[list[ProcedureRecord], list[RejectedRow]]


# --- cell values ------------------------------------------------------------------------


def _text(value: object, label: str, errors: list[str], *, required: bool = True) -> str:
    if value is None:
        value = ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.append(f"{label} phải là văn bản")
        return ""
    if "\ufffd" in value:
        errors.append(f"{label} chứa ký tự lỗi (�): tệp không đúng bảng mã UTF-8")
    text = nfc(value)
    if required and not text:
        errors.append(f"Thiếu {label.lower()}")
    elif len(text) > MAX_TEXT:
        errors.append(f"{label} quá dài (tối đa {MAX_TEXT} ký tự)")
    return text


def _count(value: object, label: str, errors: list[str]) -> int:
    number = _as_int(value)
    if number is None or number < 0:
        errors.append(f"{label} “{value}” phải là số nguyên không âm")
        return 0
    return number


def _as_int(value: object, *, empty: int | None = 0) -> int | None:
    """An integer from JSON/CSV/XLSX cells: 3, 3.0, "3", "2.000", "2.000 đ"; None if not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return empty
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = re.sub(r"\s*(đồng|đ|vnd)$", "", nfc(value).lower())
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
            text = re.sub(r"[.,]", "", text)
        return int(text) if text.isascii() and text.isdigit() else None
    return None


def _date(value: object, label: str, errors: list[str], *, required: bool) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = nfc(value) if isinstance(value, str) else ""
    if not text and value in (None, ""):
        if required:
            errors.append(f"Thiếu {label.lower()}")
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors.append(f"{label} “{value}” không phải ngày hợp lệ (dạng 2025-07-01 hoặc 01/07/2025)")
    return None


def _nfc_values(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: nfc(v) if isinstance(v, str) else v for k, v in d.items()}


# --- validation -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Head:
    """Everything of a procedure but its components."""

    code: str
    name: str
    field_code: str
    field_name: str
    duration_kind: str
    duration_hours: int
    fee_rule: dict[str, Any]
    legal_basis: str
    effective_from: date
    effective_to: date | None


def _duration(raw: object, errors: list[str]) -> tuple[str, int]:
    if not isinstance(raw, Mapping):
        errors.append("Thiếu thời hạn giải quyết")
        return "", 0
    kind = raw.get("kind")
    if kind not in DURATION_KINDS:
        errors.append(
            f"Loại thời hạn “{kind}” không hợp lệ (trong ngày, ngày làm việc, giờ làm việc)"
        )
        return "", 0
    if kind == "same_day":
        return kind, 0
    key = "days" if kind == "working_days" else "hours"
    number = _as_int(raw.get(key), empty=None)
    if number is None or number < 1:
        errors.append(f"Thời hạn “{raw.get(key)}” phải là số nguyên dương")
        return kind, 0
    return kind, number * HOURS_PER_DAY if kind == "working_days" else number


def _fee(raw: object, errors: list[str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        errors.append("Thiếu quy tắc lệ phí")
        return {}
    try:
        return FeeRule.from_dict(_nfc_values(raw)).to_dict()
    except FeeRuleInvalid as exc:
        errors.append(exc.message_vi)
        return {}


def _head(d: Mapping[str, Any], errors: list[str]) -> _Head | None:
    start = len(errors)
    code = _text(d.get("code"), "Mã thủ tục", errors)
    if code and not CODE_PATTERN.match(code):
        errors.append(f"Mã thủ tục “{code}” không đúng dạng n.nnnnnn (ví dụ 2.000815)")
    name = _text(d.get("name"), "Tên thủ tục", errors)
    field_code = _text(d.get("field_code"), "Mã lĩnh vực", errors)
    field_name = _text(d.get("field_name"), "Tên lĩnh vực", errors)
    kind, hours = _duration(d.get("duration"), errors)
    fee = _fee(d.get("fee", d.get("fee_rule")), errors)
    legal_basis = _text(d.get("legal_basis"), "Căn cứ pháp lý", errors, required=False)
    start_on = _date(d.get("effective_from"), "Ngày hiệu lực", errors, required=True)
    end_on = _date(d.get("effective_to"), "Ngày hết hiệu lực", errors, required=False)
    if start_on and end_on and end_on <= start_on:
        errors.append("Ngày hết hiệu lực phải sau ngày hiệu lực")
    if len(errors) > start or start_on is None:
        return None
    return _Head(
        code, name, field_code, field_name, kind, hours, fee, legal_basis, start_on, end_on
    )


def _component(d: object, errors: list[str]) -> ComponentRecord | None:
    if not isinstance(d, Mapping):
        errors.append("Thành phần hồ sơ không hợp lệ")
        return None
    start = len(errors)
    name = _text(d.get("name"), "Tên thành phần hồ sơ", errors)
    originals = _count(d.get("originals"), "Số bản chính", errors)
    certified = _count(d.get("certified_copies"), "Số bản sao chứng thực", errors)
    photocopies = _count(d.get("photocopies"), "Số bản photo", errors)
    required = d.get("required", True)
    if not isinstance(required, bool):
        errors.append(f"Giá trị bắt buộc “{required}” phải là có hoặc không")
    if len(errors) > start:
        return None
    return ComponentRecord(name, originals, certified, photocopies, bool(required))


def _record(head: _Head, components: Sequence[ComponentRecord], row: int) -> ProcedureRecord:
    return ProcedureRecord(
        head.code, head.name, head.field_code, head.field_name, head.duration_kind,
        head.duration_hours, head.fee_rule, head.legal_basis, head.effective_from,
        head.effective_to, tuple(components), source_row=row,
    )  # fmt: skip


def _duplicate_name(components: Iterable[ComponentRecord]) -> str | None:
    seen: set[str] = set()
    for c in components:
        # Case-insensitive but diacritic-sensitive: "bản sao" and "bản sáo" are different words.
        if c.name.lower() in seen:
            return c.name
        seen.add(c.name.lower())
    return None


# --- JSON -------------------------------------------------------------------------------


def parse_catalogue_json(data: bytes) -> ParseResult:
    """Read the catalogue.json shape; bad procedures are rejected, good ones returned."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogueFileInvalid(f"tệp JSON không hợp lệ ({exc})") from exc
    items = doc.get("procedures") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise CatalogueFileInvalid("không có danh sách “procedures”")
    records: list[ProcedureRecord] = []
    rejected: list[RejectedRow] = []
    seen: dict[tuple[str, date], int] = {}
    for row, item in enumerate(items, start=1):
        d = item if isinstance(item, Mapping) else {}
        errors: list[str] = [] if d else ["Mục không phải một thủ tục"]
        head = _head(d, errors) if d else None
        raw_components = d.get("components")
        components: list[ComponentRecord] = []
        if not isinstance(raw_components, list) or not raw_components:
            errors.append("Thiếu thành phần hồ sơ")
        else:
            for i, raw in enumerate(raw_components, start=1):
                sub: list[str] = []
                component = _component(raw, sub)
                errors.extend(f"Thành phần {i}: {reason}" for reason in sub)
                if component:
                    components.append(component)
        duplicate = _duplicate_name(components)
        if duplicate:
            errors.append(f"Thành phần hồ sơ “{duplicate}” bị lặp")
        if head and (head.code, head.effective_from) in seen:
            first = seen[(head.code, head.effective_from)]
            errors.append(f"Trùng mã thủ tục và ngày hiệu lực với mục {first}")
        if errors or head is None:
            rejected.append(RejectedRow(row, nfc(str(d.get("code") or "")), tuple(errors)))
            continue
        seen[(head.code, head.effective_from)] = row
        records.append(_record(head, components, row))
    return records, rejected


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
        number = _as_int(value, empty=None)
        if fee["kind"] == "free" and key == "amount" and number == 0:
            continue  # "0" in the amount column of a free procedure is no contradiction
        fee[key] = number if number is not None else value
    note = nfc(str(r.get("phi_ghi_chu") or ""))
    if note:
        fee["note"] = note
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
    return _component(raw, errors)


@dataclass
class _Group:
    rows: list[int] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    head: _Head | None = None
    components: list[ComponentRecord] = field(default_factory=list)
    code: str = ""


def _parse_rows(
    header: Sequence[object], rows: Iterable[tuple[int, Sequence[object]]]
) -> ParseResult:
    """Group one-row-per-component rows into procedures and validate them."""
    keys = [_column_key(h) for h in header]
    missing = [c for c in _REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise CatalogueFileInvalid("thiếu cột " + ", ".join(missing))
    groups: dict[tuple[str, str], _Group] = {}
    for row_no, values in rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        r = {k: v for k, v in zip(keys, values, strict=False) if k}
        raw = _row_head(r)
        key = (nfc(str(raw["code"] or "")), nfc(str(raw["effective_from"] or "")))
        group = groups.setdefault(key, _Group(code=key[0]))
        errors: list[str] = []
        head = _head(raw, errors)
        if group.rows and head != group.head and not errors:
            errors.append(
                f"Thông tin thủ tục khác với dòng {group.rows[0]} (cùng mã và ngày hiệu lực)"
            )
        component = _row_component(r, errors)
        if component and _duplicate_name([*group.components, component]):
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
            records.append(_record(g.head, g.components, g.rows[0]))
            continue
        bad = ", ".join(str(n) for n in sorted(g.errors))
        for row_no in g.rows:
            reasons = g.errors.get(row_no) or [f"Không nhập vì thủ tục này có dòng lỗi ({bad})"]
            rejected.append(RejectedRow(row_no, g.code, tuple(reasons)))
    rejected.sort(key=lambda r: r.source_row)
    return records, rejected


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not); Windows-1258 only when the bytes are clearly not UTF-8."""
    text = data.decode("utf-8-sig", errors="replace")
    broken = text.count("\ufffd")
    decoded = sum(1 for ch in text if ord(ch) > 127) - broken
    if broken == 0 or decoded > broken:
        # A UTF-8 file with a few damaged bytes: the rows holding "\ufffd" are rejected.
        return text
    # Windows-1258 writes tone marks as combining characters; nfc() composes them later.
    return data.decode("cp1258", errors="replace")


def parse_catalogue_csv(data: bytes) -> ParseResult:
    """Read a CSV catalogue (one row per component); see the module docstring for columns."""
    text = _decode(data)
    # The delimiter is whatever the header uses most: Excel with a Vietnamese locale saves ";",
    # and sniffing the data rows is fooled by the ";" inside legal bases.
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not table:
        raise CatalogueFileInvalid("tệp rỗng")
    return _parse_rows(table[0], enumerate(table[1:], start=2))


def parse_catalogue_xlsx(data: bytes) -> ParseResult:
    """Read the first sheet of an XLSX catalogue, same columns as the CSV form."""
    from openpyxl import load_workbook  # heavy import, only when a workbook is read

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile/openpyxl raise many types for a damaged file
        raise CatalogueFileInvalid(f"tệp Excel không hợp lệ ({exc})") from exc
    try:
        rows: Iterator[tuple[object, ...]] = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise CatalogueFileInvalid("trang tính đầu tiên rỗng")
        return _parse_rows(header, enumerate(rows, start=2))
    finally:
        book.close()


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
            f"không hỗ trợ loại tệp “{path.suffix}” (chỉ .json, .csv, .xlsx)"
        )
    return parser(path.read_bytes())


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
