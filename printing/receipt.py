"""Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, as a PDF on A4 or A5 portrait."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from printing.fonts import FontFamily, Fonts, default_fonts
from printing.formpage import (
    GEOMETRY,
    DocInfo,
    Geometry,
    Signer,
    build_pdf,
    form_header,
    signatures,
)
from printing.layout import code128, fitted_line, labelled, para, style
from printing.model import ComponentLine, ReceiptData
from printing.qr import qr_flowable
from printing.text import markup, normalize_data, time_phrase, two_digits

__all__ = ["GEOMETRY", "TITLE", "Geometry", "PageName", "render_receipt"]

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
TABLE_HEADER = ("STT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản photo")

PageName = Literal["a4", "a5"]
BODY_PT = 13.0


def render_receipt(data: ReceiptData, *, page: PageName = "a4", fonts: Fonts | None = None) -> bytes:
    """Return form 01 for data as PDF bytes, laid out for an A4 or A5 portrait page."""
    if page not in GEOMETRY:
        raise ValueError(f"unknown page size: {page!r}")
    clean = normalize_data(data)
    family = (fonts or default_fonts()).serif
    geo = replace(GEOMETRY[page], font_scale=family.scale)
    return _build(clean, geo, family)


def _build(data: ReceiptData, geo: Geometry, family: FontFamily) -> bytes:
    """Lay out the story in one pass and return the PDF."""
    info = DocInfo(title=f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả - {data.dossier_code}",
                   author=data.header.agency_name, subject=data.procedure_name,
                   code=data.dossier_code)
    if not data.copy_labels:
        return build_pdf([_story(data, geo, family)], geo, family, info)
    # The same form once per copy (for the citizen, for the file), each labelled at its top.
    mark = style(family, geo.pt(10), italic=True, align=TA_RIGHT)
    copies = [[para(label, mark), *_story(data, geo, family)] for label in data.copy_labels]
    return build_pdf(copies, geo, family, info)


def _story(data: ReceiptData, geo: Geometry, family: FontFamily) -> list[Flowable]:
    """Return the flowables of the form, top to bottom."""
    return [
        _header(data, geo, family),
        Spacer(1, geo.sp(18)),
        fitted_line(TITLE, family, geo.pt(15), geo.width, space_after=geo.sp(8)),
        _code_block(data, geo, family),
        Spacer(1, geo.sp(8)),
        *_applicant(data, geo, family),
        Spacer(1, geo.sp(2)),
        _components(data.components, geo, family),
        Spacer(1, geo.sp(8)),
        # the return date and both signatures must share a page
        KeepTogether([*_schedule(data, geo, family), _ledger(data, geo, family),
                      Spacer(1, geo.sp(6)), _signatures(data, geo, family)]),
    ]


def _header(data: ReceiptData, geo: Geometry, family: FontFamily) -> Table:
    """Return the shared two-column header dated when printed (or received)."""
    return form_header(data.header, data.printed_on or data.received_at, geo, family)


def _code_block(data: ReceiptData, geo: Geometry, family: FontFamily) -> Table:
    """Return 'Mã hồ sơ' with its Code128 on the left and the lookup QR on the right."""
    qr_size = geo.sp(30 * mm)
    body = style(family, geo.pt(BODY_PT))
    left = [
        labelled("Mã hồ sơ", data.dossier_code, style(family, geo.pt(14)), bold_value=True),
        Spacer(1, geo.sp(4)),
        code128(data.dossier_code, bar_width=geo.sp(0.8), bar_height=geo.sp(10 * mm)),
        Spacer(1, geo.sp(4)),
        labelled("Mã thủ tục hành chính", data.procedure_code, body),
    ]
    right = [qr_flowable(data.lookup_url, qr_size),
             para("Quét mã để tra cứu", style(family, geo.pt(10), italic=True, align=TA_CENTER))]
    table = Table([[left, right]], colWidths=[geo.width - qr_size - 8, qr_size + 8])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, 0), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _body(geo: Geometry, family: FontFamily) -> ParagraphStyle:
    """Return the paragraph style of the form's fields."""
    return style(family, geo.pt(BODY_PT), align=TA_LEFT, leading=1.3,
                 space_after=geo.sp(2.5))


def _applicant(data: ReceiptData, geo: Geometry, family: FontFamily) -> list[Flowable]:
    """Return the applicant and request lines."""
    body = _body(geo, family)
    contact = (f"Số điện thoại: {markup(data.applicant_phone)}"
               f"&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;Email: {markup(data.applicant_email)}")
    return [
        labelled("Tiếp nhận hồ sơ của", data.applicant_name, body, bold_value=True),
        labelled("Địa chỉ", data.applicant_address, body),
        Paragraph(contact, body),
        labelled("Số định danh cá nhân/CCCD", data.applicant_id_number, body),
        labelled("Nội dung yêu cầu giải quyết", data.procedure_name, body, bold_value=True),
        para("Thành phần hồ sơ nộp gồm:", body),
    ]


def _components(lines: tuple[ComponentLine, ...], geo: Geometry, family: FontFamily) -> Table:
    """Return the components table, its header repeated on every page."""
    size = geo.pt(12)
    head = style(family, size, bold=True, align=TA_CENTER, leading=1.2)
    cell = style(family, size, leading=1.25)
    centre = style(family, size, align=TA_CENTER, leading=1.25)
    rows: list[list[Any]] = [[para(text, head) for text in TABLE_HEADER]]
    for number, line in enumerate(lines, start=1):
        counts = (line.originals, line.certified_copies, line.photocopies)
        rows.append([para(str(number), centre), para(line.name, cell),
                     *(para(str(n), centre) for n in counts)])
    fixed = [0.08, 0.13, 0.16, 0.12]
    widths = [geo.width * fixed[0], geo.width * (1 - sum(fixed)),
              *(geo.width * f for f in fixed[1:])]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), geo.sp(0.6), "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), geo.sp(2)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), geo.sp(3)),
        ("LEFTPADDING", (0, 0), (-1, -1), geo.sp(4)),
        ("RIGHTPADDING", (0, 0), (-1, -1), geo.sp(4)),
    ]))
    return table


def drop_leading(word: str, text: str) -> str:
    """The value without a first word its label already says: ("tại", "Tại Bộ phận…")."""
    head, _, rest = text.strip().partition(" ")
    return rest if rest and head.casefold() == word.casefold() else text


def _schedule(data: ReceiptData, geo: Geometry, family: FontFamily) -> list[Flowable]:
    """Return sets, legal time, received and due times, delivery and fee lines."""
    body = _body(geo, family)
    lines = [
        labelled("Số lượng hồ sơ", f"{two_digits(data.sets_count)} bộ", body),
        labelled("Thời gian giải quyết hồ sơ theo quy định", data.processing_time_text, body),
        labelled("Thời gian nhận hồ sơ", time_phrase(data.received_at), body),
        labelled("Thời gian trả kết quả giải quyết hồ sơ", time_phrase(data.due_at), body,
                 bold_value=True),
        labelled("Đăng ký nhận kết quả tại", drop_leading("tại", data.result_delivery), body),
    ]
    if data.fee_text.strip():
        lines.append(labelled("Phí, lệ phí", data.fee_text, body))
    return lines


def _ledger(data: ReceiptData, geo: Geometry, family: FontFamily) -> Paragraph:
    """Return the ledger line ('Vào Sổ theo dõi hồ sơ, Quyển số … Số thứ tự …')."""
    text = (f"Vào Sổ theo dõi hồ sơ, Quyển số: {markup(data.ledger_book)}"
            f"&nbsp;&nbsp;&nbsp;&nbsp;Số thứ tự: {data.ledger_line}")
    return Paragraph(text, _body(geo, family))


def _signatures(data: ReceiptData, geo: Geometry, family: FontFamily) -> Table:
    """Return the two signature columns: applicant left, receiving official right."""
    return signatures([Signer("NGƯỜI NỘP HỒ SƠ", data.applicant_name),
                       Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", data.official_name)], geo, family)
