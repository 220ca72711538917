"""The official's queue panel: current ticket, call/recall/start/finish/no-show/transfer, waiting list.

``CounterQueuePanel`` is a passive view (a tab or dock of the main window);
``CounterQueuePresenter`` holds the service and runs every action on the DB thread.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import local
from counter_app.domain.queue import STATUS_LABELS_VI
from counter_app.services.context import AppServices
from counter_app.services.queue_models import CounterStatePublic, TicketPublic
from ui.queue.watch import QueueWatch
from ui.tasks import TaskRunner

_Index = QModelIndex | QPersistentModelIndex


class WaitingTableModel(QAbstractTableModel):
    """Waiting tickets: number, service, priority, issue time, minutes waited."""

    HEADERS = ("Số", "Dịch vụ", "Ưu tiên", "Lấy số lúc", "Đã chờ (phút)")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TicketPublic] = []
        self._now = datetime.now(UTC)

    def set_rows(self, rows: list[TicketPublic], now: datetime) -> None:
        """Replace the rows (waited minutes computed against ``now``)."""
        self.beginResetModel()
        self._rows, self._now = list(rows), now
        self.endResetModel()

    def ticket(self, row: int) -> TicketPublic:
        """The ticket on a row."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        t = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (t.number, t.service_name, "Ưu tiên" if t.priority else "",
                    f"{local(t.issued_at):%H:%M}",
                    str(max(0, int((self._now - t.issued_at).total_seconds() // 60))))[
                index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class CounterQueuePanel(QWidget):
    """Passive view; every button is an intent signal."""

    call_next_requested = Signal()
    call_number_requested = Signal(str)
    recall_requested = Signal()
    start_requested = Signal()
    finish_requested = Signal()
    no_show_requested = Signal()
    transfer_requested = Signal(str, int)
    """Target service prefix ("" = same) and counter (0 = any)."""

    def __init__(self, model: WaitingTableModel | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model or WaitingTableModel(self)
        self.counter_label = QLabel("")
        self.current_label = QLabel("—")
        self.current_label.setStyleSheet("font-size: 56px; font-weight: bold; color: #0b5cab;")
        self.status_label = QLabel("")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for key, text, signal, row in (
            ("next", "Gọi số tiếp theo", self.call_next_requested, row1),
            ("recall", "Gọi lại", self.recall_requested, row1),
            ("start", "Bắt đầu phục vụ", self.start_requested, row1),
            ("finish", "Kết thúc", self.finish_requested, row2),
            ("no_show", "Vắng mặt", self.no_show_requested, row2),
        ):
            button = QPushButton(text)
            button.clicked.connect(signal)
            row.addWidget(button)
            self.buttons[key] = button
        self.buttons["next"].setStyleSheet("font-weight: bold;")
        self.transfer_service = QComboBox()
        self.transfer_counter = QSpinBox()
        self.transfer_counter.setRange(0, 99)
        self.transfer_counter.setSpecialValueText("quầy bất kỳ")
        self.buttons["transfer"] = QPushButton("Chuyển")
        self.buttons["transfer"].clicked.connect(self._on_transfer_clicked)
        for w in (QLabel("Chuyển sang:"), self.transfer_service, self.transfer_counter,
                  self.buttons["transfer"]):
            row2.addWidget(w)
        self.number_edit = QLineEdit(placeholderText="Gọi số cụ thể, ví dụ A012")
        self.number_edit.returnPressed.connect(self._on_number_entered)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(self.counter_label)
        head.addStretch(1)
        head.addWidget(self.status_label)
        layout.addLayout(head)
        layout.addWidget(self.current_label, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.message)
        layout.addWidget(self.number_edit)
        layout.addWidget(self.table, 1)

    def set_state(self, state: CounterStatePublic, now: datetime) -> None:
        """Show the counter's current ticket and the waiting list."""
        cur = state.current
        self.counter_label.setText(f"Quầy số {state.counter_no} — {len(state.waiting)} số đang chờ")
        self.current_label.setText(cur.number if cur else "—")
        self.status_label.setText(
            f"{STATUS_LABELS_VI[cur.status.value]} · gọi lại {cur.recalls} lần" if cur else "")
        for key in ("recall", "no_show"):
            self.buttons[key].setEnabled(cur is not None and cur.status.value == "called")
        self.buttons["start"].setEnabled(cur is not None and cur.status.value == "called")
        for key in ("finish", "transfer"):
            self.buttons[key].setEnabled(cur is not None)
        self.buttons["next"].setEnabled(cur is None)
        self.model.set_rows(list(state.waiting), now)

    def set_services(self, items: list[tuple[str, str]]) -> None:
        """Transfer targets: (prefix, name)."""
        self.transfer_service.clear()
        self.transfer_service.addItem("(giữ dịch vụ)", "")
        for prefix, name in items:
            self.transfer_service.addItem(f"{prefix} · {name}", prefix)

    def set_message(self, text: str) -> None:
        """A line of feedback (errors in Vietnamese)."""
        self.message.setText(text)

    @Slot()
    def _on_transfer_clicked(self) -> None:
        self.transfer_requested.emit(str(self.transfer_service.currentData() or ""),
                                     self.transfer_counter.value())

    @Slot()
    def _on_number_entered(self) -> None:
        if self.number_edit.text().strip():
            self.call_number_requested.emit(self.number_edit.text().strip())
            self.number_edit.clear()

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.call_number_requested.emit(self.model.ticket(index.row()).number)


class CounterQueuePresenter(QObject):
    """Runs the counter's queue actions; refreshes on any change from any process."""

    state_changed = Signal(object)
    """The panel shows a new CounterStatePublic."""
    current_ticket_changed = Signal(object)
    """The ticket now called or served here (TicketPublic) or None."""

    def __init__(self, view: CounterQueuePanel, services: AppServices, runner: TaskRunner, *,
                 counter_no: int, official_id: int | None = None,
                 parent: QObject | None = None, queue: object | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._services = services
        # On a PC paired with the ward's hub, ``queue`` is the hub's (counter_app.hub.port).
        self._queue = queue or services.queue
        # The hub answers over the network: its calls go to the I/O pool, never the DB thread.
        self._run = runner.run_db if queue is None else runner.run_io
        self._runner = runner
        self.counter_no = counter_no
        self._official_id = official_id
        self.current: TicketPublic | None = None
        self.watch = QueueWatch(services.engine, self._queue, self)
        self.watch.changed.connect(self.refresh)
        self.watch.queue_changed.connect(self.refresh)
        q, who = self._queue, {"official_id": official_id}
        view.call_next_requested.connect(lambda: self._act(q.call_next, counter_no, **who))
        view.call_number_requested.connect(
            lambda n: self._act(q.call, n, counter_no, **who))
        view.recall_requested.connect(lambda: self._on_current(q.recall))
        view.start_requested.connect(lambda: self._on_current(q.start))
        view.finish_requested.connect(lambda: self._on_current(q.finish))
        view.no_show_requested.connect(lambda: self._on_current(q.no_show))
        view.transfer_requested.connect(self._on_view_transfer_requested)

    def start(self) -> None:
        """Load services and state; watch for changes."""
        task = self._run(self._queue.ensure_defaults)
        task.succeeded.connect(self._on_services_loaded)
        self.refresh()
        self.watch.start()

    def stop(self) -> None:
        """Stop watching (window closing)."""
        self.watch.stop()

    @Slot(object)
    def _on_services_loaded(self, services: list[object]) -> None:
        self.view.set_services([(s.prefix, s.name) for s in services])  # type: ignore[attr-defined]

    @Slot()
    def refresh(self) -> None:
        """Re-read this counter's state on the DB thread."""
        task = self._run(self._queue.counter_state, self.counter_no)
        task.succeeded.connect(self._on_state_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_state_succeeded(self, state: CounterStatePublic) -> None:
        self.view.set_state(state, self._services.clock.now())
        before, self.current = self.current, state.current
        if (before.uid if before else None) != (self.current.uid if self.current else None):
            self.current_ticket_changed.emit(self.current)
        self.state_changed.emit(state)

    def _act(self, fn, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        task = self._run(fn, *args, **kwargs)
        task.succeeded.connect(self._on_action_succeeded)
        task.failed.connect(self._on_task_failed)

    def _on_current(self, fn) -> None:  # type: ignore[no-untyped-def]
        if self.current is None:
            self.view.set_message("Chưa có số nào đang được gọi tại quầy.")
            return
        self._act(fn, self.current.uid, official_id=self._official_id)

    @Slot(str, int)
    def _on_view_transfer_requested(self, prefix: str, counter: int) -> None:
        if self.current is None:
            return
        self._act(self._queue.transfer, self.current.uid, to_prefix=prefix or None,
                  to_counter=counter or None, official_id=self._official_id)

    @Slot(object)
    def on_dossier_received(self, dossier: object) -> None:
        """Link the dossier just received to the ticket being served here."""
        uid = getattr(dossier, "uid", None)
        if self.current is not None and uid:
            self._act(self._queue.link_dossier, self.current.uid, uid,
                      official_id=self._official_id)

    @Slot(object)
    def _on_action_succeeded(self, ticket: TicketPublic | None) -> None:
        if ticket is None:
            self.view.set_message("Không còn ai đang chờ.")
        else:
            self.view.set_message(f"{ticket.number}: {STATUS_LABELS_VI[ticket.status.value]}.")
        self.refresh()

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.view.set_message(getattr(exc, "message_vi", None) or f"Lỗi: {exc}")


def ask_number(parent: QWidget) -> str:
    """A small prompt for a ticket number (menus)."""
    text, ok = QInputDialog.getText(parent, "Gọi số", "Số thứ tự:")
    return text.strip() if ok else ""
