"""Tab "Cán bộ" (admin): the officials, adding one, disabling/enabling, resetting a password."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.accounts import AccountService, OfficialPublic
from counter_app.services.admin import AdminService, OfficialAccountPublic
from counter_app.services.errors import ValidationFailed
from ui.admin.common import FieldErrors, ReadModelTableModel, make_table, selected_row
from ui.tasks import TaskRunner

ROLES = (("official", "Cán bộ tiếp nhận"), ("admin", "Quản trị viên"))
MISMATCH = "Hai lần nhập mật khẩu không khớp."


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _right(button: QPushButton) -> QWidget:
    """A button on the right of its row, at its natural width."""
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addStretch(1)
    lay.addWidget(button)
    return box


OFFICIAL_COLUMNS = (
    ("Họ và tên", lambda o: o.full_name),
    ("Tên đăng nhập", lambda o: o.username),
    ("Vai trò", lambda o: dict(ROLES).get(o.role, o.role)),
    ("Trạng thái", lambda o: "Đang hoạt động" if o.active else "Đã khoá"),
)


class OfficialsView(QWidget):
    """The list of officials with an add form and actions on the selected one."""

    add_requested = Signal(str, str, str, str)
    """(full name, user name, password, role)."""
    active_requested = Signal(str, bool)
    """(user name, active) for the selected official."""
    reset_requested = Signal(str, str)
    """(user name, new password)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.officials = ReadModelTableModel(OFFICIAL_COLUMNS, self)
        self.table = make_table(self.officials, 0)
        self.toggle_button = QPushButton("Khoá tài khoản")
        self.errors = FieldErrors("account")
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.password = _password_edit()
        self.password2 = _password_edit()
        self.role = QComboBox()
        for value, label in ROLES:
            self.role.addItem(label, value)
        self.add_button = QPushButton("Thêm cán bộ")
        self.new_password = _password_edit()
        self.new_password2 = _password_edit()
        self.reset_button = QPushButton("Đặt lại mật khẩu")
        self.reset_errors = FieldErrors("new_password")
        self.status = QLabel(wordWrap=True)
        self.status.setProperty("role", "info")
        self._build()

    def _build(self) -> None:
        actions = QHBoxLayout()
        actions.addWidget(self.errors.add_label("account"), 1)
        actions.addStretch(0)
        actions.addWidget(self.toggle_button)
        add = QGroupBox("Thêm cán bộ")
        form = QFormLayout(add)
        self.errors.add_row(form, "full_name", "Họ và tên", self.full_name)
        self.errors.add_row(form, "username", "Tên đăng nhập", self.username)
        self.errors.add_row(form, "password", "Mật khẩu", self.password)
        self.errors.add_row(form, "password2", "Nhập lại mật khẩu", self.password2)
        self.errors.add_row(form, "role", "Vai trò", self.role)
        form.addRow("", _right(self.add_button))
        reset = QGroupBox("Đặt lại mật khẩu cho cán bộ đã chọn")
        rform = QFormLayout(reset)
        self.reset_errors.add_row(rform, "new_password", "Mật khẩu mới", self.new_password)
        self.reset_errors.add_row(rform, "new_password2", "Nhập lại", self.new_password2)
        rform.addRow("", _right(self.reset_button))
        forms = QHBoxLayout()
        forms.addWidget(add, 1)
        forms.addWidget(reset, 1)
        root = QVBoxLayout(self)
        root.addWidget(self.table, 1)
        root.addLayout(actions)
        root.addLayout(forms)
        root.addWidget(self.status)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.toggle_button.clicked.connect(self._on_toggle_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    def set_officials(self, rows: list[OfficialAccountPublic]) -> None:
        """Every official, disabled ones included."""
        self.officials.set_rows(rows)
        self._on_table_selection_changed()

    def selected(self) -> OfficialAccountPublic | None:
        """The official selected in the table."""
        row = selected_row(self.table)
        return None if row is None else self.officials.row_at(row)

    def select_username(self, username: str) -> bool:
        """Select the row of ``username``; False if it is not listed."""
        for row in range(self.officials.rowCount()):
            if self.officials.row_at(row).username == username:
                self.table.selectRow(row)
                return True
        return False

    def clear_add_form(self) -> None:
        """Empty the add form after a success."""
        for edit in (self.full_name, self.username, self.password, self.password2):
            edit.clear()
        self.role.setCurrentIndex(0)

    def clear_reset_form(self) -> None:
        """Empty the two new-password fields."""
        self.new_password.clear()
        self.new_password2.clear()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        chosen = self.selected()
        self.toggle_button.setEnabled(chosen is not None)
        self.reset_button.setEnabled(chosen is not None)
        active = chosen is None or chosen.active
        self.toggle_button.setText("Khoá tài khoản" if active else "Mở khoá tài khoản")

    @Slot()
    def _on_add_button_clicked(self) -> None:
        if self.password.text() != self.password2.text():
            self.errors.set_errors({"password2": MISMATCH})
            return
        self.add_requested.emit(
            self.full_name.text(),
            self.username.text(),
            self.password.text(),
            str(self.role.currentData()),
        )

    @Slot()
    def _on_toggle_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.active_requested.emit(chosen.username, not chosen.active)

    @Slot()
    def _on_reset_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if self.new_password.text() != self.new_password2.text():
            self.reset_errors.set_errors({"new_password2": MISMATCH})
            return
        self.reset_requested.emit(chosen.username, self.new_password.text())


class OfficialsPresenter(QObject):
    """Lists officials and runs every change on the DB thread."""

    loaded = Signal()
    """The list is up to date."""
    official_added = Signal(object)
    """The OfficialPublic just created."""
    changed = Signal(str)
    """A Vietnamese line about what was just done (locked, unlocked, password reset)."""
    failed = Signal(object)
    """A change was refused; its message is at the field."""

    def __init__(
        self,
        view: OfficialsView,
        accounts: AccountService,
        admin: AdminService,
        runner: TaskRunner,
        official: OfficialPublic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._accounts = accounts
        self._admin = admin
        self._runner = runner
        self._by = official
        self._select = ""
        view.add_requested.connect(self._on_view_add_requested)
        view.active_requested.connect(self._on_view_active_requested)
        view.reset_requested.connect(self._on_view_reset_requested)

    def refresh(self) -> None:
        """Read the officials."""
        task = self._runner.run_db(self._admin.list_accounts)
        task.succeeded.connect(self._on_list_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_list_succeeded(self, rows: list[OfficialAccountPublic]) -> None:
        self.view.set_officials(rows)
        if self._select:
            self.view.select_username(self._select)
        self.loaded.emit()

    @Slot(str, str, str, str)
    def _on_view_add_requested(
        self, full_name: str, username: str, password: str, role: str
    ) -> None:
        self.view.errors.clear()
        task = self._runner.run_db(
            self._accounts.create_official,
            self._by,
            username=username,
            full_name=full_name,
            password=password,
            role=role,
        )
        task.succeeded.connect(self._on_add_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_add_succeeded(self, official: OfficialPublic) -> None:
        self.view.clear_add_form()
        self._done(f"Đã thêm cán bộ {official.full_name} ({official.username}).", official.username)
        self.official_added.emit(official)

    @Slot(str, bool)
    def _on_view_active_requested(self, username: str, active: bool) -> None:
        self.view.errors.clear()
        task = self._runner.run_db(self._admin.set_active, self._by, username, active)
        word = "Đã mở khoá" if active else "Đã khoá"
        task.setProperty("message", f"{word} tài khoản {username}.")
        task.setProperty("username", username)
        task.succeeded.connect(self._on_change_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(str, str)
    def _on_view_reset_requested(self, username: str, password: str) -> None:
        self.view.reset_errors.clear()
        task = self._runner.run_db(self._admin.reset_password, self._by, username, password)
        task.setProperty("message", f"Đã đặt lại mật khẩu cho {username}.")
        task.setProperty("username", username)
        task.succeeded.connect(self._on_change_succeeded)
        task.failed.connect(self._on_reset_failed)

    @Slot(object)
    def _on_change_succeeded(self, _result: object) -> None:
        task = self.sender()
        self.view.clear_reset_form()
        self._done(str(task.property("message")), str(task.property("username")))

    def _done(self, message: str, username: str) -> None:
        self.view.status.setText(message)
        self.changed.emit(message)
        self._select = username
        self.refresh()

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.errors.show_exception(exc)
        self.failed.emit(exc)

    @Slot(object)
    def _on_reset_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed):  # the service names the field "password"
            renamed = {"new_password" if k == "password" else k: m for k, m in exc.errors.items()}
            self.view.reset_errors.set_errors(renamed)
        else:
            self.view.reset_errors.show_exception(exc)
        self.failed.emit(exc)
