"""The administrator's "Đơn vị và quầy" tab: ward profile, this PC's counter, form 01 copies,
the queue's services and their counters, and the kiosk PIN (so the kiosk keypad is enough).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.accounts import OfficialPublic
from counter_app.services.queue_models import QueueServicePublic
from counter_app.services.ward_settings import MAX_COUNTER, WardSettingsPublic, WardSettingsService
from ui.admin.common import (
    FieldErrors,
    ReadModelTableModel,
    error_text,
    make_table,
    selected_row,
)
from ui.tasks import TaskRunner

_TEXT_FIELDS = ("agency_name", "unit_name", "place_name", "address", "phone",
                "lookup_url_base", "ledger_book")


def parse_counters(text: str) -> tuple[int, ...]:
    """"1, 3 4" → (1, 3, 4); ValueError for anything else ("" = every counter)."""
    parts = text.replace(",", " ").split()
    return tuple(int(p) for p in parts)


class WardSettingsView(QWidget):
    """Three boxes: the ward and this PC, the queue services, the kiosk PIN."""

    save_requested = Signal()
    service_save_requested = Signal()
    pin_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = FieldErrors("ward")
        self.edits = {key: QLineEdit() for key in _TEXT_FIELDS}
        self.counter_spin = QSpinBox()
        self.counter_spin.setRange(1, MAX_COUNTER)
        self.two_copies = QCheckBox(self.tr("In hai bản Giấy tiếp nhận (mẫu 01): "
                                            "một bản giao người nộp, một bản lưu hồ sơ"))
        self.save_button = QPushButton(self.tr("Lưu thông tin đơn vị"), objectName="primary")
        self.status = QLabel()
        self.status.setWordWrap(True)
        every = self.tr("Mọi quầy")
        self.service_model = ReadModelTableModel((
            (self.tr("Ký hiệu"), lambda s: s.prefix),
            (self.tr("Dịch vụ"), lambda s: s.name),
            (self.tr("Quầy phục vụ"), lambda s: ", ".join(map(str, s.counters)) or every),
            (self.tr("Đang dùng"), lambda s: self.tr("Có") if s.active else self.tr("Không")),
        ), self)
        self.service_table: QTableView = make_table(self.service_model, 1)
        self.prefix_edit, self.service_name_edit = QLineEdit(), QLineEdit()
        self.prefix_edit.setMaxLength(2)
        self.counters_edit = QLineEdit(placeholderText=self.tr("vd: 1, 2 (để trống: mọi quầy)"))
        self.service_button = QPushButton(self.tr("Lưu dịch vụ"))
        self.pin_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password, maxLength=12)
        self.pin_button = QPushButton(self.tr("Đặt mã PIN kiosk"))
        self.counter_spin.setMaximumWidth(90)
        right = QVBoxLayout()
        right.addWidget(self._queue_box(), 1)
        right.addWidget(self._pin_box())
        columns = QHBoxLayout()
        columns.addWidget(self._ward_box(), 1)
        columns.addLayout(right, 1)
        root = QVBoxLayout(self)
        root.addLayout(columns, 1)
        root.addWidget(self.status)
        self.save_button.clicked.connect(self.save_requested)
        self.service_button.clicked.connect(self.service_save_requested)
        self.pin_button.clicked.connect(self._on_pin_button_clicked)
        self.service_table.clicked.connect(self._on_service_table_clicked)

    def _ward_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Đơn vị và máy này"))
        form = QFormLayout(box)
        labels = (self.tr("Tên cơ quan"), self.tr("Bộ phận"), self.tr("Địa danh (trên mẫu)"),
                  self.tr("Địa chỉ"), self.tr("Điện thoại"), self.tr("Địa chỉ tra cứu"),
                  self.tr("Quyển sổ theo dõi"))
        for key, label in zip(_TEXT_FIELDS, labels, strict=True):
            self.errors.add_row(form, key, label, self.edits[key])
        self.errors.add_row(form, "counter_no", self.tr("Số quầy của máy này"),
                            self.counter_spin)
        self.two_copies.setText(self.tr("In hai bản Giấy tiếp nhận (mẫu 01):\n"
                                        "một bản giao người nộp, một bản lưu hồ sơ"))
        form.addRow("", self.two_copies)
        form.addRow("", self.errors.add_label("ward"))
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        form.addRow("", save_row)
        return box

    def _queue_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Dịch vụ xếp hàng và quầy phục vụ"))
        lay = QVBoxLayout(box)
        lay.addWidget(self.service_table, 1)
        form = QFormLayout()
        form.addRow(self.tr("Ký hiệu"), self.prefix_edit)
        form.addRow(self.tr("Tên dịch vụ"), self.service_name_edit)
        form.addRow(self.tr("Quầy phục vụ"), self.counters_edit)
        self.prefix_edit.setMaximumWidth(60)
        lay.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.service_button)
        lay.addLayout(row)
        lay.addWidget(self.errors.add_label("service"))
        return box

    def _pin_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Mã PIN thoát kiosk"))
        lay = QVBoxLayout(box)
        hint = QLabel(self.tr("4–12 chữ số: cán bộ nhập bằng bàn phím số trên màn hình kiosk."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.pin_edit, 1)
        row.addWidget(self.pin_button)
        lay.addWidget(hint)
        lay.addLayout(row)
        lay.addWidget(self.errors.add_label("pin", self.pin_edit))
        return box

    def show_settings(self, w: WardSettingsPublic) -> None:
        """Fill the ward box."""
        for key in _TEXT_FIELDS:
            self.edits[key].setText(getattr(w, key))
        self.counter_spin.setValue(w.counter_no)
        self.two_copies.setChecked(w.two_copies)

    def settings(self, base: WardSettingsPublic) -> WardSettingsPublic:
        """What the ward box says now."""
        return replace(base, **{k: self.edits[k].text() for k in _TEXT_FIELDS},
                       counter_no=self.counter_spin.value(),
                       two_copies=self.two_copies.isChecked())

    @Slot()
    def _on_pin_button_clicked(self) -> None:
        self.pin_requested.emit(self.pin_edit.text())

    @Slot()
    def _on_service_table_clicked(self) -> None:
        row = selected_row(self.service_table)
        if row is not None:
            s: QueueServicePublic = self.service_model.row_at(row)
            self.prefix_edit.setText(s.prefix)
            self.service_name_edit.setText(s.name)
            self.counters_edit.setText(", ".join(map(str, s.counters)))


class WardSettingsPresenter(QObject):
    """Reads and writes on the DB thread; errors are worded at their fields."""

    loaded = Signal()
    saved = Signal(object)
    """WardSettingsPublic after a save (the main window may show the new counter)."""

    def __init__(self, view: WardSettingsView, ward: WardSettingsService, queue: object,
                 runner: TaskRunner, official: OfficialPublic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view, self._ward, self._queue = view, ward, queue
        self._runner, self._official = runner, official
        self._current: WardSettingsPublic | None = None
        view.save_requested.connect(self._on_view_save_requested)
        view.service_save_requested.connect(self._on_view_service_save_requested)
        view.pin_requested.connect(self._on_view_pin_requested)

    def refresh(self) -> None:
        """Load the settings and the services."""
        task = self._runner.run_db(self._load)
        task.succeeded.connect(self._on_load_succeeded)
        task.failed.connect(self.view.errors.show_exception)

    def _load(self) -> tuple[WardSettingsPublic, list[QueueServicePublic]]:
        return self._ward.load(), self._queue.services(active_only=False)  # type: ignore[attr-defined]

    @Slot(object)
    def _on_load_succeeded(self, result: tuple[WardSettingsPublic, list[QueueServicePublic]]
                           ) -> None:
        self._current, services = result
        self.view.show_settings(self._current)
        self.view.service_model.set_rows(services)
        self.loaded.emit()

    @Slot()
    def _on_view_save_requested(self) -> None:
        if self._current is None:
            return
        self.view.errors.set_errors({})
        task = self._runner.run_db(self._ward.save, self._official,
                                   self.view.settings(self._current))
        task.succeeded.connect(self._on_save_succeeded)
        task.failed.connect(self.view.errors.show_exception)

    @Slot(object)
    def _on_save_succeeded(self, saved: WardSettingsPublic) -> None:
        self._current = saved
        self.view.show_settings(saved)
        self.view.status.setText(self.tr("Đã lưu thông tin đơn vị."))
        self.saved.emit(saved)

    @Slot()
    def _on_view_service_save_requested(self) -> None:
        self.view.errors.set_errors({})
        try:
            counters = parse_counters(self.view.counters_edit.text())
        except ValueError:
            self.view.errors.set_errors({"service": self.tr(
                "Quầy phục vụ là các số quầy cách nhau bởi dấu phẩy, ví dụ 1, 2.")})
            return
        task = self._runner.run_db(self._save_service, self.view.prefix_edit.text(),
                                   self.view.service_name_edit.text(), counters)
        task.succeeded.connect(self._on_service_saved)
        task.failed.connect(self._on_service_failed)

    def _save_service(self, prefix: str, name: str, counters: tuple[int, ...]) -> object:
        self._queue.save_service(prefix, name, counters=counters)  # type: ignore[attr-defined]
        return self._load()

    @Slot(object)
    def _on_service_saved(self, result: tuple[WardSettingsPublic, list[QueueServicePublic]]
                          ) -> None:
        self.view.service_model.set_rows(result[1])
        self.view.status.setText(self.tr("Đã lưu dịch vụ."))

    @Slot(object)
    def _on_service_failed(self, exc: BaseException) -> None:
        self.view.errors.set_errors({"service": error_text(exc)})

    @Slot(str)
    def _on_view_pin_requested(self, pin: str) -> None:
        self.view.errors.set_errors({})
        task = self._runner.run_db(self._queue.set_kiosk_pin, self._official, pin)  # type: ignore[attr-defined]
        task.succeeded.connect(self._on_pin_set)
        task.failed.connect(self.view.errors.show_exception)

    @Slot(object)
    def _on_pin_set(self, _result: object) -> None:
        self.view.pin_edit.clear()
        self.view.status.setText(self.tr("Đã đặt mã PIN kiosk."))
