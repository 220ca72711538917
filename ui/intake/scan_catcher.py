"""Recognise a CCCD scan typed into any field, by its shape, and hand it over as a scan.

A 2D scanner in keyboard mode types into whatever widget has the cursor. In a line edit the
scan is taken out of the field's text at Enter (or when the field loses focus: some scanners
end with Tab). Other widgets (combo, spin and check boxes) do not keep text, so their keys are
buffered: once the buffer reads "12 digits + |" the rest of the scan is swallowed and the
values the first digits may have changed are put back.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QSpinBox, QWidget

from counter_app.domain.cccd import find_scan

_SCAN_START = re.compile(r"\d{12}\|")
_ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


class ScanCatcher(QObject):
    """An event filter for the widgets of a form; emits `scanned` with the QR text."""

    scanned = Signal(str)
    """A whole CCCD scan was typed into a watched widget (the field keeps its own text)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buffer = ""
        self._capturing = False
        self._snapshot: tuple[QWidget, object] | None = None

    def watch(self, *widgets: QWidget) -> None:
        """Filter the keys of these widgets (and a spin box's inner line edit)."""
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(obj, QLineEdit):
            return self._line_edit_event(obj, event)
        if isinstance(obj, QWidget) and event.type() == QEvent.Type.KeyPress:
            return self._key_event(obj, event)  # type: ignore[arg-type]
        if event.type() == QEvent.Type.FocusOut:
            self._reset()
        return False

    # --- line edits: the scan is in the text ---------------------------------------------
    def _line_edit_event(self, edit: QLineEdit, event: QEvent) -> bool:
        kind = event.type()
        ends = kind == QEvent.Type.KeyPress and event.key() in _ENDS  # type: ignore[attr-defined]
        if not (ends or kind == QEvent.Type.FocusOut):
            return False
        found = find_scan(edit.text())
        if found is None:
            return False
        before, scan = found
        edit.setText(before)
        self.scanned.emit(scan)
        return ends  # swallow the scanner's Enter: it must not receive the dossier

    # --- other widgets: buffer the keys --------------------------------------------------
    def _key_event(self, widget: QWidget, event: QKeyEvent) -> bool:
        if event.key() in _ENDS:
            if self._capturing:
                scan, snapshot = self._buffer, self._snapshot
                self._reset()
                self._restore(snapshot)
                self.scanned.emit(scan)
                return True
            self._reset()
            return False
        ch = event.text()
        if not ch or not ch.isprintable():
            return self._capturing
        if not self._buffer:
            self._snapshot = (widget, _value_of(widget))
        self._buffer += ch
        if self._capturing:
            return True
        if _SCAN_START.fullmatch(self._buffer):
            self._capturing = True
            return True
        if not _SCAN_START.match(self._buffer) and not self._buffer.isdigit():
            self._reset()
        return False

    def _reset(self) -> None:
        self._buffer = ""
        self._capturing = False
        self._snapshot = None

    @staticmethod
    def _restore(snapshot: tuple[QWidget, object] | None) -> None:
        if snapshot is None:
            return
        widget, value = snapshot
        if isinstance(widget, QSpinBox) and isinstance(value, int):
            widget.setValue(value)
        elif isinstance(widget, QComboBox) and isinstance(value, int):
            widget.setCurrentIndex(value)
        elif isinstance(widget, QAbstractSpinBox) and isinstance(value, str):
            widget.lineEdit().setText(value)


def _value_of(widget: QWidget) -> object:
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    return None
