"""The hand-over control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ): one row per hand-over."""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from printing.fonts import Fonts
from printing.formpage import DocInfo
from printing.forms.common import Page, field, fill, grid, opening, render_copies, resolve
from printing.forms.model import ControlSlip, Handover
from printing.forms.registry import FormKind, FormTemplate
from printing.layout import para
from printing.text import markup, normalize_data, time_phrase

__all__ = ["render_control_slip"]

WIDTHS = (0.28, 0.38, 0.19, 0.15)  # of the text width: unit, time and signatures, result, note


def render_control_slip(data: ControlSlip, *, template: FormTemplate | None = None,
                        fonts: Fonts | None = None) -> bytes:
    """Return the control slip as PDF bytes (form 05 of TT 01/2018, form 06 of TT 03/2025)."""
    clean = normalize_data(data)
    form = resolve(FormKind.CONTROL_SLIP, clean.dossier.received_at, template)
    page = Page(fonts)
    info = DocInfo(title=f"{form.title.capitalize()} - {clean.dossier.code}",
                   author=clean.header.agency_name, subject=clean.dossier.procedure_name,
                   code=clean.dossier.code)
    return render_copies(form, lambda: _story(clean, form, page), page, info)


def _story(data: ControlSlip, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return the flowables of the slip: code, applicant, units, then the hand-over table."""
    geo = page.geo
    body = page.body()
    centred = page.body(align=TA_CENTER)
    story: list[Flowable] = [
        *opening(form, data.header, data.printed_at, page),
        field(form.text("code"), data.dossier.code, centred, bold=True),
        Paragraph(fill(form.text("attached"), applicant=data.dossier.applicant.name), centred),
        Spacer(1, geo.sp(4)),
        field(form.text("lead"), data.lead_unit, body),
    ]
    if data.coordinating_units:
        story.append(field(form.text("coordinating"), "; ".join(data.coordinating_units), body))
    story += [Spacer(1, geo.sp(4)), _table(data.handovers, form, page)]
    return story


def _table(handovers: tuple[Handover, ...], form: FormTemplate, page: Page) -> Table:
    """Return the hand-over table; its header repeats when the slip runs over a page."""
    head = page.small(bold=True, align=TA_CENTER)
    hint = ParagraphStyle("hint", parent=page.small(align=TA_CENTER),
                          fontName=page.family.italic)
    rows: list[list[Any]] = [[para(h, head) for h in form.text("table_head").split("|")]]
    rows[0][2] = [rows[0][2], para(form.text("result_hint"), hint)]
    rows += [_row(n, h, form, page) for n, h in enumerate(handovers, start=1)]
    widths = [page.geo.width * w for w in WIDTHS]
    table = grid(rows, widths, page)
    table.setStyle(TableStyle([("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table


def _row(number: int, handover: Handover, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return one hand-over: from/to units, the time with both signatures, result, note."""
    cell = page.small()
    centre = page.small(align=TA_CENTER)
    units = Paragraph(f"{number}. {markup(form.text('give'))}: <b>{markup(handover.from_unit)}</b>"
                      f"<br/>{markup(form.text('take'))}: <b>{markup(handover.to_unit)}</b>", cell)
    result = form.text(handover.result.value) if handover.result is not None else ""
    return [units, _time_and_signatures(handover, form, page), para(result, centre),
            para(handover.note, cell)]


def _time_and_signatures(handover: Handover, form: FormTemplate, page: Page) -> Table:
    """Return the time of the hand-over above the giver's and the taker's signature boxes."""
    geo = page.geo
    centre = page.small(align=TA_CENTER)
    bold = page.small(bold=True, align=TA_CENTER)
    inner_w = geo.width * WIDTHS[1] - geo.sp(8)
    cells = [[para(time_phrase(handover.at), centre), ""],
             [para(form.text("giver"), bold), para(form.text("taker"), bold)],
             [Spacer(1, geo.sp(26)), ""],
             [para(handover.from_person, centre), para(handover.to_person, centre)]]
    table = Table(cells, colWidths=[inner_w / 2] * 2)
    table.setStyle(TableStyle([("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 2), (1, 2)),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), geo.sp(1))]))
    return table
