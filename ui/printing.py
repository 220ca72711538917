"""Qt side of printing: preview, silent printing to a named printer, the print dialog.

The PDFs come from the ``printing`` package (rendered on the I/O pool). Here each PDF page is
rasterised with QtPdf on the I/O pool at the printer's resolution (capped, see MAX_DPI), and
only the final ``QPainter.drawImage`` onto the ``QPrinter`` runs on the GUI thread: QPrinter
and its paint engine are GUI-thread objects in Qt (print dialogs, the platform print system),
so that step stays there, kept to one image blit per page.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QPointF,
    QRectF,
    QSettings,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.tasks import TaskRunner

log = logging.getLogger(__name__)
MAX_DPI = 300  # an A4 page at 300 dpi is ~35 MB as ARGB; more buys nothing on a laser printer


@dataclass(frozen=True)
class PrintSettings:
    """How this counter prints after an intake (kept per PC in QSettings)."""

    receipt_page: str = "a4"  # "a4" | "a5"
    after_receive: str = "preview"  # "preview" | "print" (silent) | "none"
    printer_name: str = ""  # receipts; "" = ask with the print dialog
    slip_printer_name: str = ""  # 80 mm roll; "" = no slip printing
    kiosk: bool = False  # never show a dialog

    @classmethod
    def load(cls, settings: QSettings | None = None) -> PrintSettings:
        """Read the settings of this PC (defaults when unset)."""
        s = settings or QSettings()
        return cls(
            receipt_page=str(s.value("print/receipt_page", "a4")),
            after_receive=str(s.value("print/after_receive", "preview")),
            printer_name=str(s.value("print/printer_name", "")),
            slip_printer_name=str(s.value("print/slip_printer_name", "")),
            kiosk=str(s.value("print/kiosk", "false")).lower() == "true",
        )


def render_pages(pdf: bytes, dpi: int) -> list[QImage]:
    """Rasterise every page of a PDF at ``dpi`` (I/O pool: no widgets, no printer)."""
    dpi = min(dpi, MAX_DPI)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        doc = QPdfDocument(None)
        err = doc.load(str(path))
        if err != QPdfDocument.Error.None_:
            raise OSError(f"cannot open PDF for printing: {err}")
        images = []
        for i in range(doc.pageCount()):
            pts = doc.pagePointSize(i)
            size = QSize(round(pts.width() / 72 * dpi), round(pts.height() / 72 * dpi))
            images.append(doc.render(i, size))
        doc.close()
    return images


def find_printer(name: str) -> QPrinter | None:
    """A high-resolution QPrinter for the named system printer, or None if it is not there."""
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo()
    if info.isNull():
        return None
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    return printer


def paint_pages(printer: QPrinter, images: list[QImage]) -> None:
    """Blit pre-rendered pages onto the printer (GUI thread; one drawImage per page)."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("Không mở được máy in.")
    try:
        for i, img in enumerate(images):
            if i:
                printer.newPage()
            page = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
            scale = min(page.width() / img.width(), page.height() / img.height())
            target = QRectF(QPointF(0, 0), img.size().toSizeF() * scale)
            painter.drawImage(target, img)
    finally:
        painter.end()


class PdfPrinter(QObject):
    """Prints PDF bytes: renders pages on the I/O pool, blits them on the GUI thread."""

    printed = Signal(str)
    """A document went to the named printer."""
    written = Signal(str)
    """The print dialog's "print to file" wrote the document to this path: nothing printed."""
    print_failed = Signal(str)
    """Printing failed; carries a Vietnamese message."""

    def __init__(self, runner: TaskRunner, settings: PrintSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._settings = settings
        self._pending: dict[QObject, QPrinter] = {}

    def print_pdf(self, pdf: bytes, *, printer_name: str = "",
                  parent: QWidget | None = None) -> bool:
        """Print to ``printer_name``; without one ask (unless kiosk). False if nothing printed."""
        printer = find_printer(printer_name) if printer_name else None
        if printer is None and printer_name:
            self.print_failed.emit(f"Không tìm thấy máy in “{printer_name}”.")
            return False
        if printer is None:
            if self._settings.kiosk:
                self.print_failed.emit("Chưa cấu hình máy in cho quầy.")
                return False
            if not QPrinterInfo.availablePrinterNames():
                self.print_failed.emit(QCoreApplication.translate(
                    "PdfPrinter", "Máy tính này chưa có máy in nào: hãy cài máy in, hoặc bấm "
                    "“Lưu PDF…” để lưu phiếu thành tệp."))
                return False
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setFullPage(True)
            if QPrintDialog(printer, parent).exec() != QDialog.DialogCode.Accepted:
                return False
        task = self._runner.run_io(render_pages, pdf, printer.resolution())
        self._pending[task] = printer
        task.succeeded.connect(self._on_render_succeeded)
        task.failed.connect(self._on_render_failed)
        return True

    @Slot(object)
    def _on_render_succeeded(self, images: list[QImage]) -> None:
        printer = self._pending.pop(self.sender(), None)
        if printer is None:
            return
        try:
            paint_pages(printer, images)
        except OSError as exc:
            log.exception("printing failed")
            self.print_failed.emit(str(exc))
            return
        if printer.outputFileName():  # "print to file" in the dialog: a file, not paper
            self.written.emit(printer.outputFileName())
        else:
            self.printed.emit(printer.printerName())

    @Slot(object)
    def _on_render_failed(self, exc: BaseException) -> None:
        self._pending.pop(self.sender(), None)
        self.print_failed.emit(f"Không in được: {exc}")


class PdfPreviewDialog(QDialog):
    """Shows a PDF with QtPdf; buttons In (print), Lưu PDF, Đóng."""

    print_requested = Signal()
    save_requested = Signal(str)
    slip_requested = Signal()
    """The "Phiếu hẹn 80 mm" button: preview the appointment slip too."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None, *,
                 with_slip: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 900)
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel("")
        self.print_button = QPushButton("In")
        self.save_button = QPushButton("Lưu PDF…")
        self.close_button = QPushButton("Đóng")
        self.slip_button = QPushButton(self.tr("Phiếu hẹn 80 mm…"))
        self.slip_button.setVisible(with_slip)
        self.slip_button.clicked.connect(self.slip_requested)
        self.print_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.slip_button, self.print_button, self.save_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self.print_requested)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    @Slot()
    def _on_save_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Lưu PDF", self.windowTitle() + ".pdf",
                                              "PDF (*.pdf)")
        if path:
            self.save_requested.emit(path)

    def pdf_bytes(self) -> bytes:
        """The document shown."""
        return bytes(self._bytes.data())

    def set_status(self, text: str) -> None:
        """A short line beside the buttons (printed, saved, error)."""
        self.status.setText(text)

    @Slot(str)
    def on_printed(self, name: str) -> None:
        """The pages reached the printer."""
        self.set_status(self.tr("Đã gửi tới máy in “{name}”.").format(name=name))

    @Slot(str)
    def on_written(self, path: str) -> None:
        """"Print to file" was chosen: say so, it is not on paper."""
        self.set_status(self.tr("Chưa in ra giấy: đã ghi thành tệp {path}.").format(path=path))

    @Slot(str)
    def on_print_failed(self, message: str) -> None:
        """Nothing printed: the reason in Vietnamese."""
        self.set_status(message)

    @Slot(object)
    def on_saved(self, _result: object) -> None:
        """The PDF was written (the write ran on the I/O pool)."""
        self.set_status("Đã lưu PDF.")

    @Slot(object)
    def on_save_failed(self, exc: BaseException) -> None:
        """The PDF could not be written."""
        self.set_status(f"Không lưu được: {exc}")


class ReceiptOutput(QObject):
    """What happens to a receipt after intake or on reprint: preview, silent print, or nothing."""

    delivered = Signal(str)
    """The code whose receipt was handed to a printer or shown."""
    message = Signal(str)
    """A Vietnamese status line for the user (printer missing, saved, …)."""

    def __init__(self, runner: TaskRunner, settings: PrintSettings,
                 parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self._runner = runner
        self.settings = settings
        self._parent = parent_widget
        self.printer = PdfPrinter(runner, settings, self)
        self.printer.print_failed.connect(self.message)

    def deliver(self, code: str, receipt_pdf: bytes, slip_pdf: bytes | None,
                *, mode: str | None = None) -> None:
        """Preview or print a freshly rendered receipt (and slip) according to the settings."""
        mode = mode or self.settings.after_receive
        if mode == "preview" and self.settings.kiosk:
            mode = "print"  # a kiosk never shows a dialog
        if mode == "preview":
            self.preview(code, receipt_pdf, slip_pdf)
        elif mode == "print":
            self.printer.print_pdf(receipt_pdf, printer_name=self.settings.printer_name,
                                   parent=self._parent)
            if slip_pdf and self.settings.slip_printer_name:
                self.printer.print_pdf(slip_pdf, printer_name=self.settings.slip_printer_name)
        self.delivered.emit(code)

    def preview(self, code: str, pdf: bytes, slip_pdf: bytes | None = None) -> PdfPreviewDialog:
        """Open the preview dialog (non-modal: the next citizen can be served meanwhile)."""
        # On top of a modal dialog (the dossier's details) when one is open, else it sits
        # behind it and cannot be used.
        parent = QApplication.activeModalWidget() or self._parent
        dlg = self._preview(pdf, f"Giấy tiếp nhận {code}", parent, self.settings.printer_name,
                            with_slip=slip_pdf is not None)
        if slip_pdf is not None:
            dlg.slip_requested.connect(lambda: self.preview_slip(code, slip_pdf, dlg))
        return dlg

    def preview_slip(self, code: str, pdf: bytes,
                     parent: QWidget | None = None) -> PdfPreviewDialog:
        """Preview the 80 mm appointment slip: print it on the slip printer, or save it."""
        title = QCoreApplication.translate("ReceiptOutput", "Phiếu hẹn {code}").format(code=code)
        return self._preview(pdf, title, parent or self._parent, self.settings.slip_printer_name)

    def _preview(self, pdf: bytes, title: str, parent: QWidget | None, printer_name: str, *,
                 with_slip: bool = False) -> PdfPreviewDialog:
        dlg = PdfPreviewDialog(pdf, title, parent, with_slip=with_slip)
        dlg.setProperty("printer_name", printer_name)
        # A printer per dialog: its outcome is reported in that dialog, never guessed.
        printer = PdfPrinter(self._runner, self.settings, dlg)
        printer.printed.connect(dlg.on_printed)
        printer.written.connect(dlg.on_written)
        printer.print_failed.connect(dlg.on_print_failed)
        printer.print_failed.connect(self.message)
        dlg.print_requested.connect(self._on_preview_print_requested)
        dlg.save_requested.connect(self._on_preview_save_requested)
        dlg.show()
        return dlg

    @Slot()
    def _on_preview_print_requested(self) -> None:
        dlg = self.sender()
        if not isinstance(dlg, PdfPreviewDialog):
            return
        printer = dlg.findChild(PdfPrinter)
        dlg.set_status("")
        if printer is not None and printer.print_pdf(
                dlg.pdf_bytes(), printer_name=str(dlg.property("printer_name") or ""),
                parent=dlg):
            dlg.set_status(self.tr("Đang in…"))

    @Slot(str)
    def _on_preview_save_requested(self, path: str) -> None:
        dlg = self.sender()
        if isinstance(dlg, PdfPreviewDialog):
            task = self._runner.run_io(Path(path).write_bytes, dlg.pdf_bytes())
            task.succeeded.connect(dlg.on_saved)
            task.failed.connect(dlg.on_save_failed)
