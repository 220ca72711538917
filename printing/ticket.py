"""The queue ticket (phiếu số thứ tự): a 1-bit raster for thermal printers and a PDF for others."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

from printing.fonts import FontFamily, Fonts, default_fonts
from printing.layout import fitted_line, para, rule, style
from printing.qr import qr_flowable
from printing.raster import RasterPage, dots_for
from printing.text import normalize_data, to_vn

TITLE = "SỐ THỨ TỰ"
PRIORITY_BADGE = "ƯU TIÊN"


@dataclass(frozen=True)
class TicketData:
    """Everything printed on a queue ticket."""

    agency_name: str  # "UBND PHƯỜNG THỤY KHUÊ"
    unit_name: str  # "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
    service_name: str  # "Chứng thực"
    number: str  # "A012"
    issued_at: datetime  # tz-aware; printed in Vietnam time
    waiting_ahead: int
    priority: bool = False
    counters_text: str = ""  # "1, 3" (the counters serving the service); "" = not printed
    qr_url: str = ""  # "" = no QR
    footer: str = ""


def waiting_line(n: int) -> str:
    """The 'how many ahead' line."""
    return "Không có người chờ trước bạn" if n == 0 else f"Số người chờ trước bạn: {n}"


def issued_line(at: datetime) -> str:
    """'Lấy số lúc 09:30 ngày 24/11/2026'."""
    local = to_vn(at)
    return f"Lấy số lúc {local:%H:%M} ngày {local:%d/%m/%Y}"


def render_ticket_image(data: TicketData, *, width_mm: int = 80,
                        fonts: Fonts | None = None) -> Image.Image:
    """The ticket as a 1-bit image 576 (80 mm) or 384 (58 mm) dots wide."""
    width = dots_for(width_mm)
    k = width / 576
    d = normalize_data(data)
    page = RasterPage(width, (fonts or default_fonts()).sans, margin=round(12 * k))
    page.fitted(d.agency_name.upper(), round(30 * k), bold=True, space_after=2)
    page.wrapped(d.unit_name.upper(), round(22 * k), bold=True, space_after=0, max_lines=2)
    page.rule(length=0.35, gap=round(10 * k))
    page.fitted(TITLE, round(30 * k), bold=True, space_after=0)
    page.fitted(d.number, round(190 * k), bold=True, space_after=round(4 * k))
    if d.priority:
        page.fitted(PRIORITY_BADGE, round(34 * k), bold=True, invert=True, space_after=round(8 * k))
    page.wrapped(d.service_name, round(36 * k), bold=True, space_after=round(6 * k))
    if d.counters_text:
        page.fitted(f"Quầy phục vụ: {d.counters_text}", round(28 * k), space_after=round(2 * k))
    page.fitted(waiting_line(d.waiting_ahead), round(28 * k), space_after=round(2 * k))
    page.fitted(issued_line(d.issued_at), round(26 * k), space_after=round(4 * k))
    if d.qr_url:
        page.qr(d.qr_url, max_size=round(200 * k))
    page.rule(thickness=1, gap=round(6 * k))
    if d.footer:
        page.wrapped(d.footer, round(24 * k), italic=True, max_lines=2)
    return page.render(bottom=round(40 * k))


def render_ticket_pdf(data: TicketData, *, width_mm: int = 80, fonts: Fonts | None = None) -> bytes:
    """The same ticket as a one-page PDF as wide as the roll, for ordinary (Qt) printers."""
    if width_mm not in (80, 58):
        raise ValueError(f"unsupported roll width: {width_mm} mm (use 80 or 58)")
    width = width_mm * mm
    margin = (4 if width_mm == 80 else 3) * mm
    inner = width - 2 * margin
    family = (fonts or default_fonts()).sans
    story = _story(normalize_data(data), family, inner, width_mm / 80)
    height = sum(f.wrap(inner, 10_000)[1] + f.getSpaceAfter() for f in story) + 2 * margin + 4
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), lang="vi-VN")
    canvas.setTitle(f"Số thứ tự {data.number}")
    canvas.setAuthor(data.agency_name)
    canvas.setCreator("Một cửa - printing")
    frame = Frame(margin, margin, inner, height - 2 * margin,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    frame.addFromList(story, canvas)
    if story:
        raise RuntimeError("ticket content did not fit its computed height")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _story(d: TicketData, family: FontFamily, inner: float, k: float) -> list[Flowable]:
    t = k * family.scale
    centre = style(family, 10 * t, align=TA_CENTER, leading=1.3, space_after=1)
    items: list[Flowable] = [
        fitted_line(d.agency_name.upper(), family, 11 * t, inner),
        para(d.unit_name.upper(), style(family, 8.5 * t, bold=True, align=TA_CENTER)),
        rule(inner * 0.35, thickness=0.6, gap=4 * k),
        fitted_line(TITLE, family, 12 * t, inner),
        fitted_line(d.number, family, 64 * t, inner, space_after=2 * k),
    ]
    if d.priority:
        items.append(fitted_line(f"[ {PRIORITY_BADGE} ]", family, 13 * t, inner, space_after=2))
    items.append(para(d.service_name, style(family, 13 * t, bold=True, align=TA_CENTER,
                                            space_after=3 * k)))
    if d.counters_text:
        items.append(para(f"Quầy phục vụ: {d.counters_text}", centre))
    items += [para(waiting_line(d.waiting_ahead), centre), para(issued_line(d.issued_at), centre)]
    if d.qr_url:
        items.append(qr_flowable(d.qr_url, min(inner, 26 * mm * k)))
    items.append(rule(inner, thickness=0.4, gap=3 * k))
    if d.footer:
        items.append(para(d.footer, style(family, 9 * t, italic=True, align=TA_CENTER)))
    return items


def ticket_text_lines(data: TicketData) -> list[tuple[str, bool]]:
    """The ticket for a printer in text mode (opt-in): (line, big) pairs."""
    d = normalize_data(data)
    lines = [(d.agency_name.upper(), False), (TITLE, False), (d.number, True)]
    if d.priority:
        lines.append((PRIORITY_BADGE, True))
    lines += [(d.service_name, False), (waiting_line(d.waiting_ahead), False),
              (issued_line(d.issued_at), False)]
    if d.counters_text:
        lines.insert(-2, (f"Quầy phục vụ: {d.counters_text}", False))
    if d.footer:
        lines.append((d.footer, False))
    return lines
