"""The intake form: thin widgets, intent signals, setters. The presenter does the work."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.intake.birth_date import BirthDateEdit
from ui.intake.components import ComponentChecklist, ComponentRow
from ui.intake.form import FeeCounts, IntakeForm, ProcedureInfo
from ui.intake.procedure_picker import ProcedurePicker
from ui.intake.scan_catcher import ScanCatcher
from ui.style import set_error_state


class IntakeView(QWidget):
    """Scan the ID card, pick the procedure, tick the papers, receive."""

    scan_submitted = Signal(str)
    """Enter in the scan field: the raw QR text."""
    procedure_chosen = Signal(int)
    receive_requested = Signal()
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._errors: dict[str, tuple[QWidget, QLabel]] = {}
        self._build()
        self._wire()
        self.clear_form()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.scan_edit = QLineEdit(objectName="scanField")
        self.scan_edit.setPlaceholderText("Đưa mã QR trên thẻ CCCD vào máy quét…")
        self.name_edit = QLineEdit()
        self.id_edit = QLineEdit()  # no length limit: a scan typed here must arrive whole
        self.id_edit.setPlaceholderText("12 chữ số")
        self.birth_edit = BirthDateEdit()
        self.sex_combo = QComboBox()
        self.sex_combo.addItems(["", "Nam", "Nữ"])
        self.address_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.sets_spin = QSpinBox()
        self.sets_spin.setRange(1, 99)
        self.direct_radio = QRadioButton("Trực tiếp")
        self.post_radio = QRadioButton("Qua bưu chính")
        self.deliver_counter_radio = QRadioButton("Tại Bộ phận một cửa")
        self.deliver_post_radio = QRadioButton("Qua bưu chính công ích")
        self._channel_group = QButtonGroup(self)
        self._delivery_group = QButtonGroup(self)
        for g, buttons in ((self._channel_group, (self.direct_radio, self.post_radio)),
                           (self._delivery_group, (self.deliver_counter_radio,
                                                   self.deliver_post_radio))):
            for b in buttons:
                g.addButton(b)
        self.note_edit = QLineEdit()
        self.picker = ProcedurePicker()
        self.name_label = QLabel("", objectName="procedureName")
        self.name_label.setWordWrap(True)
        self.name_label.hide()
        self.field_label = QLabel("—")
        self.time_label = QLabel("—")
        self.fee_label = QLabel("—")
        for lab in (self.field_label, self.time_label, self.fee_label):
            lab.setProperty("role", "info")
            lab.setWordWrap(True)
        self.checklist = ComponentChecklist()
        self.tick_button = QPushButton(self.tr("Đã kiểm tra đủ giấy tờ bắt buộc (F2)"))
        self.fee_counts = FeeCounts()
        self.pages_spin, self.copies_spin = self.fee_counts.pages_spin, self.fee_counts.copies_spin
        self.warning_label = QLabel(objectName="intakeWarning")
        self.warning_label.setProperty("role", "error")
        self.warning_label.setWordWrap(True)
        self.warning_label.hide()
        self.scan_catcher = ScanCatcher(self)
        self.banner = QLabel(objectName="banner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self.clear_button = QPushButton("Làm mới (Esc)")
        self.receive_button = QPushButton("Tiếp nhận  (Ctrl+Enter)", objectName="primary")

        left = QVBoxLayout()
        left.addWidget(self._scan_group())
        left.addWidget(self._applicant_group())
        left.addWidget(self._intake_group())
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self._procedure_group())
        comp_box = QGroupBox("Thành phần hồ sơ  (* bắt buộc)")
        comp_layout = QVBoxLayout(comp_box)
        comp_layout.addWidget(self.checklist, 1)
        comp_layout.addWidget(self._error_label("components", self.checklist))
        tick_row = QHBoxLayout()
        tick_row.addStretch(1)
        tick_row.addWidget(self.tick_button)
        comp_layout.addLayout(tick_row)
        right.addWidget(comp_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        actions = QHBoxLayout()
        actions.addWidget(self.banner, 1)
        actions.addWidget(self.clear_button)
        actions.addWidget(self.receive_button)
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 10)
        root.addLayout(columns, 1)
        root.addWidget(self.warning_label)
        root.addLayout(actions)
        self._set_tab_order()

    def _error_label(self, key: str, widget: QWidget) -> QLabel:
        label = QLabel()
        label.setProperty("role", "error")
        label.setWordWrap(True)
        label.hide()
        self._errors[key] = (widget, label)
        return label

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        lay.addWidget(self._error_label(key, widget))
        return box

    def _scan_group(self) -> QGroupBox:
        box = QGroupBox("Quét CCCD")
        lay = QVBoxLayout(box)
        lay.addWidget(self._with_error("scan", self.scan_edit))
        hint = QLabel("Máy quét gõ nội dung mã QR rồi Enter; thông tin công dân được điền tự động.")
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        return box

    def _applicant_group(self) -> QGroupBox:
        box = QGroupBox("Người nộp hồ sơ")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("Họ và tên *", self._with_error("applicant_name", self.name_edit))
        form.addRow("Số CCCD/Định danh *", self._with_error("id_number", self.id_edit))
        row = QGridLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._with_error("birth_date", self.birth_edit), 0, 0)
        row.addWidget(QLabel("Giới tính"), 0, 1, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._with_error("sex", self.sex_combo), 0, 2)
        row.setColumnStretch(0, 2)
        row.setColumnStretch(2, 1)
        form.addRow("Ngày sinh", row)
        form.addRow("Địa chỉ *", self._with_error("address", self.address_edit))
        form.addRow("Điện thoại", self._with_error("phone", self.phone_edit))
        form.addRow("Email", self._with_error("email", self.email_edit))
        return box

    def _intake_group(self) -> QGroupBox:
        box = QGroupBox("Tiếp nhận")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        sets = QHBoxLayout()
        sets.addWidget(self._with_error("sets_count", self.sets_spin))
        sets.addStretch(1)
        form.addRow("Số bộ hồ sơ", sets)
        form.addRow("Hình thức nộp", self._radios("channel", self.direct_radio, self.post_radio))
        form.addRow("Nhận kết quả", self._radios("result_delivery", self.deliver_counter_radio,
                                                 self.deliver_post_radio))
        form.addRow("Ghi chú", self._with_error("note", self.note_edit))
        return box

    def _radios(self, key: str, a: QRadioButton, b: QRadioButton) -> QWidget:
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(a)
        lay.addWidget(b)
        lay.addStretch(1)
        return self._with_error(key, row)

    def _procedure_group(self) -> QGroupBox:
        box = QGroupBox("Thủ tục hành chính")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("Thủ tục *", self._with_error("procedure", self.picker))
        form.addRow("", self.name_label)
        form.addRow("Lĩnh vực", self.field_label)
        form.addRow("Thời hạn giải quyết", self.time_label)
        form.addRow("Lệ phí", self.fee_label)
        form.addRow("", self.fee_counts)
        return box

    def _set_tab_order(self) -> None:
        chain = [self.scan_edit, self.name_edit, self.id_edit, self.birth_edit, self.sex_combo,
                 self.address_edit, self.phone_edit, self.email_edit, self.sets_spin,
                 self.direct_radio, self.deliver_counter_radio, self.note_edit, self.picker,
                 self.pages_spin, self.copies_spin, *self.checklist.focus_widgets(),
                 self.tick_button, self.receive_button, self.clear_button]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _wire(self) -> None:
        self.scan_edit.returnPressed.connect(self._on_scan_edit_return_pressed)
        self.picker.procedure_chosen.connect(self.procedure_chosen)
        self.receive_button.clicked.connect(self.receive_requested)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.receive_requested)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self._on_clear_button_clicked)
        tick = QShortcut(QKeySequence(Qt.Key.Key_F2), self)
        tick.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        tick.activated.connect(self.checklist.tick_required)
        self.tick_button.clicked.connect(self.checklist.tick_required)
        self.scan_catcher.scanned.connect(self.scan_submitted)
        self.scan_catcher.watch(*self._scan_watched())
        for edit in (self.name_edit, self.id_edit, self.birth_edit, self.address_edit,
                     self.phone_edit, self.email_edit, self.note_edit, self.picker):
            edit.textEdited.connect(self._on_any_text_edited)
        self.scan_submitted.connect(self._on_any_text_edited)
        self.birth_edit.date_invalid.connect(self._on_birth_edit_date_invalid)

    def _scan_watched(self) -> list[QWidget]:
        """Every field a scanner could type into, except the scan field itself."""
        return [self.name_edit, self.id_edit, self.birth_edit, self.address_edit,
                self.phone_edit, self.email_edit, self.note_edit, self.picker, self.sex_combo,
                self.sets_spin, self.direct_radio, self.post_radio, self.deliver_counter_radio,
                self.deliver_post_radio, self.pages_spin, self.copies_spin, self.tick_button,
                self.receive_button, self.clear_button]

    # --- intent ---------------------------------------------------------------------------
    @Slot()
    def _on_scan_edit_return_pressed(self) -> None:
        text = self.scan_edit.text()
        if text.strip():
            self.scan_submitted.emit(text)

    @Slot()
    def _on_any_text_edited(self) -> None:
        # The next intake has started: the previous one's success line is old news.
        if self.banner.property("kind") == "success":
            self.banner.hide()

    @Slot(bool)
    def _on_birth_edit_date_invalid(self, invalid: bool) -> None:
        self.set_field_error("birth_date", self.tr("Ngày sinh phải có dạng ngày/tháng/năm, "
                                                   "ví dụ 15/03/1990 hoặc 15031990.")
                             if invalid else "")

    def is_empty(self) -> bool:
        """Nothing typed, scanned or picked: clearing would lose nothing."""
        edits = (self.scan_edit, self.name_edit, self.id_edit, self.birth_edit,
                 self.address_edit, self.phone_edit, self.email_edit, self.note_edit,
                 self.picker)
        return (not any(e.text().strip() for e in edits) and self.sex_combo.currentIndex() == 0
                and not self.checklist.checked())

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        if self.picker.completer_.popup().isVisible():
            return
        if self.is_empty():
            self.clear_requested.emit()
            return
        answer = QMessageBox.question(self, "Làm mới", "Xóa nội dung đang nhập để tiếp nhận hồ sơ mới?")
        if answer == QMessageBox.StandardButton.Yes:
            self.clear_requested.emit()

    # --- setters --------------------------------------------------------------------------
    def values(self) -> IntakeForm:
        """The form's current content."""
        pages, copies = self.fee_counts.counts()
        return IntakeForm(
            procedure_id=self.picker.chosen_id(), applicant_name=self.name_edit.text(),
            id_number=self.id_edit.text(),
            birth_date=self.birth_edit.value(), birth_text=self.birth_edit.text(),
            sex=self.sex_combo.currentText(), address=self.address_edit.text(),
            phone=self.phone_edit.text(), email=self.email_edit.text(),
            components=tuple(self.checklist.checked()), sets_count=self.sets_spin.value(),
            channel="post" if self.post_radio.isChecked() else "direct",
            result_delivery="post" if self.deliver_post_radio.isChecked() else "counter",
            note=self.note_edit.text(),
            fee_pages=pages, fee_copies=copies,
        )

    def fill_citizen(self, *, name: str, id_number: str, birth_date: date | None, sex: str,
                     address: str) -> None:
        """Put what the ID card's QR said into the applicant fields."""
        self.name_edit.setText(name)
        self.id_edit.setText(id_number)
        self.birth_edit.set_value(birth_date)
        self.sex_combo.setCurrentText(sex)
        self.address_edit.setText(address)
        self.scan_edit.clear()
        for key in ("scan", "applicant_name", "id_number", "birth_date", "sex", "address"):
            self.set_field_error(key, "")

    def set_procedures(self, rows: list[tuple[int, str, str, str]]) -> None:
        """The catalogue for the picker: (id, code, name, field name)."""
        self.picker.set_procedures(rows)

    def show_procedure(self, info: ProcedureInfo, components: list[ComponentRow]) -> None:
        """Details and checklist of the chosen procedure."""
        self.picker.setCursorPosition(0)  # long names: show their beginning
        self.name_label.setText(info.full_name)
        self.name_label.setVisible(bool(info.full_name))
        self.field_label.setText(info.field_name)
        self.time_label.setText(info.processing_time_text)
        self.fee_label.setText(info.fee_text)
        self.fee_counts.show_for(pages=info.counts_pages, copies=info.counts_copies)
        self.checklist.set_components(components)
        self._set_tab_order()  # the new rows go right after the picker
        self.set_field_error("procedure", "")

    def set_field_error(self, key: str, message: str) -> None:
        """Show (or with "" clear) the message under a field and mark it red."""
        widget, label = self._errors.get(key, (None, None))
        if widget is None or label is None:
            if message:
                self.show_banner(message, error=True)
            return
        label.setText(message)
        label.setVisible(bool(message))
        set_error_state(widget, bool(message))

    def set_errors(self, errors: dict[str, str]) -> None:
        """Show every message at its field; the first wrong field gets the focus."""
        self.clear_errors()
        for key, message in errors.items():
            self.set_field_error(key, message)
        first = next((self._errors[k][0] for k in errors if k in self._errors), None)
        if first is not None:
            (self.picker if first is self.picker else first).setFocus()
        self.show_banner("Hồ sơ chưa được lưu: vui lòng sửa các ô báo đỏ.", error=True)

    def clear_errors(self) -> None:
        """Remove every field message."""
        for key in self._errors:
            self.set_field_error(key, "")

    def error_text(self, key: str) -> str:
        """The message shown at a field ("" if none)."""
        return self._errors[key][1].text()

    def show_banner(self, text: str, *, error: bool = False) -> None:
        """The line beside the buttons: green for success, red for a problem."""
        self.banner.setProperty("kind", "error" if error else "success")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setText(text)
        self.banner.show()

    def set_warnings(self, lines: list[str]) -> None:
        """Warnings that do not stop the intake (same dossier lately, outside office hours)."""
        self.warning_label.setText("\n".join(lines))
        self.warning_label.setVisible(bool(lines))

    def set_busy(self, busy: bool) -> None:
        """Disable receiving while a dossier is being saved."""
        self.receive_button.setEnabled(not busy)
        self.receive_button.setText("Đang lưu…" if busy else "Tiếp nhận  (Ctrl+Enter)")

    def clear_form(self) -> None:
        """Empty everything for the next citizen; the success banner stays."""
        for edit in (self.scan_edit, self.name_edit, self.id_edit, self.address_edit,
                     self.phone_edit, self.email_edit, self.note_edit):
            edit.clear()
        self.birth_edit.clear()
        self.sex_combo.setCurrentIndex(0)
        self.sets_spin.setValue(1)
        self.direct_radio.setChecked(True)
        self.deliver_counter_radio.setChecked(True)
        self.picker.reset()
        for lab in (self.field_label, self.time_label, self.fee_label):
            lab.setText("—")
        self.name_label.hide()
        self.fee_counts.hide()
        self.set_warnings([])
        self.checklist.set_components([])
        self.clear_errors()
        self.focus_scan()

    def focus_scan(self) -> None:
        """Put the cursor in the scan field, ready for the next card."""
        self.scan_edit.setFocus(Qt.FocusReason.OtherFocusReason)
