"""The checklist of documents (thành phần hồ sơ) of the chosen procedure, with counts."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QGridLayout, QLabel, QScrollArea, QSpinBox, QWidget

MAX_COUNT = 99


@dataclass(frozen=True)
class ComponentRow:
    """One document line as the form holds it."""

    name: str
    originals: int
    certified_copies: int
    photocopies: int
    required: bool = False


class ComponentChecklist(QScrollArea):
    """A row per document: checkbox, name (* when required) and three count boxes.

    Built from widgets in a grid (not a table view) so Tab walks checkbox → counts → next row,
    which is how officials fill it from the keyboard.
    """

    HEADERS = ("", "Thành phần hồ sơ", "Bản chính", "Bản sao\nchứng thực", "Bản photo")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._rows: list[tuple[ComponentRow, QCheckBox, QSpinBox, QSpinBox, QSpinBox]] = []
        self.set_components([])

    def set_components(self, rows: list[ComponentRow]) -> None:
        """Rebuild the checklist: nothing ticked (the official ticks what they checked)."""
        inner = QWidget()
        inner.setObjectName("componentChecklist")
        grid = QGridLayout(inner)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        for col, text in enumerate(self.HEADERS):
            head = QLabel(text)
            head.setProperty("role", "columnHeader")
            head.setAlignment(Qt.AlignmentFlag.AlignCenter if col > 1 else
                              Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(head, 0, col)
        self._rows = []
        for i, row in enumerate(rows, start=1):
            self._rows.append(self._add_row(grid, i, row))
        if not rows:
            empty = QLabel("Chọn thủ tục để hiện danh sách giấy tờ cần nộp.")
            empty.setProperty("role", "hint")
            grid.addWidget(empty, 1, 0, 1, len(self.HEADERS))
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(rows) + 1, 1)
        self.setWidget(inner)

    def _add_row(self, grid: QGridLayout, i: int, row: ComponentRow
                 ) -> tuple[ComponentRow, QCheckBox, QSpinBox, QSpinBox, QSpinBox]:
        box = QCheckBox()
        box.setChecked(False)  # ticked only once the official has seen the paper
        box.setAccessibleName(row.name)
        label = QLabel(row.name + (" <span style='color:#c62828'>*</span>" if row.required else ""))
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setToolTip("Bắt buộc" if row.required else "Không bắt buộc")
        grid.addWidget(box, i, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(label, i, 1)
        spins = []
        for col, value in enumerate((row.originals, row.certified_copies, row.photocopies), 2):
            spin = QSpinBox()
            spin.setRange(0, MAX_COUNT)
            spin.setValue(value)
            spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
            spin.setMinimumWidth(64)
            spin.valueChanged.connect(lambda v, b=box: b.setChecked(True) if v else None)
            grid.addWidget(spin, i, col, Qt.AlignmentFlag.AlignTop)
            spins.append(spin)
        return (row, box, spins[0], spins[1], spins[2])

    def rows(self) -> list[ComponentRow]:
        """Every row as currently shown (checked or not)."""
        return [ComponentRow(r.name, o.value(), c.value(), p.value(), r.required)
                for r, _, o, c, p in self._rows]

    def checked(self) -> list[ComponentRow]:
        """The ticked rows with their counts: what the citizen handed in."""
        return [ComponentRow(r.name, o.value(), c.value(), p.value(), r.required)
                for r, box, o, c, p in self._rows if box.isChecked()]

    def set_counts(self, index: int, originals: int, certified_copies: int,
                   photocopies: int) -> None:
        """Set one row's counts and tick it."""
        _, box, o, c, p = self._rows[index]
        o.setValue(originals)
        c.setValue(certified_copies)
        p.setValue(photocopies)
        box.setChecked(True)

    def count_box(self, index: int, column: int) -> QSpinBox:
        """The spin box of a row: column 0 originals, 1 certified copies, 2 photocopies."""
        return self._rows[index][2 + column]

    def focus_widgets(self) -> list[QWidget]:
        """Row by row: checkbox, then the three counts (for the form's tab order)."""
        return [w for _, box, o, c, p in self._rows for w in (box, o, c, p)]

    def tick_required(self) -> None:
        """Tick every required row: the official has checked those papers were handed in."""
        for row, box, *_counts in self._rows:
            if row.required:
                box.setChecked(True)

    def checkbox(self, index: int) -> QCheckBox:
        """The tick box of a row."""
        return self._rows[index][1]
