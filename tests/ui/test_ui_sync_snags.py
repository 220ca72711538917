"""Issue 11, sync: enrolment for admins only and worded in Vietnamese; the status bar offline."""

from __future__ import annotations

from pathlib import Path

from counter_app.sync.settings import SyncSettings
from ui.sync.dialogs import EnrolDialog
from ui.sync.presenter import SyncPresenter
from ui.sync.status_widget import SyncStatusWidget

FAST = SyncSettings(batch_size=50, timeout_s=2, connect_timeout_s=1, interval_s=3600,
                    max_backoff_s=3600)


def _presenter(qtbot, ui_services, runner, tmp_path: Path, who):  # type: ignore[no-untyped-def]
    widget = SyncStatusWidget()
    qtbot.addWidget(widget)
    presenter = SyncPresenter(widget, ui_services, runner, tmp_path / "data", settings=FAST,
                              official=who)
    return widget, presenter


def test_status_bar_shows_waiting_events_before_any_server(qtbot, ui_services, runner,  # type: ignore[no-untyped-def]
                                                            official, tmp_path):
    widget, presenter = _presenter(qtbot, ui_services, runner, tmp_path, official)
    presenter.start()
    qtbot.waitUntil(lambda: widget.label.text() == "Chưa đăng ký máy chủ", timeout=10_000)
    # the demo ward's own events wait for a server that is not there yet
    qtbot.waitUntil(lambda: widget.pending.text() not in ("", "Chờ gửi: 0"), timeout=10_000)
    assert widget.pending.text().startswith("Chờ gửi: ")
    assert widget.last.text() == "Chưa đồng bộ lần nào"
    presenter.stop()


def test_enrolment_is_for_admins_only(qtbot, ui_services, runner, official, tmp_path):  # type: ignore[no-untyped-def]
    widget, presenter = _presenter(qtbot, ui_services, runner, tmp_path, official)
    assert not widget.enrol_action.isVisible()
    presenter.show_enrol()
    assert presenter._dialog is None


def test_enrolment_errors_are_vietnamese(qtbot, ui_services, runner, tmp_path):  # type: ignore[no-untyped-def]
    admin = ui_services.accounts.login("admin", "admin123")
    _, presenter = _presenter(qtbot, ui_services, runner, tmp_path, admin)
    presenter.show_enrol()
    dialog = presenter._dialog
    assert isinstance(dialog, EnrolDialog)
    qtbot.addWidget(dialog)
    dialog.server.setText("mot-cua khong co dau")
    dialog.code.setText("K7QM-2XPA-9RTD")
    dialog.buttons.accepted.emit()
    assert "Địa chỉ máy chủ" in dialog.message.text()
    dialog.server.setText("https://mot-cua.example.vn")
    dialog.code.setText("ab")
    dialog.buttons.accepted.emit()
    assert "Mã đăng ký" in dialog.message.text()
    dialog.server.setText("http://127.0.0.1:9")  # nothing listens there
    dialog.code.setText("K7QM-2XPA-9RTD")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Không kết nối được" in dialog.message.text(), timeout=20_000)
    for raw in ("Errno", "validation error", "Connection refused", "httpx"):
        assert raw not in dialog.message.text()
