"""Intake presenter: scan → form, form → IntakeService on the DB thread → receipt and slip."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from counter_app.domain.cccd import parse_cccd_qr
from counter_app.domain.clock import local
from counter_app.domain.errors import DomainError
from counter_app.domain.fees import FeeKind, FeeRule, format_vnd
from counter_app.domain.lifecycle import Channel
from counter_app.domain.text import nfc
from counter_app.services.accounts import OfficialPublic
from counter_app.services.context import AppServices
from counter_app.services.errors import ServiceError, ValidationFailed
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.services.read_models import DossierPublic
from ui.intake.components import ComponentRow
from ui.intake.view import IntakeForm, IntakeView, ProcedureInfo
from ui.receipt_flow import ReceiptPipeline, RenderedReceipt
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def fee_summary(rule: dict[str, Any]) -> str:
    """One line describing a fee rule for the official."""
    try:
        fee = FeeRule.from_dict(rule)
    except DomainError:
        return "—"
    if fee.kind is FeeKind.FREE:
        return "Miễn phí"
    if fee.kind is FeeKind.PER_PAGE_TIERED:
        cap = f", tối đa {format_vnd(fee.cap_per_copy)}/bản" if fee.cap_per_copy else ""
        return (f"{format_vnd(fee.first_page_amount)}/trang ({fee.first_pages} trang đầu), "
                f"{format_vnd(fee.next_page_amount)}/trang từ trang {fee.first_pages + 1}{cap}")
    if fee.kind is FeeKind.PROVINCE and not fee.amount:
        return fee.note or "Theo mức tỉnh quy định"
    unit = "/bản" if fee.kind is FeeKind.PER_COPY else "/hồ sơ"
    online = f" (trực tuyến {format_vnd(fee.online_amount)})" if fee.online_amount is not None else ""
    return f"{format_vnd(fee.amount)}{unit}{online}"


def due_text(d: DossierPublic) -> str:
    """"16 giờ 30 phút, ngày 25/11/2026" in Vietnam's time, as the receipt prints it."""
    due = local(d.due_at)
    return f"{due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}"


class IntakePresenter(QObject):
    """Owns the intake use case for one logged-in official."""

    procedures_loaded = Signal(int)
    """The catalogue arrived (number of procedures)."""
    dossier_received = Signal(object)
    """A DossierPublic, after its transaction committed."""
    receipt_ready = Signal(bytes)
    """The receipt (form 01) PDF of the dossier just received."""
    slip_ready = Signal(bytes)
    """The 80 mm appointment slip PDF."""
    receive_failed = Signal(object)
    """The exception that stopped a receive (ValidationFailed: nothing was saved)."""

    def __init__(self, view: IntakeView, services: AppServices, runner: TaskRunner,
                 official: OfficialPublic, *, output: Any = None, counter_no: int | None = None,
                 receipt_page: str = "a4", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._services = services
        self._runner = runner
        self._official = official
        self._counter_no = counter_no
        self._output = output  # ui.printing.ReceiptOutput or a test double with deliver()
        self._procedures: dict[int, Any] = {}
        self._saving = False
        self._pipeline = ReceiptPipeline(runner, services.receipts, page=receipt_page, parent=self)
        self._pipeline.rendered.connect(self._on_pipeline_rendered)
        self._pipeline.failed.connect(self._on_pipeline_failed)
        view.scan_submitted.connect(self._on_view_scan_submitted)
        view.procedure_chosen.connect(self._on_view_procedure_chosen)
        view.receive_requested.connect(self._on_view_receive_requested)
        view.clear_requested.connect(self._on_view_clear_requested)

    def start(self) -> None:
        """Load the procedures in force today (DB thread)."""
        today = local(self._services.clock.now()).date()
        task = self._runner.run_db(self._services.catalogue.list_procedures, on=today)
        task.succeeded.connect(self._on_load_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_load_succeeded(self, procedures: list[Any]) -> None:
        self._procedures = {p.id: p for p in procedures}
        self.view.set_procedures([(p.id, p.code, p.name, p.field_name) for p in procedures])
        self.procedures_loaded.emit(len(procedures))

    # --- scan -------------------------------------------------------------------------------
    @Slot(str)
    def _on_view_scan_submitted(self, text: str) -> None:
        try:
            cid = parse_cccd_qr(text)  # pure and fast: fine on the GUI thread
        except DomainError as exc:
            self.view.set_field_error("scan", exc.message_vi)
            self.view.scan_edit.selectAll()
            return
        self.view.fill_citizen(name=nfc(cid.full_name), id_number=cid.number,
                               birth_date=cid.birth_date, sex=cid.sex.value,
                               address=nfc(cid.address))
        self.view.picker.setFocus()  # the card filled the applicant: next is the procedure

    # --- procedure ------------------------------------------------------------------------
    @Slot(int)
    def _on_view_procedure_chosen(self, procedure_id: int) -> None:
        p = self._procedures.get(procedure_id)
        if p is None:
            return
        rows = [ComponentRow(c.name, c.originals, c.certified_copies, c.photocopies, c.required)
                for c in p.components]
        self.view.show_procedure(ProcedureInfo(f"{p.field_name} ({p.field_code})",
                                               p.processing_time_text, fee_summary(p.fee_rule),
                                               f"{p.name} — mã {p.code}"),
                                 rows)

    # --- receive --------------------------------------------------------------------------
    def build_request(self, form: IntakeForm) -> IntakeRequest:
        """The service request for the form; ValidationFailed if no procedure is picked."""
        if form.procedure_id is None:
            raise ValidationFailed({"procedure": "Vui lòng chọn thủ tục hành chính."})
        return IntakeRequest(
            procedure_id=form.procedure_id, applicant_name=form.applicant_name,
            id_number=form.id_number, address=form.address, birth_date=form.birth_date,
            sex=form.sex, phone=form.phone, email=form.email,
            components=tuple(ComponentInput(c.name, c.originals, c.certified_copies,
                                            c.photocopies) for c in form.components),
            sets_count=form.sets_count,
            channel=Channel.POST if form.channel == "post" else Channel.DIRECT,
            result_delivery=form.result_delivery, note=form.note,
        )

    @Slot()
    def _on_view_receive_requested(self) -> None:
        if self._saving:
            return
        try:
            req = self.build_request(self.view.values())
        except ValidationFailed as exc:
            self.view.set_errors(exc.errors)
            self.receive_failed.emit(exc)
            return
        self._saving = True
        self.view.set_busy(True)
        self.view.clear_errors()
        task = self._runner.run_db(self._services.intake.receive, req, official=self._official,
                                   counter_no=self._counter_no)
        task.succeeded.connect(self._on_receive_succeeded)
        task.failed.connect(self._on_receive_failed)

    @Slot(object)
    def _on_receive_succeeded(self, dossier: DossierPublic) -> None:
        self._saving = False
        self.view.set_busy(False)
        self.view.clear_form()
        self.view.show_banner(f"Đã tiếp nhận hồ sơ {dossier.code} — hẹn trả {due_text(dossier)}")
        self.dossier_received.emit(dossier)
        # Printing only starts now: the dossier is committed whatever the printer does.
        self._pipeline.produce(dossier.code)

    @Slot(object)
    def _on_receive_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.view.set_busy(False)
        if isinstance(exc, ValidationFailed):
            self.view.set_errors(exc.errors)
        elif isinstance(exc, ServiceError | DomainError):
            self.view.set_field_error(exc.field or "form", exc.message_vi)
            self.view.show_banner(exc.message_vi, error=True)
        else:
            self.view.show_banner(f"Lỗi không mong muốn, hồ sơ chưa được lưu: {exc}", error=True)
        self.receive_failed.emit(exc)

    @Slot(object)
    def _on_pipeline_rendered(self, doc: RenderedReceipt) -> None:
        self.receipt_ready.emit(doc.receipt_pdf)
        self.slip_ready.emit(doc.slip_pdf)
        if self._output is not None:
            self._output.deliver(doc.code, doc.receipt_pdf, doc.slip_pdf)

    @Slot(str)
    def _on_pipeline_failed(self, message: str) -> None:
        self.view.show_banner(message, error=True)

    @Slot()
    def _on_view_clear_requested(self) -> None:
        self.view.clear_form()
        self.view.banner.hide()

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.show_banner(getattr(exc, "message_vi", None) or f"Lỗi: {exc}", error=True)

    def today(self) -> date:
        """The local date of the injected clock."""
        return local(self._services.clock.now()).date()
