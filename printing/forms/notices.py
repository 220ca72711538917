"""Form 04 (late: apology and new date / apology and extension) and the stop notice (05, TT 03/2025)."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from printing.fonts import Fonts
from printing.formpage import DocInfo, Signer, signatures
from printing.forms.common import (
    Page,
    field,
    fill,
    in_sentence,
    numbered,
    opening,
    render_copies,
    resolve,
)
from printing.forms.model import ApologyExtension, DossierRef, StopNotice
from printing.forms.registry import FormKind, FormTemplate
from printing.layout import para
from printing.text import normalize_data, time_phrase, to_vn

__all__ = ["render_apology_extension", "render_stop_notice"]


def _info(form: FormTemplate, agency: str, dossier: DossierRef) -> DocInfo:
    """Return the PDF metadata of a notice about dossier."""
    return DocInfo(title=f"{form.title.capitalize()} - {dossier.code}", author=agency,
                   subject=dossier.procedure_name, code=dossier.code)


def _reasons(reasons: tuple[str, ...]) -> list[str]:
    """Return the non-blank reasons; a notice without one is refused."""
    kept = [r for r in reasons if r.strip()]
    if not kept:
        raise ValueError("this notice needs a written reason")
    return kept


def render_apology_extension(data: ApologyExtension, *, template: FormTemplate | None = None,
                             fonts: Fonts | None = None) -> bytes:
    """Return form 04 as PDF bytes: the reason, the unit at fault, the apology and new date."""
    _reasons(data.reasons)
    if data.dossier.due_at is None:
        raise ValueError("form 04 needs the dossier's original due time")
    clean = normalize_data(data)
    form = resolve(FormKind.APOLOGY_EXTENSION, clean.dossier.received_at, template)
    page = Page(fonts)
    info = _info(form, clean.header.agency_name, clean.dossier)
    return render_copies(form, lambda: _apology_story(clean, form, page), page, info)


def _addressee(dossier: DossierRef, form: FormTemplate, page: Page, unit: str) -> list[Flowable]:
    """Return 'Kính gửi', the received sentence, the code and the request."""
    body = page.body()
    person = dossier.applicant
    received = f"{to_vn(dossier.received_at):%d/%m/%Y}"
    return [
        field(form.text("to"), f"Ông/Bà {person.name}", body, bold=True),
        Spacer(1, page.geo.sp(4)),
        Paragraph(fill(form.text("received"), received=received, unit=unit,
                       applicant=person.name), body),
        field(form.text("code"), dossier.code, body, bold=True),
        field(form.text("request"), dossier.procedure_name, body),
    ]


def _apology_story(data: ApologyExtension, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return the flowables of form 04."""
    geo, body = page.geo, page.body()
    unit = in_sentence(data.header.agency_name)
    fault = in_sentence(data.unit_at_fault)
    due = data.dossier.due_at
    assert due is not None  # checked before rendering
    return [
        *opening(form, data.header, data.printed_at, page, document_number=data.document_number),
        *_addressee(data.dossier, form, page, unit),
        field(form.text("due"), time_phrase(due), body),
        Paragraph(fill(form.text("late"), fault=fault), body),
        *numbered(_reasons(data.reasons), page),
        Paragraph(fill(form.text("apology"), fault=fault, new_due=time_phrase(data.new_due_at),
                       place=data.return_place), body),
        para(form.text("closing"), body),
        KeepTogether([Spacer(1, geo.sp(8)),
                      signatures([Signer(data.signer_title, data.signer_name,
                                         "(Ký, ghi rõ họ tên và đóng dấu)")], geo, page.family)]),
    ]


def render_stop_notice(data: StopNotice, *, template: FormTemplate | None = None,
                       fonts: Fonts | None = None) -> bytes:
    """Return the stop notice (form 05 of TT 03/2025) as PDF bytes, with the written reason.

    Dossiers received before TT 03/2025 have no such form: FormNotInForce is raised unless a
    template is passed explicitly (docs/forms.md).
    """
    _reasons(data.reasons)
    clean = normalize_data(data)
    form = resolve(FormKind.STOP_NOTICE, clean.dossier.received_at, template)
    page = Page(fonts)
    info = _info(form, clean.header.agency_name, clean.dossier)
    return render_copies(form, lambda: _stop_story(clean, form, page), page, info)


def _stop_story(data: StopNotice, form: FormTemplate, page: Page) -> list[Flowable]:
    """Return the flowables of the stop notice."""
    geo, body = page.geo, page.body()
    unit = in_sentence(data.header.agency_name)
    story: list[Flowable] = [
        *opening(form, data.header, data.printed_at, page, document_number=data.document_number),
        *_addressee(data.dossier, form, page, unit),
        Paragraph(fill(form.text("stopped"), unit=unit, stopped=time_phrase(data.stopped_at)),
                  body),
        *numbered(_reasons(data.reasons), page),
    ]
    if data.basis.strip():
        story.append(field(form.text("basis"), data.basis, body))
    if data.fee_note.strip():
        story.append(field(form.text("fees"), data.fee_note, body))
    story += [
        para(form.text("closing"), body),
        KeepTogether([Spacer(1, geo.sp(8)),
                      signatures([Signer(data.signer_title, data.signer_name,
                                         "(Ký, ghi rõ họ tên và đóng dấu)")], geo, page.family)]),
    ]
    return story
