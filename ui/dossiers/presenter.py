"""Dossier list presenter: queries on the DB thread, newest answer wins."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from counter_app.domain.clock import local
from counter_app.services.context import AppServices
from counter_app.services.dossiers import DossierQuery
from counter_app.services.read_models import DossierPublic
from ui.dossiers.detail_dialog import DossierDetailDialog
from ui.dossiers.view import DossierListView, ListFilters
from ui.receipt_flow import ReceiptPipeline, RenderedReceipt
from ui.tasks import TaskRunner

PAGE = 200  # rows per query; the next page comes when the official scrolls to the end


def make_query(services: AppServices, text: str, filter_key: str,
               filters: ListFilters | None = None) -> DossierQuery:
    """The service query for the search box, the quick filter and the filter row."""
    f = filters or ListFilters()
    q = DossierQuery(text=text, limit=PAGE, status=f.status, procedure_code=f.procedure_code,
                     official_id=f.official_id, received_from=f.received_from,
                     received_to=f.received_to)
    if filter_key == "overdue":
        return replace(q, overdue_only=True)
    if filter_key == "today" and not text.strip() and f.received_from is None:
        return replace(q, day=local(services.clock.now()).date())
    return q  # searching looks beyond today


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
        self._query = DossierQuery()
        self._open_codes: dict[str, QWidget] = {}
        self._opening: set[str] = set()
        self._pipeline = ReceiptPipeline(runner, services.receipts, page=receipt_page, parent=self)
        self._pipeline.rendered.connect(self._on_pipeline_rendered)
        self._pipeline.failed.connect(self._on_pipeline_failed)
        view.search_requested.connect(self._on_view_search_requested)
        view.open_requested.connect(self._on_view_open_requested)
        self.model.fetch_more_requested.connect(self._on_model_fetch_more_requested)
        self.model.sort_requested.connect(self._on_model_sort_requested)
        today = local(services.clock.now()).date()
        for edit in (view.from_edit, view.to_edit):  # the ward's day, not the PC's zone
            edit.blockSignals(True)
            edit.setDate(today)
            edit.blockSignals(False)
        self.load_filters()

    def load_filters(self) -> None:
        """Fill the procedure and official filters (DB thread)."""
        today = local(self._services.clock.now()).date()
        task = self._runner.run_db(self._filter_choices, today)
        task.succeeded.connect(self._on_filter_choices_succeeded)
        task.failed.connect(self._on_task_failed)

    def _filter_choices(self, today: Any) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
        procs = self._services.catalogue.list_procedures(on=today)
        officials = self._services.dossiers.officials()
        return [(p.code, p.name) for p in procs], [(o.id, o.name) for o in officials]

    @Slot(object)
    def _on_filter_choices_succeeded(self, result: Any) -> None:
        procs, officials = result
        self.view.set_procedures(procs)
        self.view.set_officials(officials)

    def refresh(self) -> None:
        """Run the current search again (after an intake, on F5)."""
        self.search(self.view.search_edit.text(), self.view.current_filter())

    def search(self, text: str, filter_key: str) -> None:
        """Query on the DB thread; answers to older searches are dropped."""
        query = make_query(self._services, text, filter_key, self.view.filters())
        self._query = replace(query, sort=self.model.sort_key, descending=self.model.descending)
        self._run(self._query)

    def _run(self, query: DossierQuery) -> None:
        self._generation += 1
        task = self._runner.run_db(self._find, self._generation, query)
        task.succeeded.connect(self._on_find_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot()
    def _on_model_fetch_more_requested(self) -> None:
        self._run(replace(self._query, offset=self.model.rowCount()))

    @Slot(str, bool)
    def _on_model_sort_requested(self, key: str, descending: bool) -> None:
        self._query = replace(self._query, sort=key, descending=descending, offset=0)
        self._run(self._query)

    def _find(self, generation: int, query: DossierQuery
              ) -> tuple[int, DossierQuery, list[DossierPublic], int]:
        rows = self._services.dossiers.find(replace(query, limit=query.limit + 1))
        total = self._services.dossiers.count_matching(query) if query.offset == 0 else -1
        return generation, query, rows, total

    @Slot(str, str)
    def _on_view_search_requested(self, text: str, filter_key: str) -> None:
        self.search(text, filter_key)

    @Slot(object)
    def _on_find_succeeded(self, result: tuple[int, DossierQuery, list[DossierPublic], int]
                           ) -> None:
        generation, query, rows, total = result
        if generation != self._generation:
            return
        more = len(rows) > query.limit  # one row past the page says another page exists
        rows = rows[:query.limit]
        now = self._services.clock.now()
        if query.offset:
            self.model.append_rows(rows, now, more=more)
        else:
            self.model.set_rows(rows, now, more=more)
            self.view.set_count_text(self.tr("{n} hồ sơ").format(n=total))
        self.results_loaded.emit(self.model.rowCount())

    @Slot(object)
    def on_dossier_received(self, _dossier: object) -> None:
        """Another screen saved a dossier: show it."""
        self.refresh()
        self.load_filters()  # a first dossier of an official adds them to the filter

    @Slot(str)
    def _on_view_open_requested(self, code: str) -> None:
        shown = self._open_codes.get(code)
        if shown is not None:  # the same row asked twice: one dialog, brought to the front
            shown.raise_()
            shown.activateWindow()
            return
        if code in self._opening:
            return
        self._opening.add(code)
        task = self._runner.run_db(self._services.dossiers.get, code)
        task.succeeded.connect(self._on_get_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_get_succeeded(self, dossier: DossierPublic) -> None:
        parent = self.view if isinstance(self.view, QWidget) else None
        self._opening.discard(dossier.code)
        dlg = DossierDetailDialog(dossier, parent)
        dlg.reprint_requested.connect(self._on_dialog_reprint_requested)
        self._open_codes[dossier.code] = dlg
        dlg.finished.connect(lambda _r, c=dossier.code: self._open_codes.pop(c, None))
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
        self._opening.clear()
        self.view.set_count_text(getattr(exc, "message_vi", None) or f"Lỗi: {exc}")
