"""Dossier list presenter: queries on the DB thread, newest answer wins."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from counter_app.domain.clock import local
from counter_app.services.context import AppServices
from counter_app.services.dossiers import DossierQuery
from counter_app.services.read_models import DossierPublic
from ui.dossiers.detail_dialog import DossierDetailDialog
from ui.dossiers.view import DossierListView
from ui.receipt_flow import ReceiptPipeline, RenderedReceipt
from ui.tasks import TaskRunner


def make_query(services: AppServices, text: str, filter_key: str) -> DossierQuery:
    """The service query for the search box and filter."""
    if filter_key == "overdue":
        return DossierQuery(text=text, overdue_only=True)
    if filter_key == "today" and not text.strip():
        return DossierQuery(day=local(services.clock.now()).date(), limit=1000)
    return DossierQuery(text=text)  # searching looks beyond today


class DossierListPresenter(QObject):
    """Feeds the list, opens details, reprints."""

    results_loaded = Signal(int)
    """A search finished and the table shows its rows (count)."""
    detail_opened = Signal(object)
    """The DossierDetailDialog shown."""
    reprint_rendered = Signal(str)
    """A reprint's PDFs were rendered and handed to the output (code)."""

    def __init__(self, view: DossierListView, services: AppServices, runner: TaskRunner, *,
                 output: Any = None, receipt_page: str = "a4",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.model = view.model
        self._services = services
        self._runner = runner
        self._output = output
        self._generation = 0
        self._pipeline = ReceiptPipeline(runner, services.receipts, page=receipt_page, parent=self)
        self._pipeline.rendered.connect(self._on_pipeline_rendered)
        self._pipeline.failed.connect(self._on_pipeline_failed)
        view.search_requested.connect(self._on_view_search_requested)
        view.open_requested.connect(self._on_view_open_requested)

    def refresh(self) -> None:
        """Run the current search again (after an intake, on F5)."""
        self.search(self.view.search_edit.text(), self.view.current_filter())

    def search(self, text: str, filter_key: str) -> None:
        """Query on the DB thread; answers to older searches are dropped."""
        self._generation += 1
        query = make_query(self._services, text, filter_key)
        task = self._runner.run_db(self._find, self._generation, query)
        task.succeeded.connect(self._on_find_succeeded)
        task.failed.connect(self._on_task_failed)

    def _find(self, generation: int, query: DossierQuery) -> tuple[int, list[DossierPublic]]:
        return generation, self._services.dossiers.find(query)

    @Slot(str, str)
    def _on_view_search_requested(self, text: str, filter_key: str) -> None:
        self.search(text, filter_key)

    @Slot(object)
    def _on_find_succeeded(self, result: tuple[int, list[DossierPublic]]) -> None:
        generation, rows = result
        if generation != self._generation:
            return
        self.model.set_rows(rows, self._services.clock.now())
        self.view.set_count_text(f"{len(rows)} hồ sơ")
        self.results_loaded.emit(len(rows))

    @Slot(object)
    def on_dossier_received(self, _dossier: object) -> None:
        """Another screen saved a dossier: show it."""
        self.refresh()

    @Slot(str)
    def _on_view_open_requested(self, code: str) -> None:
        task = self._runner.run_db(self._services.dossiers.get, code)
        task.succeeded.connect(self._on_get_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_get_succeeded(self, dossier: DossierPublic) -> None:
        parent = self.view if isinstance(self.view, QWidget) else None
        dlg = DossierDetailDialog(dossier, parent)
        dlg.reprint_requested.connect(self._on_dialog_reprint_requested)
        dlg.open()
        self.detail_opened.emit(dlg)

    @Slot(str)
    def _on_dialog_reprint_requested(self, code: str) -> None:
        self._pipeline.produce(code)

    @Slot(object)
    def _on_pipeline_rendered(self, doc: RenderedReceipt) -> None:
        if self._output is not None:
            self._output.deliver(doc.code, doc.receipt_pdf, doc.slip_pdf, mode="preview")
        self.reprint_rendered.emit(doc.code)

    @Slot(str)
    def _on_pipeline_failed(self, message: str) -> None:
        self.view.set_count_text(message)

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.set_count_text(getattr(exc, "message_vi", None) or f"Lỗi: {exc}")
