"""First run on an empty store: the ward profile and the first administrator."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.codes import DEVICE_COUNTERS
from counter_app.services.accounts import WardSetup
from counter_app.services.context import AppServices
from counter_app.services.errors import ValidationFailed
from ui.style import set_error_state
from ui.tasks import TaskRunner


class SetupDialog(QDialog):
    """Collects WardSetup and the first admin; shows errors per field."""

    setup_requested = Signal(object, str, str, str)
    """(WardSetup, admin username, admin full name, password)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Thiết lập lần đầu — Một cửa")
        self.setMinimumWidth(560)
        self.fields: dict[str, QLineEdit | QSpinBox] = {}
        self._errors: dict[str, QLabel] = {}
        ward = QGroupBox("Thông tin đơn vị")
        wf = QFormLayout(ward)
        self._add(wf, "agency_code", "Mã định danh cơ quan", QLineEdit(placeholderText="000.00.12.H26"))
        self._add(wf, "agency_name", "Tên đơn vị", QLineEdit(placeholderText="UBND PHƯỜNG …"))
        self._add(wf, "place_name", "Địa danh (ghi trên phiếu)", QLineEdit(placeholderText="Hà Nội"))
        self._add(wf, "lookup_url_base", "Địa chỉ tra cứu hồ sơ",
                  QLineEdit(placeholderText="https://dichvucong.example.vn/tra-cuu/"))
        counter = QSpinBox()
        counter.setRange(1, DEVICE_COUNTERS)
        self._add(wf, "counter_no", "Số quầy của máy này", counter)
        admin = QGroupBox("Quản trị viên đầu tiên")
        af = QFormLayout(admin)
        self._add(af, "full_name", "Họ và tên", QLineEdit())
        self._add(af, "username", "Tên đăng nhập", QLineEdit())
        for key, label in (("password", "Mật khẩu"), ("password2", "Nhập lại mật khẩu")):
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            self._add(af, key, label, edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Thiết lập")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        root = QVBoxLayout(self)
        root.addWidget(ward)
        root.addWidget(admin)
        root.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def _add(self, form: QFormLayout, key: str, label: str, widget: QLineEdit | QSpinBox) -> None:
        error = QLabel()
        error.setProperty("role", "error")
        error.hide()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(widget)
        lay.addWidget(error)
        form.addRow(label, box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields[key] = widget
        self._errors[key] = error

    def prefill_ward(self, ward: WardSetup) -> None:
        """An enrolled store: show the ward from upstream, read-only; only the admin is asked."""
        for key in ("agency_code", "agency_name", "place_name", "lookup_url_base"):
            w = self.fields[key]
            if isinstance(w, QLineEdit):
                w.setText(getattr(ward, key))
                w.setReadOnly(True)
        counter = self.fields["counter_no"]
        if isinstance(counter, QSpinBox):
            counter.setValue(ward.counter_no)
            counter.setEnabled(False)

    def _text(self, key: str) -> str:
        w = self.fields[key]
        return w.text() if isinstance(w, QLineEdit) else str(w.value())

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if self._text("password") != self._text("password2"):
            self.set_errors({"password2": "Hai lần nhập mật khẩu không khớp."})
            return
        counter = self.fields["counter_no"]
        ward = WardSetup(agency_code=self._text("agency_code"),
                         agency_name=self._text("agency_name"),
                         place_name=self._text("place_name"),
                         lookup_url_base=self._text("lookup_url_base"),
                         counter_no=counter.value() if isinstance(counter, QSpinBox) else 1)
        self.setup_requested.emit(ward, self._text("username"), self._text("full_name"),
                                  self._text("password"))

    def set_errors(self, errors: dict[str, str]) -> None:
        """One message per field; unknown keys go under the admin's name."""
        for key, label in self._errors.items():
            msg = errors.get(key, "")
            label.setText(msg)
            label.setVisible(bool(msg))
            set_error_state(self.fields[key], bool(msg))
        rest = [m for k, m in errors.items() if k not in self._errors]
        if rest:
            self._errors["full_name"].setText("; ".join(rest))
            self._errors["full_name"].show()


def _set_up_store(services: AppServices, ward: WardSetup, username: str, full_name: str,
                  password: str) -> object:
    official = services.accounts.set_up(ward, admin_username=username,
                                        admin_full_name=full_name, admin_password=password)
    services.catalogue.load_default()
    return official


class SetupPresenter(QObject):
    """Runs set-up and the default catalogue import on the DB thread."""

    def __init__(self, dialog: SetupDialog, services: AppServices, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog = dialog
        self._services = services
        self._runner = runner
        dialog.setup_requested.connect(self._on_dialog_setup_requested)

    @Slot(object, str, str, str)
    def _on_dialog_setup_requested(self, ward: WardSetup, username: str, full_name: str,
                                   password: str) -> None:
        self.dialog.buttons.setEnabled(False)
        task = self._runner.run_db(_set_up_store, self._services, ward, username, full_name,
                                   password)
        task.succeeded.connect(self._on_setup_succeeded)
        task.failed.connect(self._on_setup_failed)

    @Slot(object)
    def _on_setup_succeeded(self, _official: object) -> None:
        self.dialog.buttons.setEnabled(True)
        self.dialog.accept()

    @Slot(object)
    def _on_setup_failed(self, exc: BaseException) -> None:
        self.dialog.buttons.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.dialog.set_errors(exc.errors)
        else:
            self.dialog.set_errors({"form": getattr(exc, "message_vi", None) or str(exc)})
