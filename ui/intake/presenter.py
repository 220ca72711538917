"""Intake presenter: scan → form, form → IntakeService on the DB thread → receipt and slip."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from counter_app.domain.cccd import check_person_name, find_scan, parse_cccd_qr
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
DUPLICATE_DAYS = 7  # same ID number and procedure within this many days: probably a repeat
USAGE_DAYS = 90  # the picker puts this counter's frequent procedures of these days first


def _tr(text: str) -> str:
    return QCoreApplication.translate("IntakePresenter", text)


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


def fee_counts(rule: dict[str, Any]) -> tuple[bool, bool]:
    """Whether the fee rule counts (pages, copies): the form then asks for them."""
    try:
        kind = FeeRule.from_dict(rule).kind
    except DomainError:
        return False, False
    return kind is FeeKind.PER_PAGE_TIERED, kind in (FeeKind.PER_PAGE_TIERED, FeeKind.PER_COPY)


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
        self._calendar: Any = None
        self._duplicates: list[str] = []
        self._dup_generation = 0
        self._saving = False
        self._pipeline = ReceiptPipeline(runner, services.receipts, page=receipt_page, parent=self)
        self._pipeline.rendered.connect(self._on_pipeline_rendered)
        self._pipeline.failed.connect(self._on_pipeline_failed)
        view.scan_submitted.connect(self._on_view_scan_submitted)
        view.procedure_chosen.connect(self._on_view_procedure_chosen)
        view.receive_requested.connect(self._on_view_receive_requested)
        view.clear_requested.connect(self._on_view_clear_requested)
        view.id_edit.editingFinished.connect(self._check_duplicates)

    def start(self) -> None:
        """Load the procedures in force today (DB thread)."""
        today = local(self._services.clock.now()).date()
        task = self._runner.run_db(self._services.catalogue.list_procedures, on=today)
        task.succeeded.connect(self._on_load_succeeded)
        task.failed.connect(self._on_task_failed)
        cal = self._runner.run_db(self._services.calendar.calendar, on=today)
        cal.succeeded.connect(self._on_calendar_succeeded)
        cal.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_load_succeeded(self, procedures: list[Any]) -> None:
        self._procedures = {p.id: p for p in procedures}
        self.view.set_procedures([(p.id, p.code, p.name, p.field_name) for p in procedures])
        since = self.today() - timedelta(days=USAGE_DAYS)
        usage = self._runner.run_db(self._services.dossiers.procedure_usage, since=since)
        usage.succeeded.connect(self._on_usage_succeeded)
        usage.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_usage_succeeded(self, uses: dict[str, int]) -> None:
        self.view.picker.set_usage(uses)
        self.procedures_loaded.emit(len(self._procedures))

    @Slot(object)
    def _on_calendar_succeeded(self, calendar: Any) -> None:
        self._calendar = calendar
        self._show_warnings()

    # --- warnings -------------------------------------------------------------------------
    def _show_warnings(self) -> None:
        lines = []
        if self._duplicates:
            lines.append(_tr("Cùng số CCCD và thủ tục này đã được tiếp nhận trong {days} ngày "
                             "qua: {codes}. Kiểm tra để tránh nhận trùng.").format(
                days=DUPLICATE_DAYS, codes=", ".join(self._duplicates)))
        if self._calendar is not None and not self._calendar.is_reception_time(
                self._services.clock.now()):
            lines.append(_tr("Đang ngoài giờ tiếp nhận hồ sơ: ngày hẹn trả được tính từ "
                             "giờ làm việc kế tiếp."))
        self.view.set_warnings(lines)

    @Slot()
    def _check_duplicates(self) -> None:
        """Ask the store for the same ID number and procedure lately (DB thread)."""
        self._dup_generation += 1
        p = self._procedures.get(self.view.picker.chosen_id() or -1)
        number = "".join(self.view.id_edit.text().split())
        if p is None or len(number) != 12:
            self._duplicates = []
            self._show_warnings()
            return
        since = self.today() - timedelta(days=DUPLICATE_DAYS)
        task = self._runner.run_db(self._recent_same, self._dup_generation, number, p.code,
                                   since)
        task.succeeded.connect(self._on_recent_same_succeeded)
        task.failed.connect(self._on_task_failed)

    def _recent_same(self, generation: int, number: str, code: str,
                     since: date) -> tuple[int, list[str]]:
        return generation, self._services.dossiers.recent_same(number, code, since=since)

    @Slot(object)
    def _on_recent_same_succeeded(self, result: tuple[int, list[str]]) -> None:
        generation, codes = result
        if generation == self._dup_generation:
            self._duplicates = codes
            self._show_warnings()

    # --- scan -------------------------------------------------------------------------------
    @Slot(str)
    def _on_view_scan_submitted(self, text: str) -> None:
        found = find_scan(text)
        try:
            cid = parse_cccd_qr(found[1] if found else text)  # pure and fast: GUI thread is fine
        except DomainError as exc:
            self.view.scan_edit.setText(text)
            self.view.set_field_error("scan", exc.message_vi)
            self.view.scan_edit.setFocus()
            self.view.scan_edit.selectAll()
            return
        self.view.fill_citizen(name=nfc(cid.full_name), id_number=cid.number,
                               birth_date=cid.birth_date, sex=cid.sex.value,
                               address=nfc(cid.address))
        if cid.incomplete:
            self.view.set_field_error("scan", _tr(
                "Mã QR chỉ có 6 trường (thiếu ngày cấp): đối chiếu họ tên, ngày sinh, địa chỉ "
                "với thẻ trước khi tiếp nhận."))
        self.view.picker.setFocus()  # the card filled the applicant: next is the procedure
        self._check_duplicates()

    # --- procedure ------------------------------------------------------------------------
    @Slot(int)
    def _on_view_procedure_chosen(self, procedure_id: int) -> None:
        p = self._procedures.get(procedure_id)
        if p is None:
            return
        rows = [ComponentRow(c.name, c.originals, c.certified_copies, c.photocopies, c.required)
                for c in p.components]
        pages, copies = fee_counts(p.fee_rule)
        self.view.show_procedure(ProcedureInfo(f"{p.field_name} ({p.field_code})",
                                               p.processing_time_text, fee_summary(p.fee_rule),
                                               f"{p.name} — mã {p.code}", pages, copies),
                                 rows)
        self._check_duplicates()

    # --- receive --------------------------------------------------------------------------
    def build_request(self, form: IntakeForm) -> IntakeRequest:
        """The service request for the form; ValidationFailed for what the form can tell."""
        errors: dict[str, str] = {}
        if form.procedure_id is None:
            errors["procedure"] = "Vui lòng chọn thủ tục hành chính."
        try:
            check_person_name(form.applicant_name)
        except DomainError as exc:
            errors["applicant_name"] = exc.message_vi
        if form.birth_text.strip() and form.birth_date is None:
            errors["birth_date"] = _tr("Ngày sinh phải có dạng ngày/tháng/năm, ví dụ 15/03/1990.")
        if errors or form.procedure_id is None:
            raise ValidationFailed(errors)
        return IntakeRequest(
            procedure_id=form.procedure_id, applicant_name=form.applicant_name,
            id_number=form.id_number, address=form.address, birth_date=form.birth_date,
            sex=form.sex, phone=form.phone, email=form.email,
            components=tuple(ComponentInput(c.name, c.originals, c.certified_copies,
                                            c.photocopies) for c in form.components),
            sets_count=form.sets_count,
            channel=Channel.POST if form.channel == "post" else Channel.DIRECT,
            result_delivery=form.result_delivery, note=form.note,
            fee_pages=form.fee_pages, fee_copies=form.fee_copies,
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
        self._duplicates = []
        self._show_warnings()  # the office-hours line still holds for the next citizen
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
        self._duplicates = []
        self._show_warnings()
        self.view.banner.hide()

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.show_banner(getattr(exc, "message_vi", None) or f"Lỗi: {exc}", error=True)

    def today(self) -> date:
        """The local date of the injected clock."""
        return local(self._services.clock.now()).date()
