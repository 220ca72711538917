"""Tab "Danh mục thủ tục" (admin): the procedures in force, import from and export to a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.fees import FeeKind, FeeRule, format_vnd
from counter_app.services.accounts import OfficialPublic
from counter_app.services.catalogue import (
    CatalogueService,
    ImportReport,
    ProcedurePublic,
)
from ui.admin.common import FieldErrors, ReadModelTableModel, error_text, make_table
from ui.tasks import TaskRunner

IMPORT_FILTER = "Danh mục thủ tục (*.csv *.json *.xlsx)"
EXPORT_FILTER = "Bảng tính Excel (*.xlsx);;CSV (*.csv)"


def fee_text(p: ProcedurePublic) -> str:
    """The fee as a short line for the table ("Miễn phí", "10.000 đ/bản", …)."""
    try:
        rule = p.fee
    except Exception:  # a stored rule this version cannot read: show it raw, don't crash
        return str(p.fee_rule.get("kind", "?"))
    return _rule_text(rule)


def _rule_text(rule: FeeRule) -> str:
    if rule.kind is FeeKind.FREE:
        return "Miễn phí"
    if rule.kind is FeeKind.FLAT:
        return format_vnd(rule.amount) + "/hồ sơ"
    if rule.kind is FeeKind.PER_COPY:
        return format_vnd(rule.amount) + "/bản"
    if rule.kind is FeeKind.PER_PAGE_TIERED:
        return (
            f"{format_vnd(rule.first_page_amount)}/trang, từ trang {rule.first_pages + 1}: "
            f"{format_vnd(rule.next_page_amount)}"
        )
    return format_vnd(rule.amount) if rule.amount else "Tỉnh quy định"


PROCEDURE_COLUMNS = (
    ("Mã", lambda p: p.code),
    ("Tên thủ tục", lambda p: p.name),
    ("Lĩnh vực", lambda p: p.field_name),
    (
        "Thời hạn",
        lambda p: "Trong ngày" if p.duration_kind == "same_day" else p.processing_time_text,
    ),
    ("Lệ phí", fee_text),
    ("Hiệu lực từ", lambda p: p.effective_from.strftime("%d/%m/%Y")),
)
REJECTED_COLUMNS = (
    ("Dòng", lambda r: str(r.source_row)),
    ("Mã thủ tục", lambda r: r.code),
    ("Lý do", lambda r: "; ".join(r.reasons)),
)


class CatalogueView(QWidget):
    """The catalogue table, the import/export buttons and the last import's report."""

    import_requested = Signal(str)
    """A file path to import."""
    export_requested = Signal(str)
    """A file path to write."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.procedures = ReadModelTableModel(PROCEDURE_COLUMNS, self)
        self.rejected = ReadModelTableModel(REJECTED_COLUMNS, self)
        self.procedure_table = make_table(self.procedures, 1, {2: 170, 4: 150})
        self.rejected_table = make_table(self.rejected, 2)
        self.rejected_table.setWordWrap(True)
        self.import_button = QPushButton("Nhập từ tệp…")
        self.export_button = QPushButton("Xuất ra tệp…")
        self.count_label = QLabel()
        self.summary_label = QLabel(wordWrap=True)
        self.errors = FieldErrors("file")
        self.file_error = self.errors.add_label("file")
        self.report_box = QGroupBox("Kết quả nhập lần gần nhất")
        self._build()

    def _build(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        report = QVBoxLayout(self.report_box)
        report.addWidget(self.summary_label)
        report.addWidget(self.rejected_table)
        self.report_box.hide()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.procedure_table)
        split.addWidget(self.report_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        root = QVBoxLayout(self)
        root.addLayout(buttons)
        root.addWidget(self.file_error)
        root.addWidget(split, 1)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)

    def set_procedures(self, rows: list[ProcedurePublic]) -> None:
        """The procedures in force."""
        self.procedures.set_rows(rows)
        self.count_label.setText(f"{len(rows)} thủ tục đang có hiệu lực")

    def show_report(self, report: ImportReport) -> None:
        """What the import did, and a row per rejected line with its reasons."""
        self.summary_label.setText(
            f"Thêm mới: {report.added}   Cập nhật: {report.updated}   "
            f"Không đổi: {report.unchanged}   Dòng bị từ chối: {len(report.rejected)}"
        )
        self.rejected.set_rows(report.rejected)
        self.rejected_table.setVisible(bool(report.rejected))
        self.report_box.show()

    def set_busy(self, busy: bool) -> None:
        """While a file is read or written."""
        self.import_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)

    @Slot()
    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nhập danh mục thủ tục", "", IMPORT_FILTER)
        if path:
            self.import_requested.emit(path)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Xuất danh mục thủ tục", "danh-muc-thu-tuc.xlsx", EXPORT_FILTER
        )
        if path:
            self.export_requested.emit(path)


class CataloguePresenter(QObject):
    """Reads, imports and exports the catalogue on the DB thread; imports in the name of the
    logged-in official (the service refuses anyone but an administrator)."""

    loaded = Signal()
    """The table shows the procedures in force."""
    imported = Signal(object)
    """The ImportReport of a finished import."""
    exported = Signal(int)
    """How many procedures were written."""
    failed = Signal(object)
    """A task failed; the message is shown under the buttons."""

    def __init__(
        self,
        view: CatalogueView,
        catalogue: CatalogueService,
        runner: TaskRunner,
        official: OfficialPublic,
        today: date,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._catalogue = catalogue
        self._runner = runner
        self._by = official
        self._today = today
        view.import_requested.connect(self._on_view_import_requested)
        view.export_requested.connect(self._on_view_export_requested)

    def refresh(self) -> None:
        """Load the procedures in force today."""
        task = self._runner.run_db(self._catalogue.list_procedures, on=self._today)
        task.succeeded.connect(self._on_list_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_list_succeeded(self, rows: list[ProcedurePublic]) -> None:
        self.view.set_procedures(rows)
        self.loaded.emit()

    @Slot(str)
    def _on_view_import_requested(self, path: str) -> None:
        self.view.set_busy(True)
        self.view.errors.clear()
        task = self._runner.run_db(
            self._catalogue.import_file, Path(path), by=self._by, today=self._today
        )
        task.succeeded.connect(self._on_import_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_import_succeeded(self, report: ImportReport) -> None:
        self.view.set_busy(False)
        self.view.show_report(report)
        self.imported.emit(report)
        self.refresh()

    @Slot(str)
    def _on_view_export_requested(self, path: str) -> None:
        self.view.set_busy(True)
        self.view.errors.clear()
        task = self._runner.run_db(self._catalogue.export_file, Path(path), on=self._today)
        task.succeeded.connect(self._on_export_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_export_succeeded(self, count: int) -> None:
        self.view.set_busy(False)
        self.view.summary_label.setText(f"Đã xuất {count} thủ tục ra tệp.")
        self.view.rejected_table.hide()
        self.view.report_box.show()
        self.exported.emit(count)

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.set_busy(False)
        self.view.errors.set_errors({"file": error_text(exc)})
        self.failed.emit(exc)
