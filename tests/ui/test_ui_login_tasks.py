"""Login on the worker thread, and the task runner's contract."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel

from counter_app.services.errors import LoginFailed
from ui.login_dialog import LoginDialog, LoginPresenter
from ui.tasks import TaskRunner


@pytest.fixture
def login(qtbot, ui_services, runner):  # type: ignore[no-untyped-def]
    dialog = LoginDialog(ui_services.accounts.ward().agency_name)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, LoginPresenter(dialog, ui_services.accounts, runner)


def test_wrong_password_message(qtbot, login):  # type: ignore[no-untyped-def]
    dialog, presenter = login
    assert any("UBND PHƯỜNG THỤY KHUÊ" in lab.text() for lab in dialog.findChildren(QLabel))
    dialog.prefill("canbo", "sai-mat-khau")
    with qtbot.waitSignal(presenter.login_failed, timeout=10_000) as failed:
        dialog.buttons.accepted.emit()
    assert isinstance(failed.args[0], LoginFailed)
    assert dialog.error_label.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert presenter.official is None


def test_login_succeeds(qtbot, login):  # type: ignore[no-untyped-def]
    dialog, presenter = login
    dialog.prefill("canbo", "canbo123")
    with qtbot.waitSignal(presenter.logged_in, timeout=10_000) as done:
        dialog.buttons.accepted.emit()
    assert done.args[0].full_name == "Trần Văn Đức"


def test_task_runner_reports_results_and_errors_on_gui_thread(qtbot, runner: TaskRunner):  # type: ignore[no-untyped-def]
    gui = threading.get_ident()
    seen: list[int] = []

    def work() -> int:
        seen.append(threading.get_ident())
        return 42

    task = runner.run_db(work)
    with qtbot.waitSignal(task.succeeded, timeout=5_000) as ok:
        pass
    assert ok.args == [42] and seen and seen[0] != gui

    def boom() -> None:
        raise ValueError("hỏng")

    task = runner.run_io(boom)
    with qtbot.waitSignal(task.failed, timeout=5_000) as bad:
        pass
    assert isinstance(bad.args[0], ValueError)
