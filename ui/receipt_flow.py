"""From a stored dossier code to receipt and slip PDFs: read on the DB thread, render on I/O."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from counter_app.services.receipts import ReceiptService
from printing.model import ReceiptData, SlipData
from ui.tasks import TaskRunner


@dataclass(frozen=True)
class RenderedReceipt:
    """The two documents of one dossier."""

    code: str
    receipt_pdf: bytes
    slip_pdf: bytes


def _load(receipts: ReceiptService, code: str) -> tuple[ReceiptData, SlipData]:
    return receipts.receipt(code), receipts.slip(code)


def _render(data: tuple[ReceiptData, SlipData], page: str) -> RenderedReceipt:
    # Imported here: reportlab is heavy and only the I/O pool needs it.
    from printing.receipt import render_receipt
    from printing.slip import render_slip

    receipt, slip = data
    return RenderedReceipt(receipt.dossier_code, render_receipt(receipt, page=page),  # type: ignore[arg-type]
                           render_slip(slip, width_mm=80))


class ReceiptPipeline(QObject):
    """Produces the receipt (form 01) and the 80 mm slip of a dossier already committed."""

    rendered = Signal(object)
    """A RenderedReceipt."""
    failed = Signal(str)
    """A Vietnamese message: the dossier is saved, only its printout failed."""

    def __init__(self, runner: TaskRunner, receipts: ReceiptService, *, page: str = "a4",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._receipts = receipts
        self.page = page

    def produce(self, code: str) -> None:
        """Read the receipt data on the DB thread, then render it on the I/O pool."""
        task = self._runner.run_db(_load, self._receipts, code)
        task.succeeded.connect(self._on_load_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_load_succeeded(self, data: tuple[ReceiptData, SlipData]) -> None:
        task = self._runner.run_io(_render, data, self.page)
        task.succeeded.connect(self._on_render_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_render_succeeded(self, result: RenderedReceipt) -> None:
        self.rendered.emit(result)

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        detail = getattr(exc, "message_vi", None) or str(exc)
        self.failed.emit(f"Hồ sơ đã lưu nhưng không tạo được phiếu in: {detail}")
