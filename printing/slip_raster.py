"""The appointment slip as a 1-bit raster for ESC/POS printers (same content as printing.slip)."""

from __future__ import annotations

from PIL import Image

from printing.fonts import Fonts, default_fonts
from printing.model import SlipData
from printing.raster import RasterPage, dots_for
from printing.slip import QR_CAPTION, TITLE
from printing.text import normalize_data, short_time, time_phrase


def render_slip_image(data: SlipData, *, width_mm: int = 80,
                      fonts: Fonts | None = None) -> Image.Image:
    """The slip 576 (80 mm) or 384 (58 mm) dots wide, thresholded for a thermal head."""
    width = dots_for(width_mm)
    k = width / 576
    d = normalize_data(data)
    page = RasterPage(width, (fonts or default_fonts()).sans, margin=round(12 * k))
    page.fitted(d.header.agency_name.upper(), round(28 * k), bold=True, space_after=2)
    page.wrapped(d.header.unit_name.upper(), round(22 * k), bold=True, max_lines=2)
    page.rule(length=0.35, gap=round(10 * k))
    page.fitted(TITLE, round(34 * k), bold=True, space_after=round(4 * k))
    page.fitted(f"Mã hồ sơ: {d.dossier_code}", round(26 * k), bold=True, space_after=round(8 * k))
    page.wrapped(f"Người nộp: {d.applicant_name}", round(26 * k), space_after=2)
    page.wrapped(f"Thủ tục: {d.procedure_name}", round(24 * k), space_after=2, max_lines=4)
    page.fitted(f"Ngày nhận: {short_time(d.received_at)}", round(24 * k), space_after=2)
    page.rule(thickness=1, gap=round(8 * k))
    page.fitted("NGÀY HẸN TRẢ KẾT QUẢ", round(26 * k), bold=True, space_after=2)
    page.fitted(time_phrase(d.due_at), round(30 * k), bold=True, space_after=round(8 * k))
    page.qr(d.lookup_url, max_size=round(260 * k))
    page.wrapped(QR_CAPTION, round(22 * k), max_lines=2)
    page.rule(thickness=1, gap=round(8 * k))
    page.wrapped(f"Người tiếp nhận: {d.official_name}", round(22 * k), space_after=2)
    if d.counter_name.strip():
        page.fitted(f"Quầy: {d.counter_name}", round(22 * k))
    return page.render(bottom=round(40 * k))
