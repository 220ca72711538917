"""Procedure versions as data: the catalogue JSON item shape, validated and NFC-normalised.

Pure (no database, no files): the counter's catalogue import (``counter_app.services``) and the
upstream server's ``catalogue publish`` read procedure versions with these same rules, and a
``catalogue.procedure`` change carries one version in the shape ``procedure_json`` writes::

    {code, name, field_code, field_name, duration: {kind, days|hours}, fee: {FeeRule JSON},
     legal_basis, effective_from, effective_to?, components: [{name, originals,
     certified_copies, photocopies, required?}]}

Reasons for a rejection are Vietnamese: an official reads them in the import report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from counter_app.domain.errors import FeeRuleInvalid, TextInvalid, TextProblem
from counter_app.domain.fees import FeeRule
from counter_app.domain.text import clean_text, nfc

__all__ = [
    "CODE_PATTERN",
    "DURATION_KINDS",
    "FORMULA_PREFIXES",
    "HOURS_PER_DAY",
    "MAX_COPIES",
    "MAX_DURATION_DAYS",
    "MAX_FEE_AMOUNT",
    "MAX_NUMBER_DIGITS",
    "MAX_TEXT",
    "ComponentRecord",
    "ParseResult",
    "ProcedureRecord",
    "RejectedRow",
    "as_int",
    "component_record",
    "duplicate_name",
    "parse_procedure_items",
    "procedure_head",
    "procedure_json",
    "procedure_record",
    "row_code",
]

# ASCII only: ``\d`` would also take "２" or "٢". A local variant appends the agency code
# (letters allowed there, e.g. ``2.000884.000.00.12.H26``), one dot between parts.
CODE_PATTERN = re.compile(r"[0-9]\.[0-9]{6}(\.[0-9A-Za-z]+)*", re.ASCII)
DURATION_KINDS = ("same_day", "working_days", "working_hours")
HOURS_PER_DAY = 8
MAX_TEXT = 1000
"""Longest text cell (characters, after NFC)."""
MAX_COPIES = 100
"""Most copies of one document a procedure may ask for."""
MAX_DURATION_DAYS = 365
"""Longest legal processing time in working days (hours: times ``HOURS_PER_DAY``)."""
MAX_FEE_AMOUNT = 1_000_000_000
"""Largest fee amount in đồng (any field of a fee rule)."""
MAX_NUMBER_DIGITS = 15
"""A number cell with more digits than this is refused before it is converted."""
FORMULA_PREFIXES = ("=", "+", "-", "@")
"""A text cell starting with one of these is run as a formula by a spreadsheet: refused on
import (and neutralised on export, ``counter_app.services.spreadsheet``)."""


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


ParseResult = tuple[list[ProcedureRecord], list[RejectedRow]]


# --- cell values ------------------------------------------------------------------------


_TEXT_PROBLEMS = {
    TextProblem.CONTROL_CHAR: "chứa ký tự điều khiển (NUL, …) không hợp lệ",
    TextProblem.REPLACEMENT_CHAR: "chứa ký tự lỗi (�): tệp không đúng bảng mã UTF-8",
    TextProblem.INVALID: "chứa ký tự không hợp lệ",
}


def _text(value: object, label: str, errors: list[str], *, required: bool = True) -> str:
    if value is None:
        value = ""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        value = b""  # a 20-digit "name" is no text: refused just below
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.append(f"{label} phải là văn bản")
        return ""
    if len(value) > 4 * MAX_TEXT:  # refused before normalising a 100 MB cell
        errors.append(f"{label} quá dài (tối đa {MAX_TEXT} ký tự)")
        return ""
    try:  # the same character rules as at intake
        clean_text(value, field=label, max_len=len(value) + 1, required=False)
    except TextInvalid as exc:
        errors.append(f"{label} {_TEXT_PROBLEMS.get(exc.problem, 'không hợp lệ')}")
        return ""
    text = nfc(value)
    if required and not text:
        errors.append(f"Thiếu {label.lower()}")
    elif len(text) > MAX_TEXT:
        errors.append(f"{label} quá dài (tối đa {MAX_TEXT} ký tự)")
    elif text.startswith(FORMULA_PREFIXES):
        errors.append(f"{label} bắt đầu bằng “{text[0]}”: bảng tính sẽ chạy như công thức")
    return text


def _shown(value: object, limit: int = 40) -> str:
    """A cell as quoted in a reason: never a 100 MB string or a 5,000-digit number."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        text = "(số quá lớn)"  # str() of a 5,000-digit int raises ValueError
    else:
        text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def row_code(value: object) -> str:
    """The code a rejected row is listed under (bounded, NFC)."""
    return nfc(_shown(value or "", 4 * MAX_TEXT))[:MAX_TEXT]


def _count(value: object, label: str, errors: list[str]) -> int:
    number = as_int(value)
    if number is None or not 0 <= number <= MAX_COPIES:
        errors.append(f"{label} “{_shown(value)}” phải là số nguyên từ 0 đến {MAX_COPIES}")
        return 0
    return number


def as_int(value: object, *, empty: int | None = 0) -> int | None:
    """An integer from JSON/CSV/XLSX cells: 3, 3.0, "3", "2.000", "2.000 đ"; None if not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return empty
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else None
    if isinstance(value, str):
        if len(value) > 4 * MAX_NUMBER_DIGITS:
            return None
        text = re.sub(r"\s*(đồng|đ|vnd)$", "", nfc(value).lower())
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
            text = re.sub(r"[.,]", "", text)
        ok = text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_DIGITS
        return int(text) if ok else None
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
    number = as_int(raw.get(key), empty=None)
    most = MAX_DURATION_DAYS * (1 if kind == "working_days" else HOURS_PER_DAY)
    if number is None or not 1 <= number <= most:
        errors.append(f"Thời hạn “{_shown(raw.get(key))}” phải là số nguyên từ 1 đến {most}")
        return kind, 0
    return kind, number * HOURS_PER_DAY if kind == "working_days" else number


def _fee(raw: object, errors: list[str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        errors.append("Thiếu quy tắc lệ phí")
        return {}
    note, before = raw.get("note"), len(errors)
    if isinstance(note, str):
        _text(note, "Ghi chú lệ phí", errors, required=False)
    if len(errors) > before:
        return {}
    try:
        rule = FeeRule.from_dict(_nfc_values(raw)).to_dict()
    except FeeRuleInvalid as exc:
        errors.append(exc.message_vi)
        return {}
    except (TypeError, ValueError):  # e.g. a field name that is not text
        errors.append("Quy tắc lệ phí không hợp lệ")
        return {}
    if any(isinstance(v, int) and v > MAX_FEE_AMOUNT for v in rule.values()):
        errors.append(f"Mức lệ phí quá lớn (tối đa {MAX_FEE_AMOUNT:,} đồng)".replace(",", "."))
        return {}
    return rule


def procedure_head(d: Mapping[str, Any], errors: list[str]) -> ProcedureRecord | None:
    """The procedure part of an item, without its components (reasons appended to
    ``errors``), or None if invalid."""
    start = len(errors)
    code = _text(d.get("code"), "Mã thủ tục", errors)
    if code and not CODE_PATTERN.fullmatch(code):
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
    return ProcedureRecord(
        code, name, field_code, field_name, kind, hours, fee, legal_basis, start_on, end_on, ()
    )


def component_record(d: object, errors: list[str]) -> ComponentRecord | None:
    """One component of an item (reasons appended to ``errors``), or None if invalid."""
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


def procedure_record(
    head: ProcedureRecord, components: Sequence[ComponentRecord], row: int
) -> ProcedureRecord:
    """A whole validated version from its parts."""
    return replace(head, components=tuple(components), source_row=row)


def duplicate_name(components: Iterable[ComponentRecord]) -> str | None:
    """The first component name listed twice, if any."""
    seen: set[str] = set()
    for c in components:
        # Case-insensitive but diacritic-sensitive: "bản sao" and "bản sáo" are different words.
        if c.name.lower() in seen:
            return c.name
        seen.add(c.name.lower())
    return None


# --- the JSON item shape ----------------------------------------------------------------


def _item_components(d: Mapping[str, Any], errors: list[str]) -> list[ComponentRecord]:
    raw_components = d.get("components")
    components: list[ComponentRecord] = []
    if not isinstance(raw_components, list) or not raw_components:
        errors.append("Thiếu thành phần hồ sơ")
        return components
    for i, raw in enumerate(raw_components, start=1):
        sub: list[str] = []
        component = component_record(raw, sub)
        errors.extend(f"Thành phần {i}: {reason}" for reason in sub)
        if component:
            components.append(component)
    duplicate = duplicate_name(components)
    if duplicate:
        errors.append(f"Thành phần hồ sơ “{duplicate}” bị lặp")
    return components


def parse_procedure_items(items: Sequence[object]) -> ParseResult:
    """Validate catalogue JSON items; an item's source row is its 1-based position."""
    records: list[ProcedureRecord] = []
    rejected: list[RejectedRow] = []
    seen: dict[tuple[str, date], int] = {}
    for row, item in enumerate(items, start=1):
        d: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
        errors: list[str] = [] if d else ["Mục không phải một thủ tục"]
        head = procedure_head(d, errors) if d else None
        components = _item_components(d, errors)
        if head and (head.code, head.effective_from) in seen:
            first = seen[(head.code, head.effective_from)]
            errors.append(f"Trùng mã thủ tục và ngày hiệu lực với mục {first}")
        if errors or head is None:
            rejected.append(RejectedRow(row, row_code(d.get("code")), tuple(errors)))
            continue
        seen[(head.code, head.effective_from)] = row
        records.append(procedure_record(head, components, row))
    return records, rejected


def _duration_json(kind: str, hours: int) -> dict[str, Any]:
    if kind == "working_days":
        return {"kind": kind, "days": hours // HOURS_PER_DAY}
    if kind == "working_hours":
        return {"kind": kind, "hours": hours}
    return {"kind": kind}


def procedure_json(rec: ProcedureRecord) -> dict[str, Any]:
    """A version as one catalogue JSON item (``parse_procedure_items`` reads it back equal)."""
    return {
        "code": rec.code,
        "name": rec.name,
        "field_code": rec.field_code,
        "field_name": rec.field_name,
        "duration": _duration_json(rec.duration_kind, rec.duration_hours),
        "fee": dict(rec.fee_rule),
        "legal_basis": rec.legal_basis,
        "effective_from": rec.effective_from.isoformat(),
        "effective_to": rec.effective_to.isoformat() if rec.effective_to else None,
        "components": [
            {"name": c.name, "originals": c.originals, "certified_copies": c.certified_copies,
             "photocopies": c.photocopies, "required": c.required}
            for c in rec.components
        ],
    }  # fmt: skip
