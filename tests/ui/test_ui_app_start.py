"""Start-up: demo store opened and seeded on the worker, login pre-filled, main window shown."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from counter_app.config import Settings
from ui.app import AppController


def test_demo_start_to_main_window(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    controller = AppController(QApplication.instance(), Settings(data_dir=tmp_path), demo=True)
    with qtbot.waitSignal(controller.login_shown, timeout=20_000) as shown:
        controller.start()
    dialog = shown.args[0]
    qtbot.addWidget(dialog)
    assert dialog.username_edit.text() == "canbo"
    assert dialog.password_edit.text() == "canbo123"
    with qtbot.waitSignal(controller.window_shown, timeout=20_000) as shown:
        dialog.buttons.accepted.emit()
    win = shown.args[0]
    qtbot.addWidget(win)
    assert win.windowTitle() == "Một cửa — UBND PHƯỜNG THỤY KHUÊ"
    assert "Trần Văn Đức" in win.official_label.text()
    controller.shutdown()  # waits for the queued jobs, seeding included
    assert controller.services is not None


def test_demo_seeds_once(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from counter_app.services.context import open_services

    for _ in range(2):
        controller = AppController(QApplication.instance(), Settings(data_dir=tmp_path),
                                   demo=True)
        with qtbot.waitSignal(controller.login_shown, timeout=20_000) as shown:
            controller.start()
        qtbot.addWidget(shown.args[0])
        controller.shutdown()
    svc = open_services(tmp_path / "counter.db")
    assert svc.dossiers.count() == 300
    svc.close()


def test_empty_store_asks_for_setup(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    controller = AppController(QApplication.instance(), Settings(data_dir=tmp_path), demo=False)
    with qtbot.waitSignal(controller.setup_shown, timeout=20_000) as shown:
        controller.start()
    dialog = shown.args[0]
    qtbot.addWidget(dialog)
    values = {"agency_code": "000.00.12.H26", "agency_name": "UBND Phường Thụy Khuê",
              "place_name": "Hà Nội", "lookup_url_base": "https://dichvucong.example.vn/tra-cuu/",
              "full_name": "Nguyễn Thị Lan", "username": "lan", "password": "matkhau1",
              "password2": "matkhau1"}
    for key, value in values.items():
        dialog.fields[key].setText(value)
    with qtbot.waitSignal(controller.login_shown, timeout=20_000) as shown:
        dialog.buttons.accepted.emit()
    login = shown.args[0]
    qtbot.addWidget(login)
    services = controller.services
    assert services is not None
    assert services.catalogue.list_procedures(on=services.clock.now().date())
    controller.shutdown()


def test_setup_password_mismatch(qtbot):  # type: ignore[no-untyped-def]
    from ui.setup_dialog import SetupDialog

    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    dialog.fields["password"].setText("abcdef")
    dialog.fields["password2"].setText("abcdeg")
    dialog.buttons.accepted.emit()
    assert dialog._errors["password2"].text() == "Hai lần nhập mật khẩu không khớp."
