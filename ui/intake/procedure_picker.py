"""Picking a procedure by typing part of its code or name, with or without diacritics."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from counter_app.domain.text import fold

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
NAME_ROLE = Qt.ItemDataRole.UserRole + 3  # folded name
CODE_ROLE = Qt.ItemDataRole.UserRole + 4
USES_ROLE = Qt.ItemDataRole.UserRole + 5  # dossiers of this procedure lately at this counter


def match_rank(tokens: list[str], name: str, code: str) -> int:
    """How well the typed words name a procedure: 0 exact … 4 words found anywhere."""
    phrase = " ".join(tokens)
    if not phrase:
        return 4
    if phrase in (name, code.lower()):
        return 0
    if name.startswith(phrase) or code.lower().startswith(phrase):
        return 1
    if f" {phrase}" in f" {name}":
        return 2
    if set(tokens) <= set(name.split()):
        return 3
    return 4


class FoldFilterProxy(QSortFilterProxyModel):
    """Keeps rows whose folded key contains every folded word typed ("chung thuc ban sao").

    Sorted best match first (exact name or code, then the phrase, then all words), then the
    procedures this counter receives most, then catalogue order.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tokens: list[str] = []
        self.setDynamicSortFilter(True)
        self.sort(0)

    def set_query(self, text: str) -> None:
        """Filter by the words of ``text``, ignoring case and diacritics."""
        self.beginFilterChange()
        self._tokens = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.invalidate()  # the ranks depend on the words: sort again

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        key = self.sourceModel().index(row, 0, parent).data(KEY_ROLE) or ""
        return all(t in key for t in self._tokens)

    def _sort_key(self, index: QModelIndex | QPersistentModelIndex) -> tuple[int, int, int]:
        rank = match_rank(self._tokens, index.data(NAME_ROLE) or "", index.data(CODE_ROLE) or "")
        return rank, -int(index.data(USES_ROLE) or 0), index.row()

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        return self._sort_key(left) < self._sort_key(right)


class ProcedurePicker(QLineEdit):
    """A line edit whose popup lists the matching procedures; emits the chosen id."""

    procedure_chosen = Signal(int)
    """The official picked a procedure (its catalogue id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Gõ mã hoặc tên thủ tục, không cần dấu (vd: chung thuc ban sao)")
        self.setClearButtonEnabled(True)
        self._model = QStandardItemModel(self)
        self.proxy = FoldFilterProxy(self)
        self.proxy.setSourceModel(self._model)
        self.completer_ = QCompleter(self.proxy, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(12)
        self.completer_.popup().setMinimumWidth(520)
        self.setCompleter(self.completer_)
        self.textEdited.connect(self._on_self_text_edited)
        self.completer_.activated[QModelIndex].connect(self._on_completer_activated)
        self.returnPressed.connect(self._on_self_return_pressed)
        self._chosen: int | None = None
        self._uses: dict[str, int] = {}

    def set_procedures(self, rows: list[tuple[int, str, str, str]]) -> None:
        """Replace the list: (id, code, name, field name) per procedure."""
        self._model.clear()
        for pid, code, name, field_name in rows:
            item = QStandardItem(f"{name}  ({code})")
            item.setData(pid, ID_ROLE)
            item.setData(fold(f"{code} {name} {field_name}"), KEY_ROLE)
            item.setData(fold(name), NAME_ROLE)
            item.setData(code, CODE_ROLE)
            item.setData(self._uses.get(code, 0), USES_ROLE)
            item.setToolTip(f"{code} — {name}\nLĩnh vực: {field_name}")
            self._model.appendRow(item)

    def set_usage(self, uses: dict[str, int]) -> None:
        """How many dossiers of each procedure code this counter received lately."""
        self._uses = dict(uses)
        for row in range(self._model.rowCount()):
            item = self._model.item(row)
            item.setData(uses.get(item.data(CODE_ROLE), 0), USES_ROLE)
        self.proxy.invalidate()

    def chosen_id(self) -> int | None:
        """The procedure picked, or None while the text does not name one."""
        return self._chosen

    def choose(self, procedure_id: int) -> bool:
        """Pick a procedure by id (programmatic use); False if it is not in the list."""
        for row in range(self._model.rowCount()):
            item = self._model.item(row)
            if item.data(ID_ROLE) == procedure_id:
                self._accept(procedure_id, item.text())
                return True
        return False

    def reset(self) -> None:
        """Empty the field and forget the choice."""
        self._chosen = None
        self.clear()
        self.proxy.set_query("")

    def _accept(self, procedure_id: int, text: str) -> None:
        self._chosen = procedure_id
        self.setText(text)
        self.completer_.popup().hide()
        self.procedure_chosen.emit(procedure_id)

    @Slot(str)
    def _on_self_text_edited(self, text: str) -> None:
        self._chosen = None
        self.proxy.set_query(text)
        if text.strip():
            self.completer_.complete()

    @Slot(QModelIndex)
    def _on_completer_activated(self, index: QModelIndex) -> None:
        pid = index.data(ID_ROLE)
        if pid is not None:
            self._accept(int(pid), str(index.data(Qt.ItemDataRole.DisplayRole)))

    @Slot()
    def _on_self_return_pressed(self) -> None:
        # Enter without opening the popup takes the best (first) match.
        if self._chosen is None and self.proxy.rowCount() > 0 and self.text().strip():
            first = self.proxy.index(0, 0)
            self._accept(int(first.data(ID_ROLE)), str(first.data()))
