"""The GUI application: open the store, first-run setup or login, then the main window."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from counter_app.config import Settings
from counter_app.logs import setup_logging
from ui.login_dialog import LoginDialog, LoginPresenter
from ui.style import apply_style
from ui.tasks import TaskRunner

# Start-up speed: the login window shows before the database layer is imported, and is usable
# once the store is open and the ward read (only the accounts service is needed). The main
# window's modules (reportlab, openpyxl, the queue) load on a worker once the login is on
# screen, while the official types; the daily backup starts then too, on its own thread.
if TYPE_CHECKING:
    from counter_app.hub.port import HubQueuePort
    from counter_app.services.accounts import OfficialPublic, WardPublic
    from counter_app.services.context import AppServices
    from ui.main_window import MainWindow
    from ui.sync.presenter import SyncPresenter

log = logging.getLogger(__name__)
DEMO_SEED_COUNT = 300
DEMO_LOGIN = ("canbo", "canbo123")
BackupFn = Callable[..., object]
"""``backup(db_path, backup_dir, now, *, cancelled)``: the daily backup (injectable)."""


@dataclass(frozen=True)
class StoreState:
    """What the GUI needs to know after opening the store."""

    services: AppServices
    set_up: bool
    enrolled: object | None = None  # WardSetup written by an enrolment, when not set up yet


def open_store(db_path: Path, demo: bool) -> StoreState:
    """Open and migrate the store; in demo mode create the demo ward (DB thread)."""
    from counter_app.services.context import open_services

    services = open_services(db_path)
    if demo and not services.accounts.is_set_up():
        from counter_app.services.demo import ensure_demo_ward

        ensure_demo_ward(services.engine, services.clock)
    set_up = services.accounts.is_set_up()
    return StoreState(services, set_up, None if set_up else services.accounts.enrolled_ward())


def warm_up(services: AppServices) -> None:
    """Import the main window and build the services it uses (a worker, during the login)."""
    services.warm_up()
    import ui.main_window  # noqa: F401


def seed_demo_once(services: AppServices) -> int:
    """Demo start: the catalogue if missing; a few hundred dossiers the first time (DB thread)."""
    from counter_app.services.demo import seed_dossiers

    services.catalogue.load_default()
    if services.dossiers.count():
        return 0
    return seed_dossiers(services.engine, services.clock, DEMO_SEED_COUNT)


class AppController(QObject):
    """Walks the start-up sequence with signals; never blocks the GUI thread."""

    setup_shown = Signal(object)
    """The first-run SetupDialog is on screen."""
    login_shown = Signal(object)
    """The LoginDialog is on screen."""
    window_shown = Signal(object)
    """The MainWindow is on screen."""
    first_window_shown = Signal(object)
    """The login dialog is on screen, still waiting for the store to open."""

    backup_finished = Signal(object)
    """The daily backup ended: the copy's Path, None if not due, or the exception."""

    def __init__(self, app: QApplication, settings: Settings, *, demo: bool,
                 backup: BackupFn | None = None) -> None:
        super().__init__()
        self._backup = backup
        self._backup_started = False
        self._stopping = threading.Event()
        self._app = app
        self._settings = settings
        self._demo = demo
        self.runner = TaskRunner(self)
        self.services: AppServices | None = None
        self.window: MainWindow | None = None
        self._dialogs: list[object] = []
        self._logging_out = False
        self._login: LoginDialog | None = None
        self.sync: SyncPresenter | None = None
        self._hub: HubQueuePort | None = None  # the ward hub's queue on a paired counter

    def start(self) -> None:
        """Show the login window at once, and open the store on the DB thread meanwhile."""
        self._login = LoginDialog("Đang mở dữ liệu…")
        self._login.set_busy(True)
        self._login.rejected.connect(self._app.quit)
        self._login.show()
        self.first_window_shown.emit(self._login)
        task = self.runner.run_db(open_store, self._settings.db_path, self._demo)
        task.succeeded.connect(self._on_open_succeeded)
        task.failed.connect(self._on_fatal)

    @Slot(object)
    def _on_open_succeeded(self, state: StoreState) -> None:
        self.services = state.services
        if state.set_up:
            self._load_ward()  # queued first: the login dialog shows while seeding runs
        if self._demo:
            seed = self.runner.run_db(seed_demo_once, state.services)
            seed.failed.connect(self._on_seed_failed)
        if state.set_up:
            return
        from ui.setup_dialog import SetupDialog, SetupPresenter

        if self._login is not None:  # first run: the setup dialog comes first
            self._login.rejected.disconnect(self._app.quit)
            self._login.deleteLater()
            self._login = None
        dialog = SetupDialog()
        if state.enrolled is not None:  # enrolled from the command line: only the admin is asked
            dialog.prefill_ward(state.enrolled)
        self._dialogs = [dialog, SetupPresenter(dialog, state.services, self.runner, self)]
        dialog.accepted.connect(self._load_ward)
        dialog.rejected.connect(self._app.quit)
        dialog.show()
        self.setup_shown.emit(dialog)

    def _after_login_shown(self) -> None:
        """Once per run, when the login is usable: warm the main window, start the backup."""
        if self._backup_started:
            return
        self._backup_started = True
        assert self.services is not None
        self.runner.run_io(warm_up, self.services)
        backup = self._backup
        if backup is None:
            from counter_app.services.backup import backup_if_due as backup
        task = self.runner.run_long(backup, self._settings.db_path, self._settings.backup_dir,
                                    self.services.clock.now(), cancelled=self._stopping.is_set)
        task.succeeded.connect(self.backup_finished)
        task.failed.connect(self._on_backup_failed)

    @Slot(object)
    def _on_backup_failed(self, exc: BaseException) -> None:
        if not self._stopping.is_set():
            log.error("daily backup failed: %s", exc)
        self.backup_finished.emit(exc)

    @Slot()
    def _load_ward(self) -> None:
        assert self.services is not None
        task = self.runner.run_db(self.services.accounts.ward)
        task.succeeded.connect(self._on_ward_succeeded)
        task.failed.connect(self._on_fatal)

    @Slot(object)
    def _on_ward_succeeded(self, ward: WardPublic) -> None:
        assert self.services is not None
        self._ward = ward
        dialog = self._login
        self._login = None
        if dialog is None:
            dialog = LoginDialog(ward.agency_name)
            dialog.rejected.connect(self._app.quit)
        dialog.set_ward_name(ward.agency_name)
        dialog.set_busy(False)
        if self._demo:
            dialog.prefill(*DEMO_LOGIN)
        presenter = LoginPresenter(dialog, self.services.accounts, self.runner, self)
        presenter.logged_in.connect(self._on_logged_in)
        self._dialogs = [dialog, presenter]
        dialog.show()
        self.login_shown.emit(dialog)
        self._after_login_shown()

    @Slot(object)
    def _on_logged_in(self, official: OfficialPublic) -> None:
        assert self.services is not None
        log.info("login: %s", official.username)
        from ui.hub.launch import hub_port
        from ui.main_window import MainWindow
        from ui.printing import PrintSettings

        # A counter paired with the ward's hub calls its queue there (none when stand-alone).
        self._hub = hub_port(self.services, self._settings.data_dir,
                             counter_no=self._ward.counter_no)
        self.window = MainWindow(self.services, self.runner, official, self._ward,
                                 PrintSettings.load(), hub_queue=self._hub)
        self.window.logout_requested.connect(self._on_window_logout_requested)
        self.window.closed.connect(self._on_window_closed)
        self.window.show()
        self.window.start()
        self._start_sync(self.window, official)
        self.window_shown.emit(self.window)

    def _start_sync(self, window: MainWindow, official: OfficialPublic) -> None:
        """The sync status widget in the status bar and its background schedule."""
        assert self.services is not None
        from ui.sync.presenter import SyncPresenter
        from ui.sync.status_widget import SyncStatusWidget

        widget = SyncStatusWidget()
        layout = window.sync_slot.layout()
        if layout is not None:
            layout.addWidget(widget)
        self.sync = SyncPresenter(widget, self.services, self.runner, self._settings.data_dir,
                                  official=official, parent=window)
        self.sync.start()
        if self._hub is not None:
            from ui.hub.launch import link_window

            link_window(window, self._hub, self.sync)

    @Slot()
    def _on_window_logout_requested(self) -> None:
        if self.sync is not None:
            self.sync.stop()
            self.sync = None
        if self._hub is not None:
            self._hub.close()
            self._hub = None
        if self.window is not None:
            self._logging_out = True
            self.window.close()
            self.window.deleteLater()
            self.window = None
            self._logging_out = False
            self._on_ward_succeeded(self._ward)

    @Slot()
    def _on_window_closed(self) -> None:
        if not self._logging_out and self._hub is not None:
            self._hub.close()
            self._hub = None
        if not self._logging_out:
            self._app.quit()

    @Slot(object)
    def _on_seed_failed(self, exc: BaseException) -> None:
        log.error("demo seeding failed: %s", exc)

    @Slot(object)
    def _on_fatal(self, exc: BaseException) -> None:
        QMessageBox.critical(None, "Một cửa", "Không mở được dữ liệu: "
                             + (getattr(exc, "message_vi", None) or str(exc)))
        self._app.exit(1)

    def shutdown(self) -> None:
        """Stop syncing and the backup, let queued writes finish, then release the database."""
        self._stopping.set()
        if self.sync is not None:
            self.sync.stop()
        self.runner.wait_idle()
        if self.services is not None:
            self.services.close()


def run_gui(data_dir: Path | None, *, demo: bool, smoke: bool = False) -> int:
    """Start the Qt application; returns the process exit code.

    ``smoke`` (the frozen build's self-test) quits as soon as the login is usable: the store
    opened, migrated and the first window drawn.
    """
    from counter_app.config import demo_data_dir

    if data_dir is None and demo:
        data_dir = demo_data_dir()
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    settings.ensure_dirs()
    setup_logging(settings.log_dir, settings.log_level)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("MotCua")
    app.setApplicationName("Một cửa")
    app.setQuitOnLastWindowClosed(False)  # dialogs come and go between login and the window
    apply_style(app)
    controller = AppController(app, settings, demo=demo)
    if smoke:
        controller.login_shown.connect(lambda _dialog: _smoke_done(app))
    controller.start()
    code = app.exec()
    controller.shutdown()
    return int(code)


def _smoke_done(app: QApplication) -> None:
    """The smoke test reached a usable login: say so and quit."""
    print("smoke: login window ready", flush=True)
    QTimer.singleShot(0, app.quit)  # also when the login shows before the event loop runs
