"""The "Cài đặt / Quản trị" dialog: tabs for printers (everyone) and, for administrators,
the procedure catalogue, the working calendar and the officials.

Printer settings belong to this PC and stay in QSettings (see ``ui.admin.printers``); the
catalogue, calendar and officials belong to the ward and are written to the database, each
change on the TaskRunner's DB thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from counter_app.domain.calendar import to_vn
from counter_app.services.accounts import OfficialPublic
from counter_app.services.admin import AdminService
from counter_app.services.context import AppServices
from counter_app.services.ward_settings import WardSettingsService
from ui.admin.calendar_presenter import CalendarPresenter
from ui.admin.calendar_view import CalendarView
from ui.admin.catalogue import CataloguePresenter, CatalogueView
from ui.admin.officials import OfficialsPresenter, OfficialsView
from ui.admin.printers import PrintersPresenter, PrintersView
from ui.admin.ward import WardSettingsPresenter, WardSettingsView
from ui.printing import PdfPrinter, PrintSettings
from ui.tasks import TaskRunner

TAB_TITLES = {
    "printers": "Máy in",
    "catalogue": "Danh mục thủ tục",
    "calendar": "Lịch làm việc",
    "officials": "Cán bộ",
    "ward": "Đơn vị và quầy",
}


class SettingsDialog(QDialog):
    """Tabs only; each tab is a view driven by its own presenter."""

    print_settings_changed = Signal(object)
    """This PC's new PrintSettings (saved in QSettings); the main window applies them."""

    def __init__(
        self, printers: PrintersView, admin_tabs: dict[str, QWidget], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cài đặt / Quản trị — Một cửa")
        self.resize(1080, 720)
        self.tabs = QTabWidget()
        self.pages: dict[str, QWidget] = {"printers": printers, **admin_tabs}
        for key, page in self.pages.items():
            self.tabs.addTab(page, TAB_TITLES[key])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        root = QVBoxLayout(self)
        root.addWidget(self.tabs, 1)
        root.addWidget(buttons)

    def tab_titles(self) -> list[str]:
        """The titles of the tabs shown, in order."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_tab(self, key: str) -> None:
        """Bring one tab to the front ("printers", "catalogue", "calendar", "officials")."""
        self.tabs.setCurrentWidget(self.pages[key])


class SettingsPresenters(QObject):
    """Builds a presenter per tab; the administrators' tabs only for an administrator."""

    def __init__(
        self,
        dialog_parent: QWidget | None,
        services: AppServices,
        runner: TaskRunner,
        official: OfficialPublic,
        print_settings: PrintSettings,
        *,
        qsettings: QSettings | None = None,
        printer_factory: Callable[[PrintSettings], PdfPrinter] | None = None,
    ) -> None:
        super().__init__()
        today = to_vn(services.clock.now()).date()
        self.printers = PrintersPresenter(
            PrintersView(QPrinterInfo.availablePrinterNames()),
            runner,
            services.accounts,
            official,
            print_settings,
            qsettings=qsettings,
            printer_factory=printer_factory,
            parent=self,
        )
        self.catalogue: CataloguePresenter | None = None
        self.calendar: CalendarPresenter | None = None
        self.officials: OfficialsPresenter | None = None
        self.ward: WardSettingsPresenter | None = None
        tabs: dict[str, QWidget] = {}
        if official.is_admin:
            admin = AdminService(services.engine, services.clock)
            self.catalogue = CataloguePresenter(
                CatalogueView(), services.catalogue, runner, official, today, self
            )
            self.calendar = CalendarPresenter(
                CalendarView(),
                services.calendar,
                admin,
                services.catalogue,
                runner,
                official,
                today,
                self,
            )
            self.officials = OfficialsPresenter(
                OfficialsView(), services.accounts, admin, runner, official, self
            )
            self.ward = WardSettingsPresenter(
                WardSettingsView(), WardSettingsService(services.engine, services.clock),
                services.queue, runner, official, self
            )
            tabs = {
                "catalogue": self.catalogue.view,
                "calendar": self.calendar.view,
                "officials": self.officials.view,
                "ward": self.ward.view,
            }
        self.dialog = SettingsDialog(self.printers.view, tabs, dialog_parent)
        self.setParent(self.dialog)  # the presenters live as long as the dialog
        self.printers.saved.connect(self.dialog.print_settings_changed)

    def start(self) -> None:
        """Read what the administrator's tabs show (on the DB thread)."""
        for presenter in (self.ward, self.catalogue, self.calendar, self.officials):
            if presenter is not None:
                presenter.refresh()


def open_settings(
    parent: QWidget | None,
    services: AppServices,
    runner: TaskRunner,
    official: OfficialPublic,
    print_settings: PrintSettings,
) -> SettingsDialog:
    """Show the settings dialog (non-modal) and return it; connect ``print_settings_changed``
    to apply new printer settings without restarting."""
    presenters = SettingsPresenters(parent, services, runner, official, print_settings)
    presenters.start()
    dialog = presenters.dialog
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
