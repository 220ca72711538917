"""Tab "Lịch làm việc" (admin), the widgets: month view with coloured days, hours, no-appointment days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from PySide6.QtCore import QDate, QLocale, Qt, QTime, Signal, Slot
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.calendar import OverrideKind, WorkingHours
from counter_app.services.admin import WEEKDAY_NAMES, NoAppointmentPublic
from ui.admin.common import FieldErrors, ReadModelTableModel, make_table, selected_row
from ui.intake.procedure_picker import ProcedurePicker

HOLIDAY = "holiday"
COLOURS = {
    HOLIDAY: ("#f6c6c6", "Ngày lễ, Tết"),
    OverrideKind.DAY_OFF.value: ("#ffd9a0", "Nghỉ thêm / nghỉ bù"),
    OverrideKind.WORKING_DAY.value: ("#bfe5c4", "Làm việc bù"),
}
KIND_LABELS = ((OverrideKind.DAY_OFF, "Ngày nghỉ"), (OverrideKind.WORKING_DAY, "Ngày làm việc"))
HOUR_FIELDS = (
    ("morning_start", "Sáng từ"), ("morning_end", "Sáng đến"),
    ("afternoon_start", "Chiều từ"), ("afternoon_end", "Chiều đến"),
    ("same_day_cutoff", "Giờ chốt trả trong ngày"),
)  # fmt: skip


@dataclass(frozen=True)
class DayMark:
    """How one day differs from an ordinary one: a public holiday or an override."""

    kind: str  # HOLIDAY | "day_off" | "working_day"
    name: str


def qdate(d: date) -> QDate:
    """A Python date as a QDate."""
    return QDate(d.year, d.month, d.day)


def describe_day(d: date, mark: DayMark | None) -> str:
    """ "Thứ Bảy, 02/05/2026 — Làm việc bù: …" for the line under the calendar."""
    head = f"{WEEKDAY_NAMES[d.weekday()]}, {d:%d/%m/%Y}"
    if mark is None:
        usual = "ngày nghỉ cuối tuần" if d.weekday() >= 5 else "ngày làm việc"
        return f"{head} — {usual}"
    return f"{head} — {COLOURS[mark.kind][1]}: {mark.name}"


class CalendarView(QWidget):
    """Month view, the selected day's override, office hours and no-appointment days."""

    month_shown = Signal(int, int)
    """(year, month) now on screen."""
    override_requested = Signal(object, str, str)
    """(date, OverrideKind value, name) to store for the selected day."""
    override_remove_requested = Signal(object)
    """The date whose override to drop."""
    hours_requested = Signal(dict)
    """{field: datetime.time} of the five hour fields."""
    no_appointment_requested = Signal(int, int)
    """(weekday 0–5, procedure id) to add."""
    no_appointment_remove_requested = Signal(int)
    """The id of the rule to end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._marks: dict[date, DayMark] = {}
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setGridVisible(True)
        self.day_label = QLabel(objectName="procedureName", wordWrap=True)
        self.kind = QComboBox()
        for kind, label in KIND_LABELS:
            self.kind.addItem(label, kind.value)
        self.name_edit = QLineEdit(placeholderText="vd: Làm bù cho ngày 02/5")
        self.save_override_button = QPushButton("Lưu ngày này")
        self.remove_override_button = QPushButton("Bỏ điều chỉnh")
        self.override_errors = FieldErrors("name")
        self.times = {key: QTimeEdit(displayFormat="HH:mm") for key, _ in HOUR_FIELDS}
        for edit in self.times.values():
            edit.setFixedWidth(90)
        self.hours_errors = FieldErrors("same_day_cutoff")
        self.save_hours_button = QPushButton("Lưu giờ làm việc")
        self.weekday = QComboBox()
        for i, name in enumerate(WEEKDAY_NAMES[:6]):
            self.weekday.addItem(name, i)
        self.picker = ProcedurePicker()
        self.noappt_errors = FieldErrors("procedure")
        self._procedure_names: dict[str, str] = {}
        self.rules = ReadModelTableModel((
            ("Ngày", lambda r: WEEKDAY_NAMES[r.weekday]),
            ("Mã", lambda r: r.procedure_code),
            ("Thủ tục", lambda r: self._procedure_names.get(r.procedure_code, "")),
        ), self)  # fmt: skip
        self.rules_table = make_table(self.rules, 2)
        self.add_rule_button = QPushButton("Thêm")
        self.remove_rule_button = QPushButton("Bỏ dòng đã chọn")
        self._build()
        self._connect()

    def _build(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.calendar, 1)
        left.addLayout(self._legend())
        left.addWidget(self.day_label)
        day = QGroupBox("Điều chỉnh ngày đã chọn")
        form = QFormLayout(day)
        form.addRow("Loại ngày", self.kind)
        self.override_errors.add_row(form, "name", "Tên / lý do", self.name_edit)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_override_button)
        row.addWidget(self.save_override_button)
        form.addRow(row)
        left.addWidget(day)
        right = QVBoxLayout()
        right.addWidget(self._hours_box())
        right.addWidget(self._no_appointment_box(), 1)
        root = QHBoxLayout(self)
        root.addLayout(left, 1)
        root.addLayout(right, 1)

    def _legend(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for colour, label in COLOURS.values():
            swatch = QLabel()
            swatch.setFixedSize(14, 14)
            swatch.setStyleSheet(f"background:{colour}; border:1px solid #9aa5b1;")
            row.addWidget(swatch)
            row.addWidget(QLabel(label))
            row.addSpacing(10)
        row.addStretch(1)
        return row

    def _hours_box(self) -> QGroupBox:
        box = QGroupBox("Giờ làm việc")
        grid = QGridLayout(box)
        for i, (key, label) in enumerate(HOUR_FIELDS):
            cell = QWidget()
            lay = QVBoxLayout(cell)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(self.times[key])
            lay.addWidget(self.hours_errors.add_label(key, self.times[key]))
            grid.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            grid.addWidget(cell, i // 2, (i % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.addWidget(self.save_hours_button, 2, 2, 1, 2, Qt.AlignmentFlag.AlignRight)
        return box

    def _no_appointment_box(self) -> QGroupBox:
        box = QGroupBox("Ngày không hẹn (trả kết quả trong ngày)")
        form = QFormLayout()
        self.noappt_errors.add_row(form, "weekday", "Ngày trong tuần", self.weekday)
        self.noappt_errors.add_row(form, "procedure", "Thủ tục", self.picker)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_rule_button)
        buttons.addWidget(self.add_rule_button)
        lay = QVBoxLayout(box)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.rules_table, 1)
        return box

    def _connect(self) -> None:
        self.calendar.currentPageChanged.connect(self.month_shown)
        self.calendar.selectionChanged.connect(self._on_calendar_selection_changed)
        self.save_override_button.clicked.connect(self._on_save_override_button_clicked)
        self.remove_override_button.clicked.connect(self._on_remove_override_button_clicked)
        self.save_hours_button.clicked.connect(self._on_save_hours_button_clicked)
        self.add_rule_button.clicked.connect(self._on_add_rule_button_clicked)
        self.remove_rule_button.clicked.connect(self._on_remove_rule_button_clicked)

    # --- setters ------------------------------------------------------------------------

    def selected_day(self) -> date:
        """The day selected in the month view."""
        return self.calendar.selectedDate().toPython()  # type: ignore[no-any-return]

    def select_day(self, d: date) -> None:
        """Select (and show the month of) ``d``."""
        self.calendar.setSelectedDate(qdate(d))

    def set_marks(self, marks: dict[date, DayMark]) -> None:
        """Colour the holidays and overrides around the month shown."""
        self._marks = dict(marks)
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clears every format
        for d, mark in marks.items():
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(COLOURS[mark.kind][0]))
            fmt.setToolTip(mark.name)
            self.calendar.setDateTextFormat(qdate(d), fmt)
        self._on_calendar_selection_changed()

    def mark_on(self, d: date) -> DayMark | None:
        """The mark shown on ``d``."""
        return self._marks.get(d)

    def set_hours(self, hours: WorkingHours) -> None:
        """Show the office hours in force."""
        for key, _ in HOUR_FIELDS:
            t: time = getattr(hours, key)
            self.times[key].setTime(QTime(t.hour, t.minute))

    def set_procedures(self, rows: list[tuple[int, str, str, str]]) -> None:
        """(id, code, name, field name) per procedure, for the no-appointment picker."""
        self.picker.set_procedures(rows)
        self._procedure_names = {code: name for _, code, name, _ in rows}

    def set_rules(self, rules: list[NoAppointmentPublic]) -> None:
        """The no-appointment rules in force."""
        self.rules.set_rows(rules)

    # --- intents ------------------------------------------------------------------------

    @Slot()
    def _on_calendar_selection_changed(self) -> None:
        d = self.selected_day()
        mark = self._marks.get(d)
        self.day_label.setText(describe_day(d, mark))
        has_override = mark is not None and mark.kind != HOLIDAY
        self.remove_override_button.setEnabled(has_override)
        if has_override and mark is not None:
            self.kind.setCurrentIndex(self.kind.findData(mark.kind))
            self.name_edit.setText(mark.name)
        else:
            self.name_edit.clear()
            weekend = d.weekday() >= 5
            self.kind.setCurrentIndex(1 if weekend else 0)  # the useful change for that day
        self.override_errors.clear()

    @Slot()
    def _on_save_override_button_clicked(self) -> None:
        self.override_requested.emit(
            self.selected_day(), self.kind.currentData(), self.name_edit.text()
        )

    @Slot()
    def _on_remove_override_button_clicked(self) -> None:
        self.override_remove_requested.emit(self.selected_day())

    @Slot()
    def _on_save_hours_button_clicked(self) -> None:
        self.hours_requested.emit({k: w.time().toPython() for k, w in self.times.items()})

    @Slot()
    def _on_add_rule_button_clicked(self) -> None:
        pid = self.picker.chosen_id()
        if pid is None:
            self.noappt_errors.set_errors({"procedure": "Chọn một thủ tục trong danh sách."})
            return
        self.no_appointment_requested.emit(int(self.weekday.currentData()), pid)

    @Slot()
    def _on_remove_rule_button_clicked(self) -> None:
        row = selected_row(self.rules_table)
        if row is not None:
            self.no_appointment_remove_requested.emit(self.rules.row_at(row).id)
