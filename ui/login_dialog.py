"""Login: the dialog is thin; the presenter checks the password on the DB thread (argon2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.tasks import TaskRunner

if TYPE_CHECKING:  # the services load on the DB thread, after the first window is up
    from counter_app.services.accounts import AccountService, OfficialPublic


class LoginDialog(QDialog):
    """User name, password, the ward's name on top."""

    login_requested = Signal(str, str)

    def __init__(self, ward_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Đăng nhập — Một cửa")
        self.setMinimumWidth(420)
        title = QLabel()
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = title
        self.set_ward_name(ward_name)
        self.username_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Đăng nhập")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        form = QFormLayout()
        form.addRow("Tên đăng nhập", self.username_edit)
        form.addRow("Mật khẩu", self.password_edit)
        root = QVBoxLayout(self)
        root.addWidget(title)
        root.addSpacing(8)
        root.addLayout(form)
        root.addWidget(self.error_label)
        root.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def set_ward_name(self, ward_name: str) -> None:
        """The ward's name on top (shown as soon as the store has been read)."""
        self.title_label.setText(
            f"<div style='font-size:15pt;font-weight:bold;color:#1f3b63'>{ward_name}</div>"
            "<div style='color:#45556b'>Bộ phận tiếp nhận và trả kết quả</div>")

    def prefill(self, username: str, password: str) -> None:
        """Demo mode: the demo official's credentials."""
        self.username_edit.setText(username)
        self.password_edit.setText(password)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.login_requested.emit(self.username_edit.text(), self.password_edit.text())

    def set_busy(self, busy: bool) -> None:
        """While the password is being checked."""
        self.buttons.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        """The (single) login failure message."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.password_edit.selectAll()
        self.password_edit.setFocus()


class LoginPresenter(QObject):
    """Checks credentials off the GUI thread; accepts the dialog on success."""

    logged_in = Signal(object)
    """The OfficialPublic who logged in."""
    login_failed = Signal(object)
    """The exception (LoginFailed for a wrong user name or password)."""

    def __init__(self, dialog: LoginDialog, accounts: AccountService, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog = dialog
        self._accounts = accounts
        self._runner = runner
        self.official: OfficialPublic | None = None
        dialog.login_requested.connect(self._on_dialog_login_requested)

    @Slot(str, str)
    def _on_dialog_login_requested(self, username: str, password: str) -> None:
        self.dialog.set_busy(True)
        task = self._runner.run_db(self._accounts.login, username, password)
        task.succeeded.connect(self._on_login_succeeded)
        task.failed.connect(self._on_login_failed)

    @Slot(object)
    def _on_login_succeeded(self, official: OfficialPublic) -> None:
        self.dialog.set_busy(False)
        self.official = official
        self.logged_in.emit(official)
        self.dialog.accept()

    @Slot(object)
    def _on_login_failed(self, exc: BaseException) -> None:
        self.dialog.set_busy(False)
        self.dialog.show_error(getattr(exc, "message_vi", None) or f"Lỗi: {exc}")
        self.login_failed.emit(exc)
