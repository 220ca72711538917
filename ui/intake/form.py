"""Plain values of the intake form, and the pages/copies row the fee rule may ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from ui.intake.components import ComponentRow


@dataclass(frozen=True)
class IntakeForm:
    """What the official entered, as plain values (the presenter builds the request)."""

    procedure_id: int | None
    applicant_name: str
    id_number: str
    birth_date: date | None
    birth_text: str  # as typed: the presenter refuses text that is not a date
    sex: str
    address: str
    phone: str
    email: str
    components: tuple[ComponentRow, ...]
    sets_count: int
    channel: str  # "direct" | "post"
    result_delivery: str  # "counter" | "post"
    note: str
    fee_pages: int = 1
    fee_copies: int = 1


@dataclass(frozen=True)
class ProcedureInfo:
    """What the form shows about the chosen procedure."""

    field_name: str
    processing_time_text: str
    fee_text: str
    full_name: str = ""
    counts_pages: bool = False  # the fee rule counts pages (certified copies)
    counts_copies: bool = False  # ... or copies


class FeeCounts(QWidget):
    """Pages per copy and copies, shown only when the procedure's fee counts them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages_spin, self.copies_spin = QSpinBox(), QSpinBox()
        for spin in (self.pages_spin, self.copies_spin):
            spin.setRange(1, 999)
        self.pages_label = QLabel(self.tr("Số trang mỗi bản"))
        self.copies_label = QLabel(self.tr("Số bản sao"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.pages_label, self.pages_spin, self.copies_label, self.copies_spin):
            row.addWidget(w)
        row.addStretch(1)
        self.hide()

    def show_for(self, *, pages: bool, copies: bool) -> None:
        """Reset to 1 and show the inputs the fee rule counts."""
        self.pages_spin.setValue(1)
        self.copies_spin.setValue(1)
        for widget, shown in ((self.pages_label, pages), (self.pages_spin, pages),
                              (self.copies_label, copies), (self.copies_spin, copies)):
            widget.setVisible(shown)
        self.setVisible(pages or copies)

    def counts(self) -> tuple[int, int]:
        """(pages, copies) as the fee should count them; 1 for what is not asked."""
        pages = self.pages_spin.value() if self.pages_spin.isVisibleTo(self) else 1
        copies = self.copies_spin.value() if self.copies_spin.isVisibleTo(self) else 1
        return (pages, copies) if not self.isHidden() else (1, 1)
