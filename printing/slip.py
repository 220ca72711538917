"""The appointment slip (phiếu hẹn trả kết quả) on an 80 mm or 58 mm roll, height fitted."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph

from printing.fonts import FontFamily, Fonts, default_fonts
from printing.layout import balanced_lines, fitted_line, labelled, para, rule, style
from printing.model import SlipData
from printing.qr import qr_flowable
from printing.receipt import drop_leading
from printing.text import normalize_data, short_time, time_phrase

TITLE = "PHIẾU HẸN TRẢ KẾT QUẢ"
QR_CAPTION = "Quét mã QR để tra cứu tình trạng hồ sơ"


@dataclass(frozen=True)
class Roll:
    """Paper width, side margin and type scale of one roll size."""

    width: float
    margin: float
    scale: float

    @property
    def inner(self) -> float:
        """Return the printable width between the margins."""
        return self.width - 2 * self.margin


ROLLS = {80: Roll(80 * mm, 4 * mm, 1.0), 58: Roll(58 * mm, 3 * mm, 0.78)}


def render_slip(data: SlipData, *, width_mm: int = 80, fonts: Fonts | None = None) -> bytes:
    """Return the appointment slip as a one-page PDF as wide as the roll, as tall as its content."""
    if width_mm not in ROLLS:
        raise ValueError(f"unsupported roll width: {width_mm} mm (use 80 or 58)")
    roll = ROLLS[width_mm]
    family = (fonts or default_fonts()).sans
    story = _story(normalize_data(data), roll, family)
    height = _height(story, roll.inner) + 2 * roll.margin
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(roll.width, height), lang="vi-VN")
    canvas.setTitle(f"Phiếu hẹn trả kết quả - {data.dossier_code}")
    canvas.setAuthor(data.header.agency_name)
    canvas.setCreator("Một cửa - printing")
    frame = Frame(roll.margin, roll.margin, roll.inner, height - 2 * roll.margin,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    frame.addFromList(story, canvas)
    if story:
        raise RuntimeError("slip content did not fit its computed height")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _height(story: list[Flowable], width: float) -> float:
    """Return the height the story takes in a frame of width, plus a little slack."""
    total = 0.0
    for index, flowable in enumerate(story):
        _, h = flowable.wrap(width, 10_000)
        total += h + flowable.getSpaceAfter()
        if index:
            total += flowable.getSpaceBefore()
    return total + 2


def _story(data: SlipData, roll: Roll, family: FontFamily) -> list[Flowable]:
    """Return the slip's flowables, top to bottom."""
    k = roll.scale
    t = k * family.scale
    body = style(family, 10 * t, leading=1.3, space_after=2 * k)
    small = style(family, 9 * t, align=TA_CENTER, leading=1.25)
    agency = style(family, 10 * t, bold=True, align=TA_CENTER, leading=1.2)
    unit_markup = balanced_lines(data.header.unit_name.upper(), family.bold, 9 * t, roll.inner)
    return [
        fitted_line(data.header.agency_name.upper(), family, 11 * t, roll.inner),
        Paragraph(unit_markup, style(family, 9 * t, bold=True, align=TA_CENTER, leading=1.2)),
        rule(roll.inner * 0.3, thickness=0.6, gap=4.5 * k),
        fitted_line(TITLE, family, 14 * t, roll.inner, space_after=3 * k),
        fitted_line(f"Mã hồ sơ: {data.dossier_code}", family, 11 * t, roll.inner,
                    space_after=5 * k),
        labelled("Người nộp", data.applicant_name, body, bold_value=True),
        labelled("Thủ tục", data.procedure_name, body),
        labelled("Ngày nhận", short_time(data.received_at), body),
        rule(roll.inner, thickness=0.4, gap=4 * k),
        para("NGÀY HẸN TRẢ KẾT QUẢ", agency),
        fitted_line(time_phrase(data.due_at), family, 13 * t, roll.inner, space_after=4 * k),
        qr_flowable(data.lookup_url, min(roll.inner, 48 * mm * k)),
        para(QR_CAPTION, small),
        rule(roll.inner, thickness=0.4, gap=4 * k),
        *_footer(data, family, t),
    ]


def _footer(data: SlipData, family: FontFamily, t: float) -> list[Flowable]:
    """Return the official and counter lines."""
    who = style(family, 9 * t, align=TA_LEFT, leading=1.25)
    lines = [labelled("Người tiếp nhận", data.official_name, who)]
    if data.counter_name.strip():
        lines.append(labelled("Quầy", drop_leading("Quầy", data.counter_name), who))
    return lines
