"""The page every A4/A5 form shares: geometry, the two-column header block, signatures, copies.

Form 01 (printing.receipt) and forms 02–07 (printing.forms) lay out their bodies differently but
open with the same header and close with the same signature columns, so both live here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from printing.fonts import FontFamily
from printing.layout import PageFooter, balanced_lines, fitted_line, paged_canvas, para, rule, style
from printing.layout import text_rule as _text_rule
from printing.model import AgencyHeader
from printing.text import place_date_line

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Geometry:
    """Page size, margins (points), a page scale and the font family's own type scale."""

    size: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float
    scale: float
    font_scale: float = 1.0

    @property
    def width(self) -> float:
        """Return the width of the text block."""
        return self.size[0] - self.left - self.right

    @property
    def height(self) -> float:
        """Return the height of the text block."""
        return self.size[1] - self.top - self.bottom

    def pt(self, points: float) -> float:
        """Return a type size (given for Times New Roman on A4) scaled for this page and font."""
        return points * self.scale * self.font_scale

    def sp(self, points: float) -> float:
        """Return a spacing or graphic size (given for A4) scaled for this page."""
        return points * self.scale


# Decree 30/2020 margins: left 30-35 mm, right 15-20, top/bottom 20-25; form 01 keeps its own.
GEOMETRY: dict[str, Geometry] = {
    "a4": Geometry(A4, 25 * mm, 15 * mm, 15 * mm, 15 * mm, 1.0),
    "a5": Geometry(A5, 14 * mm, 10 * mm, 10 * mm, 10 * mm, 0.72),
}


def form_header(header: AgencyHeader, dated: datetime, geo: Geometry, family: FontFamily, *,
                number_line: str | None = None) -> Table:
    """Return the two-column header: agency (and 'Số: …') left, nation, motto and date right."""
    left_w, right_w = geo.width * 0.42, geo.width * 0.58
    size = geo.pt(12.5)
    unit_style = style(family, size, bold=True, align=TA_CENTER, leading=1.2)
    left: list[Flowable] = [
        fitted_line(header.agency_name.upper(), family, size, left_w - geo.sp(8)),
        Paragraph(balanced_lines(header.unit_name.upper(), family.bold, size, left_w - 8),
                  unit_style),
        rule(left_w * 0.4, thickness=geo.sp(0.7), gap=geo.sp(3.5)),
    ]
    if number_line is not None:
        left.append(para(number_line, style(family, geo.pt(13), align=TA_CENTER)))
    nation = fitted_line(NATION, family, size, right_w - 4)
    motto = fitted_line(MOTTO, family, geo.pt(13), right_w - 4)
    right = [
        nation, motto,
        _text_rule(MOTTO, motto.style.fontName, motto.style.fontSize, thickness=geo.sp(0.7),
                   gap=geo.sp(1)),
        Spacer(1, geo.sp(5)),
        para(place_date_line(header.place_name, dated),
             style(family, geo.pt(13), italic=True, align=TA_CENTER)),
    ]
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, 0), geo.sp(8))]))
    return table


def form_caption(text: str, geo: Geometry, family: FontFamily) -> Paragraph:
    """Return the small right-aligned caption above the header ('Mẫu số 02 - Thông tư …')."""
    return para(text, style(family, geo.pt(10), italic=True, align=TA_RIGHT,
                            space_after=geo.sp(4)))


@dataclass(frozen=True)
class Signer:
    """One signature column: the role in capitals, a hint, the printed name."""

    role: str
    name: str
    hint: str = "(Ký và ghi rõ họ tên)"


def signatures(signers: Sequence[Signer], geo: Geometry, family: FontFamily, *,
               space: float = 20 * mm) -> Table:
    """Return signature columns side by side; a lone signer stands in the right half."""
    size = geo.pt(13)
    title = style(family, size, bold=True, align=TA_CENTER)
    hint = style(family, size, italic=True, align=TA_CENTER)

    def column(signer: Signer) -> list[Flowable]:
        return [para(signer.role, title), para(signer.hint, hint), Spacer(1, geo.sp(space)),
                para(signer.name, title)]

    cells: list[list[Flowable] | str] = [column(s) for s in signers]
    if len(cells) == 1:
        cells.insert(0, "")
    table = Table([cells], colWidths=[geo.width / len(cells)] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


@dataclass(frozen=True)
class DocInfo:
    """PDF metadata and the code printed in the page footer."""

    title: str
    author: str
    subject: str
    code: str


def build_pdf(copies: Sequence[list[Flowable]], geo: Geometry, family: FontFamily,
              info: DocInfo) -> bytes:
    """Lay out one story per copy, each from a new page, and return the PDF bytes."""
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=geo.size, leftMargin=geo.left, rightMargin=geo.right,
        topMargin=geo.top, bottomMargin=geo.bottom, title=info.title, author=info.author,
        subject=info.subject, creator="Một cửa - printing", lang="vi-VN",
    )
    frame = Frame(geo.left, geo.bottom, geo.width, geo.height, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate("form", frames=[frame])])
    story: list[Flowable] = []
    for index, copy in enumerate(copies):
        if index:
            story.append(PageBreak())
        story.extend(copy)
    footer = page_footer(info.code, geo, family, copies=max(1, len(copies)))
    doc.build(story, canvasmaker=paged_canvas(footer))
    return out.getvalue()


def page_footer(code: str, geo: Geometry, family: FontFamily, *, copies: int = 1) -> PageFooter:
    """Return a footer printing 'Mã hồ sơ … - Trang n/N' when one copy runs over a page.

    Every copy has the same content (only its label differs), so each spans total/copies pages.
    """

    def draw(canvas: Canvas, page: int, total: int) -> None:
        per_copy = max(1, total // copies)
        if per_copy < 2:
            return
        canvas.setFont(family.italic, geo.pt(10))
        text = f"Mã hồ sơ: {code} - Trang {(page - 1) % per_copy + 1}/{per_copy}"
        canvas.drawRightString(geo.size[0] - geo.right, geo.bottom / 2, text)

    return draw
