"""A table model over DossierPublic read models; no query ever runs in data()."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from counter_app.domain.cccd import mask_id
from counter_app.domain.clock import local
from counter_app.domain.lifecycle import channel_label_vi, status_label_vi
from counter_app.services.read_models import DossierPublic

OVERDUE_BRUSH = QBrush(QColor("#fde2e1"))
DOSSIER_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


def _when(dt: datetime) -> str:
    return f"{local(dt):%d/%m/%Y %H:%M}"


class DossierTableModel(QAbstractTableModel):
    """Columns: code, applicant, masked ID number, procedure, status, received, due, channel."""

    HEADERS = ("Mã hồ sơ", "Người nộp", "Số CCCD", "Thủ tục", "Trạng thái", "Ngày nhận",
               "Hẹn trả", "Kênh")
    CODE, APPLICANT, ID_NUMBER, PROCEDURE, STATUS, RECEIVED, DUE, CHANNEL = range(8)
    # The service's sort key per column (DossierQuery.sort): sorting happens in the query,
    # so it covers every matching dossier, not only the page fetched so far.
    SORT_KEYS = ("code", "applicant", "id_number", "procedure", "status", "received", "due",
                 "channel")

    fetch_more_requested = Signal()
    """The view scrolled to the end and more rows match: fetch the next page."""
    sort_requested = Signal(str, bool)
    """A header was clicked: (sort key, descending); the presenter queries again."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[DossierPublic] = []
        self._overdue: list[bool] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._more = False
        self._fetching = False
        self.sort_key = ""
        self.descending = False

    def set_rows(self, rows: list[DossierPublic], now: datetime | None = None, *,
                 more: bool = False) -> None:
        """Replace the rows; overdue flags are computed once here, against ``now``.

        ``more``: further rows match; the view asks for them (fetchMore) when scrolled down.
        """
        now = now or datetime.now(UTC)
        self.beginResetModel()
        self._rows = list(rows)
        self._overdue = [d.is_overdue(now) for d in self._rows]
        self._more, self._fetching = more, False
        self.endResetModel()

    def append_rows(self, rows: list[DossierPublic], now: datetime, *, more: bool) -> None:
        """Add the next page at the end."""
        self._more, self._fetching = more, False
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._overdue.extend(d.is_overdue(now) for d in rows)
        self.endInsertRows()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetching = True
            self.fetch_more_requested.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.SORT_KEYS):
            return
        self.sort_key = self.SORT_KEYS[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.sort_requested.emit(self.sort_key, self.descending)

    def dossier(self, row: int) -> DossierPublic:
        """The read model shown on a row."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(d, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._display(d, col)
        overdue = self._overdue[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return OVERDUE_BRUSH
        if role == Qt.ItemDataRole.FontRole and overdue and col == self.DUE:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and overdue and col == self.DUE:
            return QBrush(QColor("#b3261e"))
        if role == DOSSIER_ROLE:
            return d
        return None

    def _display(self, d: DossierPublic, col: int) -> str:
        match col:
            case self.CODE:
                return d.code
            case self.APPLICANT:
                return d.applicant_name
            case self.ID_NUMBER:
                return mask_id(d.id_number)  # personal data: full number only in the details
            case self.PROCEDURE:
                return d.procedure_name
            case self.STATUS:
                return status_label_vi(d.status)
            case self.RECEIVED:
                return _when(d.received_at)
            case self.DUE:
                return _when(d.due_at)
            case self.CHANNEL:
                return channel_label_vi(d.channel)
        return ""

    def masked_id(self, row: int) -> str:
        """The applicant's ID number as the list may show it."""
        return mask_id(self._rows[row].id_number)
