"""Tab "Máy in": this PC's receipt and slip printers, page size, what happens after intake.

A PC's printers are the PC's, not the ward's: these settings stay in QSettings on this machine
(``PrintSettings``), never in the ward database, so they are neither synced nor shared with
the other counters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.calendar import VN_TZ
from counter_app.services.accounts import AccountService, OfficialPublic, WardPublic
from printing.model import AgencyHeader, ComponentLine, ReceiptData, SlipData
from ui.admin.common import error_text
from ui.printing import PdfPrinter, PrintSettings
from ui.tasks import TaskRunner

ASK_LABEL = "(Hỏi mỗi lần in)"
NO_SLIP_LABEL = "(Không in phiếu hẹn)"
PAGES = (("a4", "A4"), ("a5", "A5"))
AFTER_RECEIVE = (
    ("preview", "Xem trước rồi mới in"),
    ("print", "In ngay, không hỏi"),
    ("none", "Không in"),
)


def save_print_settings(ps: PrintSettings, settings: QSettings | None = None) -> None:
    """Write ``ps`` to this PC's QSettings, under the keys ``PrintSettings.load`` reads."""
    s = settings or QSettings()
    s.setValue("print/receipt_page", ps.receipt_page)
    s.setValue("print/after_receive", ps.after_receive)
    s.setValue("print/printer_name", ps.printer_name)
    s.setValue("print/slip_printer_name", ps.slip_printer_name)
    s.setValue("print/kiosk", "true" if ps.kiosk else "false")
    s.sync()


def sample_documents(ward: WardPublic, official_name: str) -> tuple[ReceiptData, SlipData]:
    """A test receipt and slip with the ward's real header and obviously fake contents."""
    header = AgencyHeader(ward.agency_name, ward.unit_name, ward.place_name)
    now = datetime.now(VN_TZ).replace(second=0, microsecond=0)
    code = f"{ward.agency_code}-000000-0000"
    url = ward.lookup_url_base + "in-thu"
    receipt = ReceiptData(
        header=header, dossier_code=code, applicant_name="IN THỬ — KHÔNG CÓ GIÁ TRỊ",
        applicant_address="Trang in thử để kiểm tra máy in và phông chữ tiếng Việt",
        applicant_phone="0000 000 000", applicant_email="", applicant_id_number="000000000000",
        procedure_name="Trang in thử (ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự đ Đ)",
        procedure_code="0.000000", components=(ComponentLine("Giấy tờ mẫu", 1, 1, 1),),
        sets_count=1, processing_time_text="Trong ngày", received_at=now,
        due_at=now + timedelta(hours=1), result_delivery="Tại Bộ phận tiếp nhận và trả kết quả",
        ledger_book=ward.ledger_book, ledger_line=0, official_name=official_name,
        lookup_url=url,
    )  # fmt: skip
    slip = SlipData(header, code, receipt.applicant_name, "Trang in thử phiếu hẹn", now,
                    receipt.due_at, url, official_name, f"Quầy số {ward.counter_no}")  # fmt: skip
    return receipt, slip


def render_test_page(ward: WardPublic, official_name: str, kind: str, page: str) -> bytes:
    """The test receipt (A4/A5) or 80 mm slip as PDF bytes (I/O pool)."""
    from printing.receipt import render_receipt  # heavy: reportlab, only on the I/O pool
    from printing.slip import render_slip

    receipt, slip = sample_documents(ward, official_name)
    if kind == "slip":
        return render_slip(slip, width_mm=80)
    return render_receipt(receipt, page=page)  # type: ignore[arg-type]


class PrintersView(QWidget):
    """Printer choices of this PC; emits the settings to save or to test."""

    save_requested = Signal(object)
    """A PrintSettings to store on this PC."""
    test_requested = Signal(str, object)
    """("receipt" | "slip", the PrintSettings as currently chosen, unsaved)."""

    def __init__(self, printer_names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = printer_names
        self.receipt_printer = QComboBox()
        self.slip_printer = QComboBox()
        self.page = QComboBox()
        for value, label in PAGES:
            self.page.addItem(label, value)
        self.after_receive = QComboBox()
        for value, label in AFTER_RECEIVE:
            self.after_receive.addItem(label, value)
        self.kiosk = QCheckBox("Máy tự phục vụ (kiosk): không bao giờ hiện hộp thoại")
        self.test_receipt_button = QPushButton("In thử giấy tiếp nhận")
        self.test_slip_button = QPushButton("In thử phiếu hẹn")
        self.save_button = QPushButton("Lưu", objectName="primary")
        self.status = QLabel(wordWrap=True)
        self._build()
        self.set_settings(PrintSettings())

    def _build(self) -> None:
        box = QGroupBox("Máy in của máy tính này")
        form = QFormLayout(box)
        form.addRow("Máy in giấy tiếp nhận", self.receipt_printer)
        form.addRow("Khổ giấy tiếp nhận", self.page)
        form.addRow("Máy in phiếu hẹn (80 mm)", self.slip_printer)
        form.addRow("Sau khi tiếp nhận", self.after_receive)
        form.addRow("", self.kiosk)
        hint = QLabel(
            "Các thiết lập này chỉ áp dụng cho máy tính này, không đồng bộ sang "
            "quầy khác." + ("" if self._names else " Không tìm thấy máy in nào trên máy tính này.")
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_receipt_button)
        buttons.addWidget(self.test_slip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        root = QVBoxLayout(self)
        root.addWidget(box)
        root.addWidget(hint)
        root.addLayout(buttons)
        root.addWidget(self.status)
        root.addStretch(1)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.test_receipt_button.clicked.connect(self._on_test_receipt_button_clicked)
        self.test_slip_button.clicked.connect(self._on_test_slip_button_clicked)

    def _fill(self, combo: QComboBox, empty_label: str, current: str) -> None:
        combo.clear()
        combo.addItem(empty_label, "")
        for name in self._names:
            combo.addItem(name, name)
        if current and current not in self._names:  # keep a printer that is switched off
            combo.addItem(f"{current} (không tìm thấy)", current)
        combo.setCurrentIndex(max(0, combo.findData(current)))

    def set_settings(self, ps: PrintSettings) -> None:
        """Show the stored settings."""
        self._fill(self.receipt_printer, ASK_LABEL, ps.printer_name)
        self._fill(self.slip_printer, NO_SLIP_LABEL, ps.slip_printer_name)
        self.page.setCurrentIndex(max(0, self.page.findData(ps.receipt_page)))
        self.after_receive.setCurrentIndex(max(0, self.after_receive.findData(ps.after_receive)))
        self.kiosk.setChecked(ps.kiosk)

    def settings(self) -> PrintSettings:
        """The settings as chosen on screen."""
        return PrintSettings(
            receipt_page=str(self.page.currentData()),
            after_receive=str(self.after_receive.currentData()),
            printer_name=str(self.receipt_printer.currentData() or ""),
            slip_printer_name=str(self.slip_printer.currentData() or ""),
            kiosk=self.kiosk.isChecked(),
        )

    def set_status(self, text: str, *, error: bool = False) -> None:
        """A line under the buttons (saved, sent to the printer, or what went wrong)."""
        self.status.setProperty("role", "error" if error else "info")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self.save_requested.emit(self.settings())

    @Slot()
    def _on_test_receipt_button_clicked(self) -> None:
        self.test_requested.emit("receipt", self.settings())

    @Slot()
    def _on_test_slip_button_clicked(self) -> None:
        self.test_requested.emit("slip", self.settings())


class PrintersPresenter(QObject):
    """Loads and saves this PC's PrintSettings; prints test pages through ``PdfPrinter``."""

    saved = Signal(object)
    """The PrintSettings just stored (the main window applies them to its output)."""
    test_sent = Signal(str, bytes)
    """(kind, PDF) handed to the printer."""

    def __init__(
        self,
        view: PrintersView,
        runner: TaskRunner,
        accounts: AccountService,
        official: OfficialPublic,
        current: PrintSettings,
        *,
        qsettings: QSettings | None = None,
        printer_factory: Callable[[PrintSettings], PdfPrinter] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._runner = runner
        self._accounts = accounts
        self._official = official
        self._qsettings = qsettings
        self._make_printer = printer_factory or self._default_printer
        self._pending: dict[QObject, tuple[str, PrintSettings]] = {}
        view.set_settings(current)
        view.save_requested.connect(self._on_view_save_requested)
        view.test_requested.connect(self._on_view_test_requested)

    def _default_printer(self, ps: PrintSettings) -> PdfPrinter:
        return PdfPrinter(self._runner, ps, self)

    @Slot(object)
    def _on_view_save_requested(self, ps: PrintSettings) -> None:
        save_print_settings(ps, self._qsettings)
        self.view.set_status("Đã lưu thiết lập máy in của máy tính này.")
        self.saved.emit(ps)

    @Slot(str, object)
    def _on_view_test_requested(self, kind: str, ps: PrintSettings) -> None:
        if kind == "slip" and not ps.slip_printer_name:
            self.view.set_status("Chưa chọn máy in phiếu hẹn.", error=True)
            return
        self.view.set_status("Đang tạo trang in thử…")
        task = self._runner.run_db(self._accounts.ward)  # the header is the ward's own
        self._pending[task] = (kind, ps)
        task.succeeded.connect(self._on_ward_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_ward_succeeded(self, ward: WardPublic) -> None:
        kind, ps = self._pending.pop(self.sender(), ("receipt", PrintSettings()))
        task = self._runner.run_io(
            render_test_page, ward, self._official.full_name, kind, ps.receipt_page
        )
        self._pending[task] = (kind, ps)
        task.succeeded.connect(self._on_render_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_render_succeeded(self, pdf: bytes) -> None:
        kind, ps = self._pending.pop(self.sender(), ("receipt", PrintSettings()))
        # A printer for the choices on screen, saved or not (kiosk included).
        printer = self._make_printer(ps)
        printer.print_failed.connect(self._on_printer_print_failed)
        printer.printed.connect(self._on_printer_printed)
        name = ps.slip_printer_name if kind == "slip" else ps.printer_name
        self.view.set_status("")
        if printer.print_pdf(pdf, printer_name=name, parent=self.view):
            self.view.set_status("Đã gửi trang in thử tới máy in.")
            self.test_sent.emit(kind, pdf)
        elif not self.view.status.text():  # no error shown: the print dialog was cancelled
            self.view.set_status("Đã huỷ in thử.")

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self._pending.pop(self.sender(), None)
        self.view.set_status(f"Không tạo được trang in thử: {error_text(exc)}", error=True)

    @Slot(str)
    def _on_printer_print_failed(self, message: str) -> None:
        self.view.set_status(message, error=True)

    @Slot(str)
    def _on_printer_printed(self, name: str) -> None:
        self.view.set_status(f"Đã in trang thử trên “{name}”.")
