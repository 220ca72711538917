"""The ledger of a period to PDF and XLSX: ``uv run python -m bench.forms_bench [--rows 10000]``.

One sample renders the whole ledger (Sổ theo dõi hồ sơ) of `--rows` dossiers, fonts already
registered. Floors measured in the same run:
- PDF: reportlab's canvas drawing the same cell texts, one `drawString` each, in built-in
  Helvetica (no TrueType subsetting, no wrapping, no header): what the library costs at least.
- XLSX: openpyxl's write-only mode writing the same values, no styles, no neutralizing.
- platypus: a `LongTable` of Paragraphs, the usual reportlab way, on `--platypus-rows` rows
  (scaled up to `--rows` in `platypus_scaled_cpu_s`), to show why the ledger draws its own table.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate

from printing.fonts import default_fonts
from printing.forms.ledger_pdf import render_ledger_pdf
from printing.forms.ledger_xlsx import render_ledger_xlsx
from printing.forms.model import Ledger, LedgerRow
from printing.model import AgencyHeader

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NAMES = ("Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Đức", "Phạm Thị Thu Hương",
         "Đặng Quốc Việt", "Vũ Thị Mỹ Duyên", "Hoàng Văn Thụ", "=cmd|' /C calc'!A0")
PROCEDURES = ("Chứng thực bản sao từ bản chính", "Đăng ký khai sinh", "Đăng ký kết hôn",
              "Xác nhận tình trạng hôn nhân", "Đăng ký thường trú", "Cấp bản sao trích lục hộ tịch")


def ledger(rows: int) -> Ledger:
    """Return a year-like ledger of rows dossiers, about a quarter of them still open."""
    start = datetime(2026, 1, 5, 7, 30, tzinfo=VN)
    lines = []
    for n in range(1, rows + 1):
        received = start + timedelta(minutes=37 * n)
        done = n % 4 != 0
        lines.append(LedgerRow(
            number=n, code=f"000.00.12.H62-{received:%y%m%d}-{n % 1000:04d}",
            procedure_name=PROCEDURES[n % len(PROCEDURES)], sets_count=1 + n % 3,
            applicant_name=f"{NAMES[n % len(NAMES)]} {n}",
            address=f"Số {n % 200 + 1}, ngõ {n % 37 + 1} đường Thụy Khuê, phường Thụy Khuê, Hà Nội",
            phone=f"09{n % 100:02d} {n % 1000:03d} {n % 997:03d}",
            lead_unit="Công chức Tư pháp - Hộ tịch", received_at=received,
            due_at=received + timedelta(days=3),
            sent_at=received + timedelta(hours=2) if done else None,
            result_received_at=received + timedelta(days=2) if done else None,
            returned_at=received + timedelta(days=3) if done and n % 3 else None,
            returned_to=NAMES[n % len(NAMES)] if done and n % 3 else "",
            note="Trễ hạn do chờ xác minh tại xã khác" if n % 11 == 0 else ""))
    header = AgencyHeader("UBND PHƯỜNG THỤY KHUÊ", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Hà Nội")
    return Ledger(header, date(2026, 1, 1), date(2026, 12, 31), tuple(lines),
                  datetime(2027, 1, 4, 8, 0, tzinfo=VN), "01/2026")


def texts(data: Ledger) -> list[list[str]]:
    """Return every row's cell texts, as the floors draw or write them."""
    def when(moment: datetime | None) -> str:
        return "" if moment is None else f"{moment:%d/%m/%Y %H:%M}"

    return [[str(r.number), r.code, r.procedure_name, str(r.sets_count), r.applicant_name,
             f"{r.address} {r.phone}", r.lead_unit, when(r.received_at), when(r.due_at),
             when(r.sent_at), when(r.result_received_at), when(r.returned_at), r.returned_to,
             r.note] for r in data.rows]


def pdf_floor(rows: list[list[str]]) -> bytes:
    """Draw the texts with one drawString each in Helvetica, 40 rows a page."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=landscape(A4), pageCompression=1)
    width = landscape(A4)[0] - 56
    for index, cells in enumerate(rows):
        if index and index % 40 == 0:
            canvas.showPage()
        if index % 40 == 0:
            canvas.setFont("Helvetica", 6.5)
        y = 560 - (index % 40) * 13
        for col, text in enumerate(cells):
            canvas.drawString(28 + col * width / 14, y, text)
    canvas.save()
    return out.getvalue()


def xlsx_floor(rows: list[list[str]]) -> bytes:
    """Write the texts with openpyxl's write-only mode, no styles."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("floor")
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def platypus(rows: list[list[str]]) -> bytes:
    """Lay the texts out as a LongTable of Paragraphs with a repeated header row."""
    family = default_fonts().serif
    style = ParagraphStyle("cell", fontName=family.regular, fontSize=6.5, leading=8)
    data = [[Paragraph(text, style) for text in cells] for cells in rows]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=28, rightMargin=28)
    doc.build([LongTable(data, colWidths=[(landscape(A4)[0] - 56) / 14] * 14, repeatRows=1)])
    return out.getvalue()


def sample(fn: Callable[[], bytes], repeat: int) -> dict[str, Any]:
    """Run fn repeat times; return min and median wall seconds, min CPU seconds, the size.

    CPU time is reported too: on a shared machine the wall time mostly measures the others.
    """
    times, cpu, size = [], [], 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        size = len(fn())
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"min_s": round(min(times), 3), "median_s": round(statistics.median(times), 3),
            "min_cpu_s": round(min(cpu), 3), "bytes": size}


def run(rows: int, repeat: int, platypus_rows: int) -> dict[str, Any]:
    """Measure the ledger to PDF and XLSX beside their floors."""
    data = ledger(rows)
    cells = texts(data)
    default_fonts()  # registering the TrueType family is a one-off, not part of a ledger
    render_ledger_pdf(ledger(50))
    result: dict[str, Any] = {"rows": rows, "repeat": repeat}
    result["pdf"] = sample(lambda: render_ledger_pdf(data), repeat)
    result["pdf_floor_helvetica_drawstring"] = sample(lambda: pdf_floor(cells), repeat)
    result["xlsx"] = sample(lambda: render_ledger_xlsx(data), repeat)
    result["xlsx_floor_openpyxl_plain"] = sample(lambda: xlsx_floor(cells), repeat)
    if platypus_rows:
        part = sample(lambda: platypus(cells[:platypus_rows]), 1)
        part["platypus_rows"] = platypus_rows
        part["platypus_scaled_cpu_s"] = round(part["min_cpu_s"] * rows / platypus_rows, 2)
        result["platypus_longtable"] = part
    for name, floor in (("pdf", "pdf_floor_helvetica_drawstring"),
                        ("xlsx", "xlsx_floor_openpyxl_plain")):
        result[f"{name}_cpu_ratio_to_floor"] = round(
            result[name]["min_cpu_s"] / result[floor]["min_cpu_s"], 2)
    return result


def main() -> None:
    """Parse arguments, run, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--platypus-rows", type=int, default=1_000,
                        help="rows for the platypus comparison (0 to skip)")
    args = parser.parse_args()
    print(json.dumps(run(args.rows, args.repeat, args.platypus_rows), ensure_ascii=False,
                     indent=2))


if __name__ == "__main__":
    main()
