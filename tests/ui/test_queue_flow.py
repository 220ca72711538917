"""Kiosk → counter → hall display → finish → statistics, with qtbot; kiosk lock; printer failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from escpos.printer import Dummy
from PySide6.QtCore import QDate, Qt

from counter_app.domain.clock import FixedClock
from counter_app.services.context import AppServices, open_services
from ui.queue.counter_panel import CounterQueuePanel, CounterQueuePresenter, WaitingTableModel
from ui.queue.display import DisplayPresenter, HallDisplayWindow
from ui.queue.kiosk import KioskPresenter, KioskWindow
from ui.queue.speech import Announcer
from ui.queue.stats_view import QueueStatsPresenter, QueueStatsView, StatsTableModel
from ui.queue.ticket_output import TicketPrinter


@pytest.fixture
def queue_services(ui_services: AppServices) -> AppServices:
    ui_services.queue.ensure_defaults()
    return ui_services


@pytest.fixture
def second(tmp_path: Path, ui_clock: FixedClock, queue_services: AppServices
           ) -> Iterator[AppServices]:
    """Another services instance on the same file: the counter window of another process."""
    svc = open_services(tmp_path / "c.db", ui_clock)
    yield svc
    svc.close()


def _kiosk(qtbot, services, runner, printer):  # type: ignore[no-untyped-def]
    view = KioskWindow()
    qtbot.addWidget(view)
    presenter = KioskPresenter(view, services, runner, printer, parent=view)
    presenter.start()
    qtbot.waitUntil(lambda: "A" in view.buttons, timeout=3000)
    view.unlock()  # lets qtbot close it at teardown
    return view, presenter


def test_kiosk_to_counter_to_display_to_stats(qtbot, runner, queue_services, second,  # type: ignore[no-untyped-def]
                                              ui_clock) -> None:
    dummy = Dummy()
    printer = TicketPrinter(runner, {"kind": "dummy"}, printer=dummy)
    kiosk, kiosk_presenter = _kiosk(qtbot, queue_services, runner, printer)

    display = HallDisplayWindow()
    qtbot.addWidget(display)
    announcer = Announcer(runner, use_tts=False, play=False)
    shown = DisplayPresenter(display, queue_services, runner, announcer=announcer)
    with qtbot.waitSignal(shown.board_shown, timeout=3000):
        shown.start()

    # 1. a citizen presses "A": a ticket is issued and its raster bytes reach the printer
    with qtbot.waitSignal(kiosk_presenter.ticket_printed, timeout=5000) as printed:
        qtbot.mouseClick(kiosk.buttons["A"], Qt.MouseButton.LeftButton)
    assert printed.args == ["A001"]
    assert dummy.output.startswith(b"\x1dv0\x00")  # GS v 0 raster image
    assert kiosk.number_label.text() == "A001"

    # 2. a counter window (another services instance on the same file) calls it
    panel = CounterQueuePanel()
    qtbot.addWidget(panel)
    counter = CounterQueuePresenter(panel, second, runner, counter_no=3, official_id=None)
    with qtbot.waitSignal(counter.state_changed, timeout=3000):
        counter.start()
    ui_clock.advance(minutes=7)
    with qtbot.waitSignal(announcer.announced, timeout=3000) as spoken:
        qtbot.mouseClick(panel.buttons["next"], Qt.MouseButton.LeftButton)
        # 3. the hall display shows it within one second (polling PRAGMA data_version)
        qtbot.waitUntil(lambda: display.newest_text() == "A001 đến QUẦY SỐ 3", timeout=1000)
    assert spoken.args == ["A001", "clips"]
    assert display.rows[0][0].text() == "A001" and display.rows[0][1].text() == "3"

    # 4. the official finishes it
    qtbot.waitUntil(lambda: counter.current is not None, timeout=2000)
    ui_clock.advance(minutes=4)
    qtbot.mouseClick(panel.buttons["finish"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: counter.current is None and panel.current_label.text() == "—",
                    timeout=2000)

    # 5. the statistics count it
    view = QueueStatsView()
    qtbot.addWidget(view)
    stats = QueueStatsPresenter(view, queue_services, runner)
    with qtbot.waitSignal(stats.stats_loaded, timeout=3000) as loaded:
        stats.refresh()
    total = loaded.args[0].total
    assert (total.tickets, total.served) == (1, 1)
    assert total.wait_avg == pytest.approx(7.0)
    assert total.service_avg == pytest.approx(4.0)
    assert [r.key for r in loaded.args[0].by_counter] == ["03"]
    shown.stop()
    counter.stop()


def test_kiosk_cannot_be_left_without_pin(qtbot, runner, queue_services) -> None:  # type: ignore[no-untyped-def]
    admin = queue_services.accounts.login("admin", "admin123")
    queue_services.queue.set_kiosk_pin(admin, "2468")
    view = KioskWindow()
    qtbot.addWidget(view)
    presenter = KioskPresenter(view, queue_services, runner,
                               TicketPrinter(runner, {"kind": "dummy"}, printer=Dummy()))
    view.show()
    qtbot.waitExposed(view)
    assert view.close() is False and view.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert view.isVisible()
    view.exit_button.click()
    dialog = presenter._dialog
    assert dialog is not None
    dialog.edit.setText("1111")
    with qtbot.waitSignal(dialog.edit.textChanged, timeout=3000):
        dialog.pin_entered.emit("1111")
    assert view.isVisible()
    with qtbot.waitSignal(presenter.unlocked, timeout=3000):
        dialog.pin_entered.emit("2468")
    assert not view.isVisible()


def test_printer_failure_keeps_ticket_and_offers_reprint(qtbot, runner, queue_services) -> None:  # type: ignore[no-untyped-def]
    printer = TicketPrinter(runner, {"kind": "network", "host": "127.0.0.1", "port": 9,
                                     "timeout": 1})
    view, presenter = _kiosk(qtbot, queue_services, runner, printer)
    view.show()
    with qtbot.waitSignal(presenter.print_failed, timeout=5000) as failed:
        qtbot.mouseClick(view.buttons["B"], Qt.MouseButton.LeftButton)
    number, message = failed.args
    assert number == "B001" and "Không in được" in message
    assert "B001" in view.message.text() and view.reprint_button.isVisible()
    assert queue_services.queue.counter_state(1).waiting[0].number == "B001"


def test_no_printer_configured_still_issues(qtbot, runner, queue_services) -> None:  # type: ignore[no-untyped-def]
    view, presenter = _kiosk(qtbot, queue_services, runner, TicketPrinter(runner, {}))
    with qtbot.waitSignal(presenter.print_failed, timeout=3000):
        qtbot.mouseClick(view.buttons["C"], Qt.MouseButton.LeftButton)
    assert view.number_label.text() == "C001"


def test_counter_panel_errors_are_worded(qtbot, runner, queue_services) -> None:  # type: ignore[no-untyped-def]
    queue_services.queue.issue("A")
    panel = CounterQueuePanel()
    qtbot.addWidget(panel)
    presenter = CounterQueuePresenter(panel, queue_services, runner, counter_no=1)
    with qtbot.waitSignal(presenter.state_changed, timeout=3000):
        presenter.start()
    assert panel.model.rowCount() == 1
    with qtbot.waitSignal(presenter.current_ticket_changed, timeout=3000):
        panel.call_number_requested.emit("A001")
    panel.no_show_requested.emit()  # too early: needs recalls first
    qtbot.waitUntil(lambda: "gọi lại" in panel.message.text(), timeout=3000)
    presenter.stop()


def test_models(qtmodeltester, queue_services, ui_clock) -> None:  # type: ignore[no-untyped-def]
    q = queue_services.queue
    q.issue("A")
    q.issue("B", priority=True)
    waiting = WaitingTableModel()
    waiting.set_rows(list(q.counter_state(1).waiting), ui_clock.now())
    qtmodeltester.check(waiting)
    stats = StatsTableModel()
    stats.set_stats(q.stats(ui_clock.now().date()))
    qtmodeltester.check(stats)
    assert QDate.currentDate().isValid()
