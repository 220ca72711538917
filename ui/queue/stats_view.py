"""Queue statistics: a small table per service, counter and hour; export to CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import local_day
from counter_app.services.context import AppServices
from counter_app.services.queue_stats import HEADERS, QueueStats, StatRow, stats_csv, stats_xlsx
from ui.tasks import TaskRunner

_Index = QModelIndex | QPersistentModelIndex


def header_lines(text: str) -> str:
    """A header on two lines ("Chờ TB\n(phút)") so that columns stay narrow but whole."""
    return text.replace(" (", "\n(")


class StatsTableModel(QAbstractTableModel):
    """One row per group (total, services, counters, hours)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StatRow] = []

    def set_stats(self, stats: QueueStats) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._rows = stats.rows()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(HEADERS):
            return header_lines(HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self._rows[index.row()].cells()[index.column()])
        return None


class QueueStatsView(QWidget):
    """Date range, table, export buttons."""

    refresh_requested = Signal(QDate, QDate)
    export_requested = Signal(str)
    """A file path ending in .csv or .xlsx."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = StatsTableModel(self)
        self.date_from, self.date_to = QDateEdit(calendarPopup=True), QDateEdit(calendarPopup=True)
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.dateChanged.connect(self._on_refresh_clicked)  # figures follow the dates
        refresh = QPushButton("Xem")
        refresh.clicked.connect(self._on_refresh_clicked)
        csv_button, xlsx_button = QPushButton("Xuất CSV…"), QPushButton("Xuất Excel…")
        csv_button.clicked.connect(lambda: self._ask_path("csv"))
        xlsx_button.clicked.connect(lambda: self._ask_path("xlsx"))
        self.status = QLabel("")
        bar = QHBoxLayout()
        for w in (QLabel("Từ ngày"), self.date_from, QLabel("đến"), self.date_to, refresh):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(csv_button)
        bar.addWidget(xlsx_button)
        self.table = QTableView()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._on_refresh_clicked()  # the tab opened: show today's figures, no "Xem" needed

    @Slot()
    def _on_refresh_clicked(self) -> None:
        self.refresh_requested.emit(self.date_from.date(), self.date_to.date())

    def _ask_path(self, ext: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Xuất thống kê", f"thong-ke-hang-doi.{ext}",
                                              f"{ext.upper()} (*.{ext})")
        if path:
            self.export_requested.emit(path)


class QueueStatsPresenter(QObject):
    """Computes on the DB thread, writes files on the I/O pool."""

    stats_loaded = Signal(object)
    exported = Signal(str)

    def __init__(self, view: QueueStatsView, services: AppServices, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._services = services
        self._runner = runner
        self.stats: QueueStats | None = None
        today = local_day(services.clock.now())
        for edit in (view.date_from, view.date_to):
            edit.setDate(QDate(today.year, today.month, today.day))
        view.refresh_requested.connect(self._on_view_refresh_requested)
        view.export_requested.connect(self._on_view_export_requested)

    def refresh(self) -> None:
        """Compute for the range shown."""
        self._on_view_refresh_requested(self.view.date_from.date(), self.view.date_to.date())

    @Slot(QDate, QDate)
    def _on_view_refresh_requested(self, a: QDate, b: QDate) -> None:
        task = self._runner.run_db(self._services.queue.stats, a.toPython(), b.toPython())
        task.succeeded.connect(self._on_stats_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_stats_succeeded(self, stats: QueueStats) -> None:
        self.stats = stats
        self.view.model.set_stats(stats)
        self.view.status.setText(f"{stats.total.tickets} phiếu, {stats.total.served} đã phục vụ, "
                                 f"{stats.total.no_shows} vắng mặt.")
        self.stats_loaded.emit(stats)

    @Slot(str)
    def _on_view_export_requested(self, path: str) -> None:
        if self.stats is None:
            return
        task = self._runner.run_io(write_export, self.stats, path)
        task.succeeded.connect(self._on_export_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_export_succeeded(self, path: str) -> None:
        self.view.status.setText(f"Đã xuất {path}")
        self.exported.emit(path)

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.status.setText(getattr(exc, "message_vi", None) or f"Lỗi: {exc}")


def write_export(stats: QueueStats, path: str) -> str:
    """Write CSV (UTF-8 BOM) or XLSX by the file's extension (I/O pool)."""
    target = Path(path)
    data = stats_xlsx(stats) if target.suffix.lower() == ".xlsx" else stats_csv(stats)
    target.write_bytes(data)
    return str(target)
