"""Every CSV/XLSX export neutralises cells a spreadsheet would run as a formula (issue 7,
item 7): one helper (``counter_app.services.spreadsheet``) used by the queue statistics and the
catalogue export; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from counter_app.domain.catalogue import ComponentRecord, ProcedureRecord
from counter_app.domain.clock import FixedClock
from counter_app.services.accounts import OfficialPublic
from counter_app.services.catalogue import CatalogueService
from counter_app.services.queue_stats import QueueStats, StatRow, stats_csv, stats_xlsx
from counter_app.services.spreadsheet import safe_cell

EVIL = ["=HYPERLINK(\"http://x\",\"bấm\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", EVIL)
def test_formula_text_gets_a_leading_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 0, 3.5, -0.5, None, "", "Nguyễn Văn A", "1.004873",
                                   date(2026, 1, 1), "a=b", "'=already"])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


def _row(key: str) -> StatRow:
    return StatRow("service", key, 3, 2, 1, 0, -1.5, 2.0, 4.0, None, None, None)


def test_queue_statistics_csv_and_xlsx_are_neutralised() -> None:
    stats = QueueStats(date(2026, 11, 20), date(2026, 11, 20), _row(""),
                       tuple(_row(t) for t in EVIL), (), ())
    rows = list(csv.reader(io.StringIO(stats_csv(stats).decode("utf-8-sig"))))
    assert [r[1] for r in rows[2:]] == ["'" + t for t in EVIL]
    assert rows[1][6] == "-1.5"  # a number, written as a number
    ws = load_workbook(io.BytesIO(stats_xlsx(stats))).active
    assert ws is not None
    keys = [ws.cell(row=r, column=2) for r in range(4, 4 + len(EVIL))]
    # (XML stores a CR as LF; what matters is the apostrophe in front)
    assert [c.value for c in keys][:5] == ["'" + t for t in EVIL][:5]
    assert all(c.value.startswith("'") for c in keys)
    assert all(c.data_type == "s" for c in keys)  # text, never a formula
    assert ws.cell(row=3, column=7).value == -1.5


def test_catalogue_export_is_neutralised(engine: Engine, clock: FixedClock,
                                         admin: OfficialPublic, tmp_path: Path) -> None:
    # A version stored before import refused such names (or pulled from an older server).
    catalogue = CatalogueService(engine, clock)
    rec = ProcedureRecord("1.999001", "=cmd|' /C calc'!A0", "CT", "@Chứng thực", "same_day", 0,
                          {"kind": "flat", "amount": 5_000}, "-Nghị định", date(2025, 1, 1),
                          None, (ComponentRecord("+Tờ khai", 1, 0, 0),))
    catalogue.import_records([rec], by=admin, today=date(2025, 1, 1))
    catalogue.export_file(tmp_path / "c.csv", on=date(2026, 1, 1))
    catalogue.export_file(tmp_path / "c.xlsx", on=date(2026, 1, 1))
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "1.999001")
    assert row[1] == "'=cmd|' /C calc'!A0" and row[3] == "'@Chứng thực"
    assert "'-Nghị định" in row and "'+Tờ khai" in row
    ws = load_workbook(tmp_path / "c.xlsx").active
    assert ws is not None
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(c.value.startswith(("=", "+", "-", "@")) for c in cells)
    amounts = [c.value for r in ws.iter_rows() for c in r if c.value == 5_000]
    assert amounts  # numbers stay numbers
