"""Entry points for the kiosk and hall-display processes (``counter-app --kiosk`` / ``--display``)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from counter_app.services.context import AppServices
from ui.queue.display import DisplayPresenter, HallDisplayWindow
from ui.queue.kiosk import KioskPresenter, KioskWindow
from ui.queue.speech import Announcer
from ui.queue.ticket_output import TicketPrinter
from ui.tasks import TaskRunner


def _app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("MotCua")
    app.setApplicationName("Một cửa")
    return app


def run_kiosk(services: AppServices, *, fullscreen: bool = True,
              queue: object | None = None) -> int:
    """Run the citizens' kiosk until an official leaves it with the PIN; the exit code."""
    from PySide6.QtCore import Qt

    app = _app()
    runner = TaskRunner()
    window = KioskWindow()
    printer = TicketPrinter(runner, services.queue.printer_config("kiosk"), parent=window)
    presenter = KioskPresenter(window, services, runner, printer, parent=window, queue=queue)
    presenter.unlocked.connect(app.quit)
    presenter.start()
    window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, fullscreen)
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, fullscreen)
    window.showFullScreen() if fullscreen else window.show()
    code = app.exec()
    runner.wait_idle()
    return int(code)


def run_display(services: AppServices, *, screen_index: int | None = None) -> int:
    """Run the hall display full screen on a screen (default: the last, i.e. the TV)."""
    app = _app()
    runner = TaskRunner()
    window = HallDisplayWindow()
    rules = services.queue.settings()
    announcer = Announcer(runner, zero_tens=rules.zero_tens, parent=window)
    presenter = DisplayPresenter(window, services, runner, announcer=announcer, parent=window)
    screens = QGuiApplication.screens()
    if screens:
        index = len(screens) - 1 if screen_index is None else screen_index
        screen = screens[max(0, min(index, len(screens) - 1))]
        window.setScreen(screen)
        window.move(screen.geometry().topLeft())
    presenter.start()
    window.showFullScreen()
    code = app.exec()
    presenter.stop()
    runner.wait_idle()
    return int(code)
