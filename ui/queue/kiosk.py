"""The kiosk: big touch buttons per service, a priority choice, silent printing, locked window."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.context import AppServices
from counter_app.services.queue_models import QueueServicePublic, TicketPublic
from printing.ticket import TicketData
from ui.queue.ticket_output import TicketPrinter
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)
PRIORITY_TEXT = ("☐  SỐ ƯU TIÊN\nngười cao tuổi, người khuyết tật, phụ nữ mang thai, "
                 "người có con nhỏ, thương binh")
RESET_MS = 8000
STYLE = """
#kiosk { background: #f3f6fb; }
QPushButton[role="service"] { background: #0b5cab; color: white; font-size: 32px;
    font-weight: bold; border-radius: 22px; padding: 16px; min-height: 110px; }
QPushButton[role="service"]:pressed { background: #084785; }
QPushButton[role="priority"] { background: white; color: #8a4b00; font-size: 22px;
    border: 3px solid #e0a030; border-radius: 18px; padding: 12px; }
QPushButton[role="priority"]:checked { background: #ffc857; color: #3b2500; font-weight: bold; }
QPushButton[role="exit"] { background: transparent; color: #b8c2d0; border: none;
    font-size: 18px; }
QLabel#title { color: #0b2545; font-size: 44px; font-weight: bold; }
QLabel#subtitle { color: #33475b; font-size: 26px; }
QLabel#message { color: #0b2545; font-size: 30px; background: white; border-radius: 18px;
    padding: 18px; }
QLabel#number { color: #c0392b; font-size: 110px; font-weight: bold; }
"""


class KioskWindow(QWidget):
    """The citizen's screen. Cannot be closed except by ``unlock()`` (after the PIN)."""

    issue_requested = Signal(str, bool)
    """A service button was pressed: prefix, priority."""
    reprint_requested = Signal()
    """Print the last ticket again (after a printer failure)."""
    exit_requested = Signal()
    """The hidden official's button: ask for the PIN."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk")
        self.setWindowTitle("Lấy số thứ tự")
        self.setStyleSheet(STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._unlocked = False
        self.title = QLabel("", objectName="title", alignment=Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel("Mời quý công dân chọn lĩnh vực cần giải quyết",
                               objectName="subtitle", alignment=Qt.AlignmentFlag.AlignCenter)
        self.exit_button = QPushButton("⚙")
        self.exit_button.setProperty("role", "exit")
        self.exit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.exit_button.clicked.connect(self.exit_requested)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.exit_button, 0, Qt.AlignmentFlag.AlignTop)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.priority_button = QPushButton(PRIORITY_TEXT)
        self.priority_button.setProperty("role", "priority")
        self.priority_button.setCheckable(True)
        self.priority_button.toggled.connect(self._on_priority_toggled)
        self.priority_button.setSizePolicy(QSizePolicy.Policy.Ignored,
                                           QSizePolicy.Policy.Preferred)
        self.number_label = QLabel("", objectName="number", alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel("", objectName="message", alignment=Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.reprint_button = QPushButton("In lại phiếu")
        self.reprint_button.setProperty("role", "priority")
        self.reprint_button.clicked.connect(self.reprint_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(22)
        layout.addLayout(head)
        layout.addWidget(self.subtitle)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.priority_button)
        layout.addWidget(self.number_label)
        layout.addWidget(self.message)
        layout.addWidget(self.reprint_button, 0, Qt.AlignmentFlag.AlignCenter)
        self.buttons: dict[str, QPushButton] = {}
        self.show_idle()
        self.resize(1280, 1024)

    def set_ward(self, name: str) -> None:
        """The ward's name at the top."""
        self.title.setText(name)

    def set_services(self, services: list[QueueServicePublic]) -> None:
        """One big button per service, two per row."""
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons = {}
        for i, svc in enumerate(services):
            button = QPushButton(f"{svc.prefix}\n{two_lines(svc.name)}")
            button.setProperty("role", "service")
            # Equal columns whatever the name's length (long names shrink, never widen).
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("prefix", svc.prefix)
            button.clicked.connect(self._on_service_button_clicked)
            self.grid.addWidget(button, i // 2, i % 2)
            self.buttons[svc.prefix] = button

    @Slot(bool)
    def _on_priority_toggled(self, checked: bool) -> None:
        self.priority_button.setText(PRIORITY_TEXT.replace("☐", "☑" if checked else "☐"))

    @Slot()
    def _on_service_button_clicked(self) -> None:
        button = self.sender()
        if isinstance(button, QPushButton):
            self.issue_requested.emit(str(button.property("prefix")),
                                      self.priority_button.isChecked())

    def set_busy(self, busy: bool) -> None:
        """Ignore taps while a ticket is being issued (no double tickets)."""
        for button in self.buttons.values():
            button.setEnabled(not busy)

    def show_idle(self) -> None:
        """Back to the start screen."""
        self.priority_button.setChecked(False)
        self.number_label.setText("")
        self.message.setText("Chạm vào lĩnh vực để lấy số. Phiếu sẽ được in tự động.")
        self.reprint_button.hide()

    def show_ticket(self, ticket: TicketPublic) -> None:
        """The number just issued, large, while the ticket prints."""
        self.number_label.setText(ticket.number)
        ahead = "không có ai" if ticket.waiting_ahead == 0 else f"{ticket.waiting_ahead} người"
        self.message.setText(f"Số của quý công dân: {ticket.number} — {ticket.service_name}.\n"
                             f"Đang chờ trước: {ahead}. Vui lòng nhận phiếu.")
        self.reprint_button.hide()

    def show_print_failed(self, number: str) -> None:
        """The printer failed: the number stands, tell the citizen kindly."""
        self.message.setText(f"Xin lỗi, máy in đang gặp sự cố. Số của quý công dân là {number} "
                             "— xin ghi nhớ số này và chờ gọi, hoặc báo cán bộ.")
        self.reprint_button.show()

    def show_error(self, text: str) -> None:
        """A message for the citizen."""
        self.message.setText(text)

    # --- locking ---------------------------------------------------------------------------

    def unlock(self) -> None:
        """Let the window close (an official gave the PIN)."""
        self._unlocked = True

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        """Refuse to close (Alt+F4, the window manager) unless unlocked."""
        if self._unlocked:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        """Swallow every key: Esc, Alt+F4, Ctrl+W do nothing at a kiosk."""
        event.accept()

    def event(self, event: QEvent) -> bool:  # Qt's name
        """Keep shortcuts from reaching anything (ShortcutOverride)."""
        if event.type() == QEvent.Type.ShortcutOverride and not self._unlocked:
            event.accept()
            return True
        return super().event(event)


class PinDialog(QDialog):
    """An on-screen keypad for the official's PIN (the kiosk has no keyboard)."""

    pin_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mã PIN cán bộ")
        self.setModal(True)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setStyleSheet("font-size: 32px; padding: 8px;")
        self.status = QLabel("Nhập mã PIN để thoát chế độ kiosk")
        grid = QGridLayout()
        for i, key in enumerate("123456789⌫0✓"):
            button = QPushButton(key)
            button.setMinimumSize(90, 72)
            button.setStyleSheet("font-size: 28px;")
            button.clicked.connect(self._on_key_clicked)
            grid.addWidget(button, i // 3, i % 3)
        cancel = QPushButton("Hủy")
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.edit)
        layout.addLayout(grid)
        layout.addWidget(cancel)
        self.edit.returnPressed.connect(self._submit)

    @Slot()
    def _on_key_clicked(self) -> None:
        button = self.sender()
        key = button.text() if isinstance(button, QPushButton) else ""
        if key == "⌫":
            self.edit.backspace()
        elif key == "✓":
            self._submit()
        else:
            self.edit.insert(key)

    def _submit(self) -> None:
        self.pin_entered.emit(self.edit.text())

    def refuse(self) -> None:
        """Wrong PIN."""
        self.edit.clear()
        self.status.setText("Mã PIN không đúng.")


class KioskPresenter(QObject):
    """Issues on the DB thread, prints on the I/O pool; the window never waits."""

    ticket_issued = Signal(object)
    """A ticket was stored (TicketPublic) — before printing."""
    ticket_printed = Signal(str)
    print_failed = Signal(str, str)
    """number, Vietnamese message (the ticket stays issued)."""
    unlocked = Signal()

    def __init__(self, view: KioskWindow, services: AppServices, runner: TaskRunner,
                 printer: TicketPrinter, parent: QObject | None = None,
                 queue: object | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._services = services
        self._queue = queue  # the ward hub's queue (counter_app.hub.port) on a paired kiosk
        self._runner = runner
        self._printer = printer
        self._last: TicketData | None = None
        self._dialog: PinDialog | None = None
        self._reset = QTimer(self)
        self._reset.setSingleShot(True)
        self._reset.setInterval(RESET_MS)
        self._reset.timeout.connect(view.show_idle)
        view.issue_requested.connect(self._on_view_issue_requested)
        view.reprint_requested.connect(self._on_view_reprint_requested)
        view.exit_requested.connect(self._on_view_exit_requested)
        printer.printed.connect(self._on_printer_printed)
        printer.failed.connect(self._on_printer_failed)

    def start(self) -> None:
        """Load the ward and its services."""
        task = self._runner.run_db(_kiosk_setup, self._services)
        task.succeeded.connect(self._on_setup_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_setup_succeeded(self, result: tuple[str, list[QueueServicePublic]]) -> None:
        self.view.set_ward(result[0])
        self.view.set_services(result[1])

    @Slot(str, bool)
    def _on_view_issue_requested(self, prefix: str, priority: bool) -> None:
        self.view.set_busy(True)
        if self._queue is None:
            task = self._runner.run_db(_issue, self._services, prefix, priority)
        else:  # numbered by the hub, over the network: the I/O pool
            task = self._runner.run_io(_issue, self._services, prefix, priority, self._queue)
        task.succeeded.connect(self._on_issue_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_issue_succeeded(self, result: tuple[TicketPublic, TicketData]) -> None:
        ticket, data = result
        self.view.set_busy(False)
        self.view.show_ticket(ticket)
        self._last = data
        self.ticket_issued.emit(ticket)
        self._printer.print_ticket(data)
        self._reset.start()

    @Slot()
    def _on_view_reprint_requested(self) -> None:
        if self._last is not None:
            self._printer.print_ticket(self._last)

    @Slot(str)
    def _on_printer_printed(self, number: str) -> None:
        self.ticket_printed.emit(number)

    @Slot(str, str)
    def _on_printer_failed(self, number: str, message: str) -> None:
        log.warning("kiosk: ticket %s issued but not printed: %s", number, message)
        self.view.show_print_failed(number)
        self._reset.start(RESET_MS * 2)
        self.print_failed.emit(number, message)

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.set_busy(False)
        self.view.show_error(getattr(exc, "message_vi", None)
                             or "Xin lỗi, hệ thống đang bận. Vui lòng thử lại hoặc báo cán bộ.")

    @Slot()
    def _on_view_exit_requested(self) -> None:
        self._dialog = PinDialog(self.view)
        self._dialog.pin_entered.connect(self._on_dialog_pin_entered)
        self._dialog.open()

    @Slot(str)
    def _on_dialog_pin_entered(self, pin: str) -> None:
        task = self._runner.run_db(self._services.queue.check_kiosk_pin, pin)
        task.succeeded.connect(self._on_pin_checked)

    @Slot(object)
    def _on_pin_checked(self, ok: bool) -> None:
        if self._dialog is None:
            return
        if not ok:
            self._dialog.refuse()
            return
        self._dialog.accept()
        self.view.unlock()
        self.unlocked.emit()
        self.view.close()


def two_lines(name: str, limit: int = 22) -> str:
    """A long service name broken into two balanced lines for a button."""
    words = name.split()
    if len(name) <= limit or len(words) < 2:
        return name
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i]))
                                                      - len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _kiosk_setup(services: AppServices) -> tuple[str, list[QueueServicePublic]]:
    services.queue.ensure_defaults()
    return services.accounts.ward().agency_name, services.queue.services()


def _issue(services: AppServices, prefix: str, priority: bool,
           queue: object | None = None) -> tuple[TicketPublic, TicketData]:
    ticket = (queue or services.queue).issue(prefix, priority=priority)  # type: ignore[attr-defined]
    return ticket, services.queue.ticket_print_data(ticket)
