"""Small pieces shared by the settings tabs: field rows with their error line, messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.errors import ValidationFailed
from ui.style import set_error_state


def error_text(exc: BaseException) -> str:
    """The Vietnamese message of a typed error, or a generic line for a bug."""
    return getattr(exc, "message_vi", None) or f"Lỗi: {exc}"


def exception_errors(exc: BaseException, fallback: str) -> dict[str, str]:
    """Map an exception to {field: message}: per field for ValidationFailed, else one field."""
    if isinstance(exc, ValidationFailed):
        return dict(exc.errors)
    return {getattr(exc, "field", None) or fallback: error_text(exc)}


class FieldErrors:
    """The error line under each field of a form; messages go to their own field."""

    def __init__(self, fallback: str) -> None:
        self._fallback = fallback
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}

    def add_row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> QWidget:
        """Add ``widget`` with an (initially hidden) error line under it."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        lay.addWidget(self.add_label(key, widget))
        form.addRow(label, box)
        return box

    def add_label(self, key: str, widget: QWidget | None = None) -> QLabel:
        """An error line for ``key`` to place anywhere (e.g. under a button row)."""
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.hide()
        self.labels[key] = error
        if widget is not None:
            self.fields[key] = widget
        return error

    def set_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message at its field; unknown keys go to the fallback field."""
        shown = {k: m for k, m in errors.items() if k in self.labels}
        rest = [m for k, m in errors.items() if k not in self.labels]
        if rest:
            shown[self._fallback] = "; ".join([*filter(None, [shown.get(self._fallback)]), *rest])
        for key, label in self.labels.items():
            msg = shown.get(key, "")
            label.setText(msg)
            label.setVisible(bool(msg))
            if key in self.fields:
                set_error_state(self.fields[key], bool(msg))

    def show_exception(self, exc: BaseException) -> None:
        """Words a failed task's exception at its field."""
        self.set_errors(exception_errors(exc, self._fallback))

    def clear(self) -> None:
        """Hide every message."""
        self.set_errors({})


class ReadModelTableModel(QAbstractTableModel):
    """A read-only table over a list of read models; each column is (header, text of a row)."""

    def __init__(
        self, columns: Sequence[tuple[str, Callable[[Any], str]]], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        """The read model shown on ``row``."""
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self._columns[index.column()][1](self._rows[index.row()])

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section][0]
        return str(section + 1)


def make_table(
    model: QAbstractTableModel, stretch_column: int, widths: Mapping[int, int] | None = None
) -> QTableView:
    """A read-only, whole-row-selecting table view with one stretching column; columns in
    ``widths`` get that width (resizable), the others fit their contents."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column, width in (widths or {}).items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view


def selected_row(view: QTableView) -> int | None:
    """The selected row of a single-selection table, or None."""
    rows = view.selectionModel().selectedRows()
    return rows[0].row() if rows else None
