"""A birth-date field that takes what officials type: "15031990" or "15/03/1990".

A plain line edit rather than a QDateEdit: the date edit's sections mangled typed digits,
kept Tab inside its sections and blanked the value on a click. This one never changes what
was typed except to add the slashes of a complete ddmmyyyy.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLineEdit, QWidget

_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})")
_SLASHED = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def parse_birth_date(text: str) -> date | None:
    """The date typed as ddmmyyyy or d/m/yyyy ("" → None); ValueError if not a real date."""
    t = text.strip()
    if not t:
        return None
    m = _DIGITS.fullmatch(t) or _SLASHED.fullmatch(t)
    if m is None:
        raise ValueError(t)
    day, month, year = (int(g) for g in m.groups())
    return date(year, month, day)


class BirthDateEdit(QLineEdit):
    """dd/mm/yyyy text; `value()` is the date, None when empty; `is_valid()` for the rest."""

    date_invalid = Signal(bool)
    """Emitted when the official leaves the field: True if the text is not a date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        self.editingFinished.connect(self._on_self_editing_finished)

    def value(self) -> date | None:
        """The date typed; None if empty or not a date (see `is_valid`)."""
        try:
            return parse_birth_date(self.text())
        except ValueError:
            return None

    def is_valid(self) -> bool:
        """Empty or a real date."""
        try:
            parse_birth_date(self.text())
        except ValueError:
            return False
        return True

    def set_value(self, d: date | None) -> None:
        """Show a date (None: empty)."""
        self.setText(f"{d:%d/%m/%Y}" if d else "")

    @Slot()
    def _on_self_editing_finished(self) -> None:
        d = self.value()
        if d is not None:
            self.set_value(d)  # "15031990" → "15/03/1990"
        self.date_invalid.emit(not self.is_valid())
