"""Printing a ticket off the GUI thread: ESC/POS raster (default), or a PDF through Qt."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from escpos.escpos import Escpos
from PySide6.QtCore import QObject, Signal, Slot

from printing.escpos_out import PrinterConfig, deliver, print_test_page
from printing.ticket import TicketData, render_ticket_image, render_ticket_pdf, ticket_text_lines
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)
NO_PRINTER = "Chưa cấu hình máy in phiếu."


def print_escpos(cfg: PrinterConfig, data: TicketData, printer: Escpos | None = None) -> str:
    """Render and send one ticket (I/O pool); returns the number."""
    image = render_ticket_image(data, width_mm=cfg.width_mm)
    deliver(cfg, image, ticket_text_lines(data), printer=printer)
    return data.number


class TicketPrinter(QObject):
    """Prints tickets per the kiosk's printer settings; never blocks, never shows a dialog.

    Settings ``{"kind": "qt", "printer_name": ..., "width_mm": 80}`` send the PDF ticket to an
    ordinary printer through Qt (ui.printing.PdfPrinter); any other kind is an ESC/POS printer
    (printing.escpos_out.PrinterConfig). ``printer`` injects a python-escpos object (tests pass
    a Dummy to capture the bytes).
    """

    printed = Signal(str)
    """The ticket (number) went to the printer."""
    failed = Signal(str, str)
    """Printing failed: number, Vietnamese message. The ticket stays issued."""

    def __init__(self, runner: TaskRunner, settings: Mapping[str, Any] | None, *,
                 printer: Escpos | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._settings = dict(settings or {})
        self._printer = printer
        self._pdf: Any = None
        self._numbers: dict[QObject, str] = {}

    def print_ticket(self, data: TicketData) -> None:
        """Queue one ticket for printing."""
        if not self._settings and self._printer is None:
            self.failed.emit(data.number, NO_PRINTER)
            return
        if self._settings.get("kind") == "qt":
            task = self._runner.run_io(render_ticket_pdf, data,
                                       width_mm=int(self._settings.get("width_mm", 80)))
            task.succeeded.connect(self._on_pdf_succeeded)
        else:
            try:
                cfg = PrinterConfig.from_dict(self._settings or {"kind": "dummy"})
            except ValueError as exc:
                self.failed.emit(data.number, getattr(exc, "message_vi", str(exc)))
                return
            task = self._runner.run_io(print_escpos, cfg, data, self._printer)
            task.succeeded.connect(self._on_escpos_succeeded)
        self._numbers[task] = data.number
        task.failed.connect(self._on_task_failed)

    def print_test_page(self) -> None:
        """The printer's test page (settings screen)."""
        cfg = PrinterConfig.from_dict(self._settings or {"kind": "dummy"})
        task = self._runner.run_io(print_test_page, cfg)
        self._numbers[task] = "—"
        task.succeeded.connect(self._on_escpos_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_escpos_succeeded(self, _result: object) -> None:
        self.printed.emit(self._numbers.pop(self.sender(), ""))

    @Slot(object)
    def _on_pdf_succeeded(self, pdf: bytes) -> None:
        from ui.printing import PdfPrinter, PrintSettings

        number = self._numbers.pop(self.sender(), "")
        if self._pdf is None:
            self._pdf = PdfPrinter(self._runner, PrintSettings(kiosk=True), self)
        ok = self._pdf.print_pdf(pdf, printer_name=str(self._settings.get("printer_name", "")))
        if ok:
            self.printed.emit(number)
        else:
            self.failed.emit(number, "Không tìm thấy máy in phiếu.")

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        number = self._numbers.pop(self.sender(), "")
        log.warning("ticket %s not printed: %s", number, exc)
        message = getattr(exc, "message_vi", None) or f"Không in được: {exc}"
        self.failed.emit(number, message)


PrinterFactory = Callable[[PrinterConfig], Escpos]
