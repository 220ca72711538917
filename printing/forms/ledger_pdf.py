"""The ledger (Sổ theo dõi hồ sơ) of a period as a PDF: A4 landscape, header row on every page.

Drawn straight on the canvas (printing.forms.ledger_draw) rather than with platypus tables:
rows are measured once, cut into pages, then drawn with the page count known, so each footer
says 'Trang n/N'. bench/forms_bench.py measures 10,000 lines.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import FontFamily, Fonts, default_fonts
from printing.formpage import MOTTO, NATION
from printing.forms.ledger_draw import Grid, Head, TextRun, draw_rows, row_height, wrap
from printing.forms.model import Ledger, LedgerRow
from printing.forms.registry import FormKind, FormTemplate, form_for
from printing.text import nfc, normalize_data, to_vn

__all__ = ["render_ledger_pdf"]

PAGE: tuple[float, float] = landscape(A4)
MARGIN_X: float = 10 * mm
MARGIN_TOP: float = 10 * mm
MARGIN_BOTTOM: float = 12 * mm
TITLE_HEIGHT: float = 30 * mm  # what the first page's title block takes above the table
CELL_PT = 7.5  # for Times New Roman; scaled by the family's own type scale
# points of column width at 7.5 pt Times (scaled to the page): no., code, procedure, sets,
# applicant, address/phone, lead unit, 5 times, signature, note
WIDTHS = (22, 78, 92, 26, 72, 92, 64, 50, 50, 50, 50, 50, 52, 50)


def render_ledger_pdf(data: Ledger, *, template: FormTemplate | None = None,
                      fonts: Fonts | None = None) -> bytes:
    """Return the ledger of data's period as PDF bytes (the form in force on its last day)."""
    form = template or form_for(FormKind.LEDGER, data.date_to)
    if form.kind is not FormKind.LEDGER:
        raise ValueError(f"template of {form.kind} given for the ledger")
    family = (fonts or default_fonts()).serif
    grid = _grid(family)
    rows = [_wrapped(row, grid) for row in data.rows]
    head = Head.of(form.text("columns").split("|"), form.text("returned_group"), grid)
    room = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM - head.height
    pages = _paginate([row_height(r, grid) for r in rows], room, TITLE_HEIGHT)
    header = normalize_data(data.header)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1, lang="vi-VN")
    canvas.setTitle(f"Sổ theo dõi hồ sơ {_day(data.date_from)} - {_day(data.date_to)}")
    canvas.setAuthor(header.agency_name)
    canvas.setCreator("Một cửa - printing")
    regular, bold, italic = (TextRun(canvas, face, grid.size)
                             for face in (family.regular, family.bold, family.italic))
    for number, (start, end) in enumerate(pages, start=1):
        top = PAGE[1] - MARGIN_TOP
        if number == 1:
            top = _title_block(canvas, data, header.agency_name, header.unit_name, form, family)
        y = head.draw(canvas, bold, italic, top)
        draw_rows(canvas, regular, rows[start:end], grid, y)
        _footer(canvas, data, number, len(pages), family)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _grid(family: FontFamily) -> Grid:
    """Return the columns spread over the page's width, type scaled for the family."""
    usable = PAGE[0] - 2 * MARGIN_X
    xs = [MARGIN_X]
    for width in WIDTHS:
        xs.append(xs[-1] + usable * width / sum(WIDTHS))
    return Grid(family, tuple(xs), CELL_PT * family.scale)


def _cells(row: LedgerRow) -> list[str]:
    """Return the 14 texts of a ledger line, in column order."""
    contact = "\n".join(part for part in (row.address, row.phone) if part)
    return [str(row.number), row.code, row.procedure_name, str(row.sets_count),
            row.applicant_name, contact, row.lead_unit, _when(row.received_at),
            _when(row.due_at), _when(row.sent_at), _when(row.result_received_at),
            _when(row.returned_at), row.returned_to, row.note]


def _when(moment: datetime | None) -> str:
    """Return 'dd/mm/yyyy' and 'HH:MM' on two lines in Vietnam time, or '' when not yet."""
    return "" if moment is None else f"{to_vn(moment):%d/%m/%Y\n%H:%M}"


def _wrapped(row: LedgerRow, grid: Grid) -> list[tuple[str, ...]]:
    """Return each cell of a row as its lines."""
    font = grid.family.regular
    return [wrap(nfc(text), font, grid.size, grid.width(col))
            for col, text in enumerate(_cells(row))]


def _paginate(heights: Sequence[float], room: float, title: float) -> list[tuple[int, int]]:
    """Return (start, end) row ranges per page; the first page has title less room."""
    pages: list[tuple[int, int]] = []
    start, free = 0, room - title
    for index, height in enumerate(heights):
        if height > free and index > start:
            pages.append((start, index))
            start, free = index, room
        free -= height
    pages.append((start, len(heights)))
    return pages


def _title_block(canvas: Canvas, data: Ledger, agency: str, unit: str, form: FormTemplate,
                 family: FontFamily) -> float:
    """Draw the first page's header, caption, title and period; return the y below them."""
    top = PAGE[1] - MARGIN_TOP
    left_x, right_x = MARGIN_X + 60 * mm, PAGE[0] - MARGIN_X - 70 * mm
    size = 10 * family.scale
    canvas.setFont(family.italic, 8 * family.scale)
    canvas.drawRightString(PAGE[0] - MARGIN_X, top, nfc(form.caption))
    canvas.setFont(family.bold, size)
    canvas.drawCentredString(left_x, top - 14, agency.upper())
    canvas.drawCentredString(left_x, top - 26, unit.upper())
    canvas.drawCentredString(right_x, top - 14, NATION)
    canvas.drawCentredString(right_x, top - 26, MOTTO)
    motto_w = stringWidth(MOTTO, family.bold, size)
    canvas.setLineWidth(0.6)
    canvas.line(right_x - motto_w / 2, top - 29, right_x + motto_w / 2, top - 29)
    canvas.line(left_x - 15 * mm, top - 33, left_x + 15 * mm, top - 33)
    canvas.setFont(family.bold, 15 * family.scale)
    canvas.drawCentredString(PAGE[0] / 2, top - 54, form.title)
    canvas.setFont(family.italic, 11 * family.scale)
    period = form.text("period").format(date_from=_day(data.date_from),
                                        date_to=_day(data.date_to))
    if data.book.strip():
        period += f" - {form.text('book')}: {nfc(data.book)}"
    canvas.drawCentredString(PAGE[0] / 2, top - 69, period)
    return top - TITLE_HEIGHT


def _day(day: date) -> str:
    """Return dd/mm/yyyy."""
    return f"{day:%d/%m/%Y}"


def _footer(canvas: Canvas, data: Ledger, page: int, total: int, family: FontFamily) -> None:
    """Draw 'Sổ theo dõi hồ sơ từ … đến … - Trang n/N' at the bottom right."""
    canvas.setFont(family.italic, 8 * family.scale)
    text = (f"Sổ theo dõi hồ sơ từ {_day(data.date_from)} đến {_day(data.date_to)}"
            f" - Trang {page}/{total}")
    canvas.drawRightString(PAGE[0] - MARGIN_X, MARGIN_BOTTOM / 2, text)
