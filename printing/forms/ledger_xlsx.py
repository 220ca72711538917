"""The ledger (Sổ theo dõi hồ sơ) of a period as an XLSX workbook, streamed (openpyxl write-only).

Texts typed by users (names, addresses, notes) could start with '=', '+', '-' or '@' and
become a formula when the cell is edited in a spreadsheet: such texts get a leading
apostrophe. Times are written as real date-times in Vietnam time (Excel has no time zones).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from printing.forms.model import Ledger, LedgerRow
from printing.forms.registry import FormKind, FormTemplate, form_for
from printing.text import nfc, to_vn

__all__ = ["neutralize", "render_ledger_xlsx"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTHS = (6, 27, 30, 8, 24, 36, 22, 16, 16, 16, 16, 16, 20, 24)  # characters
TIME_FORMAT = "dd/mm/yyyy hh:mm"
HEAD_ROW = 5  # the column names; their numbers are on the next row, data from the one after

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def neutralize(text: str) -> str:
    """Return text safe for a spreadsheet cell: NFC, no control characters, no formula start."""
    clean = ILLEGAL_CHARACTERS_RE.sub("", nfc(text))
    return f"'{clean}" if clean.startswith(FORMULA_STARTS) else clean


def render_ledger_xlsx(data: Ledger, *, template: FormTemplate | None = None) -> bytes:
    """Return the ledger of data's period as XLSX bytes: title, header rows, one row a dossier."""
    form = template or form_for(FormKind.LEDGER, data.date_to)
    if form.kind is not FormKind.LEDGER:
        raise ValueError(f"template of {form.kind} given for the ledger")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Mẫu {form.number}" if form.number else "Sổ theo dõi")
    _setup(sheet)
    for line in _title_rows(sheet, data, form):
        sheet.append(line)
    sheet.append([])
    sheet.append(_head_cells(sheet, form.text("columns").split("|"), form))
    sheet.append([_head(sheet, f"({n})") for n in range(1, len(WIDTHS) + 1)])
    for row in data.rows:
        sheet.append(list(_cells(sheet, row)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _setup(sheet: WriteOnlyWorksheet) -> None:
    """Set column widths, frozen header, A4 landscape with the header repeated on each page."""
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = f"C{HEAD_ROW + 2}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW + 1}"


def _title_rows(sheet: WriteOnlyWorksheet, data: Ledger,
                form: FormTemplate) -> list[list[object]]:
    """Return the rows above the table: agency and form number, title, period and book."""
    period = form.text("period").format(date_from=f"{data.date_from:%d/%m/%Y}",
                                        date_to=f"{data.date_to:%d/%m/%Y}")
    if data.book.strip():
        period += f" - {form.text('book')}: {neutralize(data.book)}"
    agency = f"{neutralize(data.header.agency_name)} - {neutralize(data.header.unit_name)}"
    title = WriteOnlyCell(sheet, value=form.title)
    title.font = _TITLE_FONT
    return [[agency, *[None] * (len(WIDTHS) - 2), form.caption], [title], [period]]


def _head(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """Return a bold, centred, boxed header cell."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.font, cell.alignment, cell.border = _HEAD_FONT, _HEAD_ALIGN, _BOX
    return cell


def _head_cells(sheet: WriteOnlyWorksheet, names: list[str],
                form: FormTemplate) -> list[WriteOnlyCell]:
    """Return the column names; the two 'returned' columns carry the group's name."""
    group = form.text("returned_group")
    return [_head(sheet, name.replace("Trả kết quả - ", f"{group} - ")) for name in names]


def _cells(sheet: WriteOnlyWorksheet, row: LedgerRow) -> Iterator[object]:
    """Yield the 14 values of a ledger line: numbers, neutralized texts, local date-times."""
    contact = ", ".join(part for part in (row.address, row.phone) if part)
    yield row.number
    yield neutralize(row.code)
    yield neutralize(row.procedure_name)
    yield row.sets_count
    yield neutralize(row.applicant_name)
    yield neutralize(contact)
    yield neutralize(row.lead_unit)
    for moment in (row.received_at, row.due_at, row.sent_at, row.result_received_at,
                   row.returned_at):
        yield _time(sheet, moment)
    yield neutralize(row.returned_to)
    yield neutralize(row.note)


def _time(sheet: WriteOnlyWorksheet, moment: datetime | None) -> WriteOnlyCell | None:
    """Return a date-time cell in Vietnam time (naive, as Excel wants), or None when not yet."""
    if moment is None:
        return None
    cell = WriteOnlyCell(sheet, value=to_vn(moment).replace(tzinfo=None))
    cell.number_format = TIME_FORMAT
    return cell

