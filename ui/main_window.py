"""The main window only assembles: tabs, menu, status bar. Behaviour lives in presenters."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from counter_app.services.accounts import OfficialPublic, WardPublic
from counter_app.services.context import AppServices
from ui.dossiers.presenter import DossierListPresenter
from ui.dossiers.table_model import DossierTableModel
from ui.dossiers.view import DossierListView
from ui.intake.presenter import IntakePresenter
from ui.intake.view import IntakeView
from ui.printing import PrintSettings, ReceiptOutput
from ui.queue.counter_panel import CounterQueuePanel, CounterQueuePresenter
from ui.queue.stats_view import QueueStatsPresenter, QueueStatsView
from ui.tasks import TaskRunner


class MainWindow(QMainWindow):
    """Queue, intake, dossier list and queue statistics in tabs; sync widget in ``sync_slot``."""

    logout_requested = Signal()
    closed = Signal()
    """The window was closed (quit, unless the official is logging out)."""

    def __init__(self, services: AppServices, runner: TaskRunner, official: OfficialPublic,
                 ward: WardPublic, print_settings: PrintSettings | None = None,
                 hub_queue: object | None = None) -> None:
        super().__init__()
        self._services, self._runner, self._official = services, runner, official
        self.setWindowTitle(f"Một cửa — {ward.agency_name}")
        self.resize(1280, 800)
        settings = print_settings or PrintSettings()
        self.output = ReceiptOutput(runner, settings, self)
        self.intake_view = IntakeView()
        self.intake = IntakePresenter(self.intake_view, services, runner, official,
                                      output=self.output, counter_no=ward.counter_no,
                                      receipt_page=settings.receipt_page, parent=self)
        self.list_view = DossierListView(DossierTableModel(self))
        self.dossiers = DossierListPresenter(self.list_view, services, runner,
                                             output=self.output,
                                             receipt_page=settings.receipt_page, parent=self)
        self.intake.dossier_received.connect(self.dossiers.on_dossier_received)
        self.queue_view = CounterQueuePanel()
        self.queue = CounterQueuePresenter(self.queue_view, services, runner,
                                           counter_no=ward.counter_no, official_id=official.id,
                                           parent=self, queue=hub_queue)
        self.intake.dossier_received.connect(self.queue.on_dossier_received)
        self.stats_view = QueueStatsView()
        self.stats = QueueStatsPresenter(self.stats_view, services, runner, parent=self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue_view, "Hàng đợi")
        self.tabs.addTab(self.intake_view, "Tiếp nhận hồ sơ")
        self.tabs.addTab(self.list_view, "Danh sách hồ sơ")
        self.tabs.addTab(self.stats_view, "Thống kê hàng đợi")
        self.tabs.setCurrentWidget(self.intake_view)
        self.setCentralWidget(self.tabs)
        self._build_menu()
        self._build_status(official, ward)
        self.output.message.connect(self.statusBar().showMessage)

    def start(self) -> None:
        """Load the catalogue and today's dossiers."""
        self.intake.start()
        self.dossiers.refresh()
        self.queue.start()
        self.stats.refresh()
        self.intake_view.focus_scan()

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Tệp")
        self._action(file_menu, "Cài đặt / Quản trị…", QKeySequence("Ctrl+,"), self._on_settings)
        self._action(file_menu, "Máy chủ phường (hub)…", None, self._on_hub_settings)
        self._action(file_menu, "Đăng xuất", None, self.logout_requested.emit)
        file_menu.addSeparator()
        self._action(file_menu, "Thoát", QKeySequence.StandardKey.Quit, self.close)
        dossier_menu = self.menuBar().addMenu("&Hồ sơ")
        self._action(dossier_menu, "Tiếp nhận mới", QKeySequence("Ctrl+N"), self._on_new_intake)
        self._action(dossier_menu, "Danh sách", QKeySequence("F3"), self._on_show_list)
        self._action(dossier_menu, "Làm mới danh sách", QKeySequence("F5"), self.dossiers.refresh)
        help_menu = self.menuBar().addMenu("Trợ &giúp")
        self._action(help_menu, "Phím tắt", QKeySequence("F1"), self._on_help)

    def _on_hub_settings(self) -> None:
        from ui.hub.settings_dialog import open_hub_settings

        open_hub_settings(self, self._services, self._runner)

    def _action(self, menu, text: str, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_status(self, official: OfficialPublic, ward: WardPublic) -> None:
        bar = self.statusBar()
        self.official_label = QLabel(f"Cán bộ: {official.full_name}")
        self.counter_label = QLabel(f"Quầy số {ward.counter_no}")
        bar.addWidget(self.official_label)
        bar.addWidget(self.counter_label)
        self.sync_slot = QWidget(objectName="sync_slot")  # filled by the sync status widget
        QHBoxLayout(self.sync_slot).setContentsMargins(0, 0, 0, 0)
        bar.addPermanentWidget(self.sync_slot)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.queue.stop()
        self.closed.emit()
        super().closeEvent(event)

    @Slot()
    def _on_settings(self) -> None:
        from ui.admin.settings_dialog import open_settings

        dialog = open_settings(self, self._services, self._runner, self._official,
                               self.output.settings)
        dialog.print_settings_changed.connect(self._on_print_settings_changed)

    @Slot(object)
    def _on_print_settings_changed(self, settings: PrintSettings) -> None:
        self.output.settings = settings  # printers and after-receive apply at once

    @Slot()
    def _on_new_intake(self) -> None:
        self.tabs.setCurrentWidget(self.intake_view)
        self.intake_view.focus_scan()

    @Slot()
    def _on_show_list(self) -> None:
        self.tabs.setCurrentWidget(self.list_view)
        self.list_view.search_edit.setFocus()

    @Slot()
    def _on_help(self) -> None:
        QMessageBox.information(self, "Phím tắt", (
            "Quét CCCD: đặt con trỏ vào ô Quét CCCD, quét mã QR (máy quét tự nhấn Enter).\n"
            "Ctrl+Enter: Tiếp nhận hồ sơ.\nEsc: Làm mới biểu mẫu.\n"
            "Ctrl+N: Tiếp nhận mới.   F3: Danh sách hồ sơ.   F5: Làm mới danh sách."))
