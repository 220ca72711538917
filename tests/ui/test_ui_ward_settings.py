"""Issue 11, settings an admin needs: ward profile, counter number, queue services, kiosk PIN."""

from __future__ import annotations

from escpos.printer import Dummy
from PySide6.QtWidgets import QPushButton

from counter_app.services.ward_settings import WardSettingsService
from ui.admin.ward import WardSettingsPresenter, WardSettingsView
from ui.queue.kiosk import KioskPresenter, KioskWindow
from ui.queue.ticket_output import TicketPrinter


def _tab(qtbot, ui_services, runner, who):  # type: ignore[no-untyped-def]
    view = WardSettingsView()
    qtbot.addWidget(view)
    presenter = WardSettingsPresenter(view, WardSettingsService(ui_services.engine,
                                                                ui_services.clock),
                                      ui_services.queue, runner, who)
    with qtbot.waitSignal(presenter.loaded, timeout=10_000):
        presenter.refresh()
    return view, presenter


def test_admin_sets_counter_number_and_ward_name(qtbot, ui_services, runner):  # type: ignore[no-untyped-def]
    admin = ui_services.accounts.login("admin", "admin123")
    view, presenter = _tab(qtbot, ui_services, runner, admin)
    view.counter_spin.setValue(5)
    view.edits["agency_name"].setText("UBND phường Ngọc Hà")
    view.two_copies.setChecked(True)
    with qtbot.waitSignal(presenter.saved, timeout=10_000):
        view.save_button.click()
    ward = ui_services.accounts.ward()
    assert (ward.counter_no, ward.agency_name) == (5, "UBND PHƯỜNG NGỌC HÀ")


def test_bad_lookup_address_is_worded_at_its_field(qtbot, ui_services, runner):  # type: ignore[no-untyped-def]
    admin = ui_services.accounts.login("admin", "admin123")
    view, _ = _tab(qtbot, ui_services, runner, admin)
    view.edits["lookup_url_base"].setText("tracuu.vn")
    view.save_button.click()
    qtbot.waitUntil(lambda: bool(view.errors.labels["lookup_url_base"].text()), timeout=10_000)


def test_admin_adds_a_queue_service_for_counters(qtbot, ui_services, runner):  # type: ignore[no-untyped-def]
    admin = ui_services.accounts.login("admin", "admin123")
    view, _ = _tab(qtbot, ui_services, runner, admin)
    view.prefix_edit.setText("D")
    view.service_name_edit.setText("Đất đai")
    view.counters_edit.setText("2, 3")
    view.service_button.click()
    qtbot.waitUntil(lambda: any(s.prefix == "D" for s in ui_services.queue.services()),
                    timeout=10_000)
    [d] = [s for s in ui_services.queue.services() if s.prefix == "D"]
    assert d.counters == (2, 3)


def test_pin_set_here_lets_the_keypad_alone_leave_the_kiosk(qtbot, ui_services, runner):  # type: ignore[no-untyped-def]
    admin = ui_services.accounts.login("admin", "admin123")
    view, _presenter = _tab(qtbot, ui_services, runner, admin)
    view.pin_edit.setText("2468")
    view.pin_button.click()
    qtbot.waitUntil(lambda: "PIN" in view.status.text(), timeout=10_000)

    kiosk = KioskWindow()
    qtbot.addWidget(kiosk)
    kp = KioskPresenter(kiosk, ui_services, runner,
                        TicketPrinter(runner, {"kind": "dummy"}, printer=Dummy()))
    kiosk.show()
    kiosk.exit_button.click()
    keys = {b.text(): b for b in kp._dialog.findChildren(QPushButton)}
    with qtbot.waitSignal(kp.unlocked, timeout=10_000):
        for key in "2468✓":
            keys[key].click()
    assert not kiosk.isVisible()
