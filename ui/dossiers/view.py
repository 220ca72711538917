"""The dossier list screen: search box, filter, table. Thin: signals out, setters in."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
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

from ui.dossiers.table_model import DossierTableModel

SEARCH_DELAY_MS = 250
FILTERS = (("today", "Hôm nay"), ("all", "Tất cả"), ("overdue", "Quá hạn"))


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
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.activated.connect(self._on_table_double_clicked)

    def current_filter(self) -> str:
        """"today", "all" or "overdue"."""
        return next((k for k, b in self.filter_buttons.items() if b.isChecked()), "today")

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self._timer.start()  # restart: search once the official stops typing

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._timer.stop()
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
