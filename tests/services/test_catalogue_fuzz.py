"""Fuzzing the catalogue import with hypothesis (issue 7, item 7): whatever the file holds, the
parsers either return (records, rejected rows) or raise ``CatalogueFileInvalid``, never
anything else; every bad row is reported with its row number, every good row is kept.

CI runs a small number of examples per test (a few seconds in all). The larger run::

    CATALOGUE_FUZZ_EXAMPLES=3000 python3 -m uv run pytest -q -n 0 \\
        tests/services/test_catalogue_fuzz.py

(see docs/decisions.md for its figures).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.domain.catalogue import MAX_COPIES, MAX_TEXT
from counter_app.services.catalogue_io import (
    CSV_COLUMNS,
    CatalogueFileInvalid,
    parse_catalogue_csv,
    parse_catalogue_json,
    parse_catalogue_xlsx,
)

EXAMPLES = int(os.environ.get("CATALOGUE_FUZZ_EXAMPLES", "40"))
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_SLOW_OK)
FUZZ_XLSX = settings(max_examples=max(10, EXAMPLES // 4), deadline=None,
                     suppress_health_check=_SLOW_OK)  # a workbook is ~10x slower to build

_TEXT_COLUMNS = ("ten_thu_tuc", "ma_linh_vuc", "ten_linh_vuc", "thanh_phan", "can_cu_phap_ly")
_COUNT_COLUMNS = ("ban_chinh", "ban_sao_chung_thuc", "ban_photo")

_vi_text = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệớờởỡợứừửữự ABCĐ0123456789",
                   min_size=1, max_size=60).filter(lambda s: s.strip() != "")

# Values that must get their row refused, whichever column they land in.
_bad_text = st.one_of(
    st.builds(lambda p, s: p + s, st.sampled_from(["=", "+", "-", "@"]), _vi_text),
    st.builds(lambda a, c, b: a + c + b, _vi_text, st.sampled_from(["\x00", "\x07", "\x1b",
                                                                    "\x7f", "\ufffd"]),
              _vi_text),
    st.integers(MAX_TEXT + 1, 3 * MAX_TEXT).map(lambda n: "y" * n),
)
_bad_count = st.one_of(
    st.integers(MAX_COPIES + 1, 10**30).map(str),
    st.integers(-(10**6), -1).map(str),
    st.integers(16, 6000).map(lambda n: "1" * n),
    st.sampled_from(["٣", "３", "1.5", "hai", "1e3", "∞", "NaN", "0x10"]),
)
_bad_code = st.one_of(
    st.sampled_from(["２.000815", "2.٠٠٠815", "2.00081", "12.000815", "2.000815.", "2,000815"]),
    st.builds(lambda p, s: p + s, st.sampled_from(["=", "-", "@"]), st.just("2.000815")),
)


def _good_row(i: int) -> dict[str, object]:
    return {
        "ma_thu_tuc": f"1.{900000 + i:06d}", "ten_thu_tuc": f"Thủ tục {i}",
        "ma_linh_vuc": "CT", "ten_linh_vuc": "Chứng thực", "thoi_han_loai": "same_day",
        "phi_loai": "free", "hieu_luc_tu": "2025-07-01", "thanh_phan": "Tờ khai",
        "ban_chinh": 1,
    }  # fmt: skip


@st.composite
def _bad_cell(draw: st.DrawFn) -> tuple[str, object]:
    kind = draw(st.sampled_from(["text", "count", "code"]))
    if kind == "text":
        return draw(st.sampled_from(_TEXT_COLUMNS)), draw(_bad_text)
    if kind == "count":
        return draw(st.sampled_from(_COUNT_COLUMNS)), draw(_bad_count)
    return "ma_thu_tuc", draw(_bad_code)


@st.composite
def _sheet(draw: st.DrawFn) -> tuple[list[dict[str, object]], set[int]]:
    """Rows (one procedure each, unique codes) and the row numbers made bad."""
    n = draw(st.integers(1, 12))
    rows, bad = [], set()
    for i in range(n):
        row = _good_row(i)
        if draw(st.booleans()):
            column, value = draw(_bad_cell())
            row[column] = value
            bad.add(i + 2)  # the header is row 1
        rows.append(row)
    return rows, bad


def _csv_bytes(rows: list[dict[str, object]], encoding: str) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([r.get(c, "") for c in CSV_COLUMNS])
    return out.getvalue().encode(encoding)


def _check(result: tuple[list[Any], list[Any]], n: int, bad: set[int]) -> None:
    records, rejected = result
    refused = {r.source_row for r in rejected}
    assert refused == bad, "every bad row reported, no good row refused"
    assert {r.source_row for r in records} == set(range(2, n + 2)) - bad
    assert all(r.reasons for r in rejected)


@FUZZ
@given(_sheet(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_csv_every_bad_row_is_reported_and_good_rows_kept(
        sheet: tuple[list[dict[str, object]], set[int]], encoding: str) -> None:
    rows, bad = sheet
    _check(parse_catalogue_csv(_csv_bytes(rows, encoding)), len(rows), bad)


def _xlsx_cell(value: object) -> object:
    """A workbook cannot hold control characters at all: such a bad value is written as a
    formula-like text instead (still bad)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return "=" + ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


@FUZZ_XLSX
@given(_sheet())
def test_xlsx_every_bad_row_is_reported_and_good_rows_kept(
        sheet: tuple[list[dict[str, object]], set[int]]) -> None:
    from openpyxl import Workbook

    rows, bad = sheet
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(list(CSV_COLUMNS))
    for r in rows:
        # Text cells are written as text (openpyxl would turn "=…" into a formula, which is
        # refused too, but would not round-trip the value).
        ws.append([_xlsx_cell(r.get(c, "")) for c in CSV_COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    _check(parse_catalogue_xlsx(out.getvalue()), len(rows), bad)


_json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**25), 10**25),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["=1+1", "\x00", "２.000815", "2.000815", "same_day", "flat", "free",
                     "2025-07-01", "31/02/2025", "working_days"]),
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["code", "name", "field_code", "field_name",
                                         "duration", "kind", "days", "hours", "fee", "amount",
                                         "components", "originals", "effective_from",
                                         "effective_to", "required", "note", "x"]),
                        inner, max_size=6)),
    max_leaves=25,
)


@FUZZ
@given(st.lists(_json_values, max_size=8))
def test_json_items_are_each_imported_or_reported(items: list[Any]) -> None:
    data = json.dumps({"procedures": items}, allow_nan=True).encode()
    records, rejected = parse_catalogue_json(data)
    assert len(records) + len(rejected) == len(items)
    assert {r.source_row for r in rejected} | {r.source_row for r in records} == \
        set(range(1, len(items) + 1))


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["csv", "json", "xlsx"]))
def test_arbitrary_bytes_never_raise_anything_but_a_typed_error(data: bytes, kind: str) -> None:
    parse = {"csv": parse_catalogue_csv, "json": parse_catalogue_json,
             "xlsx": parse_catalogue_xlsx}[kind]
    try:
        records, rejected = parse(data)
    except CatalogueFileInvalid as exc:
        assert exc.reason and exc.message_vi
        return
    assert isinstance(records, list) and isinstance(rejected, list)


@FUZZ
@given(st.text(alphabet=string.printable + "[]{}\"\\áđ\x00", max_size=400))
def test_arbitrary_text_as_csv_or_json_never_crashes(text: str) -> None:
    for parse in (parse_catalogue_csv, parse_catalogue_json):
        with contextlib.suppress(CatalogueFileInvalid):
            parse(text.encode("utf-8"))
