"""The dossier list screen: search box, filter, table. Thin: signals out, setters in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.cccd import find_scan
from counter_app.domain.lifecycle import Status, status_label_vi
from ui.dossiers.table_model import DossierTableModel

SEARCH_DELAY_MS = 250
FILTERS = (("today", "Hôm nay"), ("all", "Tất cả"), ("overdue", "Quá hạn"))


@dataclass(frozen=True)
class ListFilters:
    """The filter row under the search box (None: no filter)."""

    status: Status | None = None
    procedure_code: str | None = None
    official_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None


class DossierListView(QWidget):
    """Search by code, name (no diacritics needed), ID number or phone; filter; open details."""

    search_requested = Signal(str, str)
    """(text, filter key) after the user paused typing or changed the filter."""
    open_requested = Signal(str)
    """Double-click or Enter on a row: the dossier code."""

    def __init__(self, model: DossierTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            "Tìm theo mã hồ sơ, họ tên (không cần dấu), số CCCD hoặc điện thoại…")
        self.search_edit.setClearButtonEnabled(True)
        self.filter_buttons: dict[str, QRadioButton] = {}
        self._filters = QButtonGroup(self)
        self.refresh_button = QPushButton("Làm mới (F5)")
        self.count_label = QLabel()
        self.status_combo = QComboBox()
        self.status_combo.addItem(self.tr("Mọi trạng thái"), None)
        for st in Status:
            self.status_combo.addItem(status_label_vi(st), int(st))
        self.procedure_combo = QComboBox()
        self.procedure_combo.setMinimumContentsLength(24)
        self.procedure_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.official_combo = QComboBox()
        self.set_procedures([])
        self.set_officials([])
        self.dates_check = QCheckBox(self.tr("Nhận từ"))
        self.from_edit = QDateEdit(calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.to_edit = QDateEdit(calendarPopup=True, displayFormat="dd/MM/yyyy")
        for edit in (self.from_edit, self.to_edit):
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
        self.count_label.setProperty("role", "hint")
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # newest first until a click
        self.table.setSortingEnabled(True)  # model.sort() asks the service: every row counts
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(model.PROCEDURE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((model.CODE, 212), (model.APPLICANT, 180), (model.ID_NUMBER, 112),
                           (model.STATUS, 118), (model.RECEIVED, 128), (model.DUE, 142),
                           (model.CHANNEL, 82)):
            self.table.setColumnWidth(col, width)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._build()
        self._wire()

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 1)
        for key, text in FILTERS:
            button = QRadioButton(text)
            self.filter_buttons[key] = button
            self._filters.addButton(button)
            bar.addWidget(button)
        self.filter_buttons["today"].setChecked(True)
        bar.addWidget(self.refresh_button)
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        root.addLayout(bar)
        filters = QHBoxLayout()
        for label, widget in ((self.tr("Trạng thái"), self.status_combo),
                              (self.tr("Thủ tục"), self.procedure_combo),
                              (self.tr("Cán bộ"), self.official_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget, 1 if widget is self.procedure_combo else 0)
        filters.addWidget(self.dates_check)
        filters.addWidget(self.from_edit)
        filters.addWidget(QLabel(self.tr("đến")))
        filters.addWidget(self.to_edit)
        root.addLayout(filters)
        root.addWidget(self.table, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.count_label, 1)
        legend = QLabel("<span style='background:#fde2e1'>&nbsp;&nbsp;&nbsp;&nbsp;</span> "
                        "Quá hạn &nbsp;·&nbsp; Nhấp đúp để xem chi tiết và in lại phiếu")
        legend.setProperty("role", "hint")
        foot.addWidget(legend)
        root.addLayout(foot)

    def _wire(self) -> None:
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_timer_timeout)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._filters.buttonToggled.connect(self._on_filters_button_toggled)
        self.refresh_button.clicked.connect(self._on_timer_timeout)
        # `activated` alone: it fires on double-click (and Enter); `doubleClicked` as well
        # opened a second dialog for the same click.
        self.table.activated.connect(self._on_table_double_clicked)
        for combo in (self.status_combo, self.procedure_combo, self.official_combo):
            combo.currentIndexChanged.connect(self._on_timer_timeout)
        self.dates_check.toggled.connect(self._on_dates_check_toggled)
        self.from_edit.dateChanged.connect(self._on_timer_timeout)
        self.to_edit.dateChanged.connect(self._on_timer_timeout)

    def set_procedures(self, rows: list[tuple[str, str]]) -> None:
        """The procedure filter: (code, name) per procedure."""
        self.procedure_combo.blockSignals(True)
        self.procedure_combo.clear()
        self.procedure_combo.addItem(self.tr("Mọi thủ tục"), None)
        for code, name in rows:
            self.procedure_combo.addItem(f"{name} ({code})", code)
        self.procedure_combo.blockSignals(False)

    def set_officials(self, rows: list[tuple[int, str]]) -> None:
        """The official filter: (id, name) per official."""
        current = self.official_combo.currentData()
        self.official_combo.blockSignals(True)
        self.official_combo.clear()
        self.official_combo.addItem(self.tr("Mọi cán bộ"), None)
        for oid, name in rows:
            self.official_combo.addItem(name, oid)
        self.official_combo.setCurrentIndex(max(0, self.official_combo.findData(current)))
        self.official_combo.blockSignals(False)

    def filters(self) -> ListFilters:
        """The filter row's current choices."""
        status = self.status_combo.currentData()
        dated = self.dates_check.isChecked()
        return ListFilters(
            status=Status(status) if status is not None else None,
            procedure_code=self.procedure_combo.currentData(),
            official_id=self.official_combo.currentData(),
            received_from=self.from_edit.date().toPython() if dated else None,
            received_to=self.to_edit.date().toPython() if dated else None,
        )

    @Slot(bool)
    def _on_dates_check_toggled(self, checked: bool) -> None:
        self.from_edit.setEnabled(checked)
        self.to_edit.setEnabled(checked)
        self._on_timer_timeout()

    def current_filter(self) -> str:
        """"today", "all" or "overdue"."""
        return next((k for k, b in self.filter_buttons.items() if b.isChecked()), "today")

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self._timer.start()  # restart: search once the official stops typing

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._timer.stop()
        found = find_scan(self.search_edit.text())
        if found is not None:  # a card scanned into the search box: search its ID number
            self.search_edit.setText(found[1][:12])
        self.search_requested.emit(self.search_edit.text(), self.current_filter())

    @Slot(object, bool)
    def _on_filters_button_toggled(self, _button: object, checked: bool) -> None:
        if checked:
            self._on_timer_timeout()

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.dossier(index.row()).code)

    def set_count_text(self, text: str) -> None:
        """The line under the table ("42 hồ sơ")."""
        self.count_label.setText(text)
