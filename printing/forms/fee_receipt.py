"""The counter's numbered fee receipt (Biên lai thu phí, lệ phí), one page per copy (liên)."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from counter_app.domain.fees import format_vnd
from printing.fonts import Fonts
from printing.formpage import DocInfo, Signer, signatures
from printing.forms.common import Page, field, grid, opening, render_copies, resolve
from printing.forms.model import FeeReceipt
from printing.forms.registry import FormKind, FormTemplate
from printing.forms.words import amount_words
from printing.layout import para
from printing.text import markup, normalize_data, time_phrase

__all__ = ["render_fee_receipt"]


def render_fee_receipt(data: FeeReceipt, *, template: FormTemplate | None = None,
                       fonts: Fonts | None = None) -> bytes:
    """Return the fee receipt as PDF bytes, one page per copy, total also in words."""
    if not data.number.strip():
        raise ValueError("a fee receipt needs its number")
    if any(item.amount < 0 or item.quantity < 1 for item in data.items):
        raise ValueError("fee lines need a non-negative amount and a positive quantity")
    clean = normalize_data(data)
    form = resolve(FormKind.FEE_RECEIPT, clean.collected_at, template)
    page = Page(fonts)
    info = DocInfo(title=f"Biên lai thu phí, lệ phí số {clean.number} - {clean.dossier.code}",
                   author=clean.header.agency_name, subject=clean.dossier.procedure_name,
                   code=clean.dossier.code)
    return render_copies(form, lambda: _story(clean, form, page), page, info)


def _story(data: FeeReceipt, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return the flowables of one copy of the receipt."""
    geo, body = page.geo, page.body()
    number = (f"{markup(form.text('series'))}: <b>{markup(data.series)}</b>"
              f"&nbsp;&nbsp;&nbsp;&nbsp;{markup(form.text('number'))}: <b>{markup(data.number)}</b>")
    story: list[Flowable] = [
        *opening(form, data.header, data.collected_at, page),
        Paragraph(number, page.body(align=TA_CENTER)),
        Spacer(1, geo.sp(6)),
        field(form.text("payer"), data.payer_name, body, bold=True),
    ]
    if data.payer_address:
        story.append(field(form.text("address"), data.payer_address, body))
    story += [
        field(form.text("code"), data.dossier.code, body, bold=True),
        field(form.text("procedure"), data.dossier.procedure_name, body),
        _items(data, form, page),
        Spacer(1, geo.sp(6)),
        field(form.text("in_words"), amount_words(data.total), body, bold=True),
        field(form.text("method"), data.method, body),
        field("Thời gian thu", time_phrase(data.collected_at), body),
        KeepTogether([Spacer(1, geo.sp(8)), signatures(
            [Signer(form.text("payer_signer"), data.payer_name),
             Signer(form.text("collector_signer"), data.collector_name)], geo, page.family)]),
    ]
    return story


def _items(data: FeeReceipt, form: FormTemplate, page: Page) -> Flowable:
    """Return the lines table with its total row."""
    head = page.small(bold=True, align=TA_CENTER)
    cell, centre = page.small(), page.small(align=TA_CENTER)
    right, right_bold = page.small(align=TA_RIGHT), page.small(bold=True, align=TA_RIGHT)
    rows = [[para(h, head) for h in form.text("items_head").split("|")]]
    rows += [[para(str(n), centre), para(item.name, cell), para(str(item.quantity), centre),
              para(format_vnd(item.amount), right)]
             for n, item in enumerate(data.items, start=1)]
    rows.append([para(form.text("total"), page.small(bold=True, align=TA_CENTER)),
                 para("", cell), para("", cell), para(format_vnd(data.total), right_bold)])
    width = page.geo.width
    table = grid(rows, [width * 0.08, width * 0.56, width * 0.12, width * 0.24], page)
    table.setStyle(TableStyle([("SPAN", (0, -1), (2, -1))]))
    return table
