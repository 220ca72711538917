"""Forms 02 (request to complete the dossier) and 03 (refusal), printed at the counter."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from printing.fonts import Fonts
from printing.formpage import DocInfo, Signer, signatures
from printing.forms.common import (
    Page,
    field,
    fill,
    grid,
    in_sentence,
    numbered,
    opening,
    render_copies,
    resolve,
)
from printing.forms.model import DossierRef, Refusal, SupplementRequest
from printing.forms.registry import FormKind, FormTemplate
from printing.layout import para
from printing.text import markup, normalize_data

__all__ = ["render_refusal", "render_supplement_request"]


def render_supplement_request(data: SupplementRequest, *, template: FormTemplate | None = None,
                              fonts: Fonts | None = None) -> bytes:
    """Return form 02 as PDF bytes: every missing or wrong item at once, in every copy."""
    clean = normalize_data(data)
    form = resolve(FormKind.SUPPLEMENT_REQUEST, clean.dossier.received_at, template)
    page = Page(fonts)
    info = DocInfo(title=f"{form.title.capitalize()} - {clean.dossier.code}",
                   author=clean.header.agency_name, subject=clean.dossier.procedure_name,
                   code=clean.dossier.code)
    return render_copies(form, lambda: _supplement_story(clean, form, page), page, info)


def _applicant_lines(dossier: DossierRef, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return the applicant, contact, code and request lines shared by forms 02 and 03."""
    body = page.body()
    person = dossier.applicant
    lines: list[Flowable] = []
    if person.address:
        lines.append(field("Địa chỉ", person.address, body))
    contact = [f"Số điện thoại: {markup(person.phone)}" if person.phone else "",
               f"Email: {markup(person.email)}" if person.email else ""]
    if any(contact):
        lines.append(Paragraph("&nbsp;&nbsp;&nbsp;&nbsp;".join(c for c in contact if c), body))
    if person.id_number:
        lines.append(field("Số định danh cá nhân", person.id_number, body))
    lines += [field(form.text("code"), dossier.code, body, bold=True),
              field(form.text("request"), dossier.procedure_name, body, bold=True)]
    return lines


def _supplement_story(data: SupplementRequest, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return the flowables of form 02."""
    geo, body = page.geo, page.body()
    head, cell = page.small(bold=True, align=TA_CENTER), page.small()
    centre = page.small(align=TA_CENTER)
    rows = [[para(h, head) for h in form.text("items_head").split("|")]]
    rows += [[para(str(n), centre), para(item.name, cell), para(item.note, cell)]
             for n, item in enumerate(data.items, start=1)]
    story: list[Flowable] = [
        *opening(form, data.header, data.printed_at, page, document_number=data.document_number),
        field(form.text("applicant"), data.dossier.applicant.name, body, bold=True),
        *_applicant_lines(data.dossier, form, page),
        para(form.text("items_intro"), body),
        grid(rows, [geo.width * 0.08, geo.width * 0.46, geo.width * 0.46], page),
        Spacer(1, geo.sp(6)),
    ]
    if data.reason.strip():
        story.append(field(form.text("reason"), data.reason, body))
    if data.contact.strip():
        story.append(Paragraph(fill(form.text("contact"), contact=data.contact), body))
    signers = [Signer(form.text("applicant_signer"), data.dossier.applicant.name),
               Signer(form.text("signer"), data.official_name)]
    story.append(KeepTogether([Spacer(1, geo.sp(8)), signatures(signers, geo, page.family)]))
    return story


def render_refusal(data: Refusal, *, template: FormTemplate | None = None,
                   fonts: Fonts | None = None) -> bytes:
    """Return form 03 as PDF bytes: the dossier is refused, with every written reason."""
    if not any(r.strip() for r in data.reasons):
        raise ValueError("a refusal needs a written reason")
    clean = normalize_data(data)
    form = resolve(FormKind.REFUSAL, clean.dossier.received_at, template)
    page = Page(fonts)
    info = DocInfo(title=f"{form.title.capitalize()} - {clean.dossier.code}",
                   author=clean.header.agency_name, subject=clean.dossier.procedure_name,
                   code=clean.dossier.code)
    return render_copies(form, lambda: _refusal_story(clean, form, page), page, info)


def _refusal_story(data: Refusal, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return the flowables of form 03."""
    geo, body = page.geo, page.body()
    unit = _unit_phrase(data.header.unit_name, data.header.agency_name)
    reasons = [r for r in data.reasons if r.strip()]
    return [
        *opening(form, data.header, data.printed_at, page, document_number=data.document_number),
        Paragraph(fill(form.text("intro"), unit=unit, applicant=data.dossier.applicant.name), body),
        *_applicant_lines(data.dossier, form, page),
        Paragraph(fill(form.text("reasons_intro"), unit=unit), body),
        *numbered(reasons, page),
        para(form.text("closing"), body),
        KeepTogether([Spacer(1, geo.sp(8)),
                      signatures([Signer(form.text("signer"), data.official_name)], geo,
                                 page.family)]),
    ]


def _unit_phrase(unit: str, agency: str) -> str:
    """Return 'Bộ phận tiếp nhận và trả kết quả, UBND phường Thụy Khuê' for a sentence."""
    return f"{in_sentence(unit)}, {in_sentence(agency)}"
