"""The hall display: a full-screen board for a TV on a second screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import local
from counter_app.services.context import AppServices
from counter_app.services.queue_models import BoardPublic, CallPublic
from ui.queue.speech import Announcer
from ui.queue.watch import QueueWatch
from ui.tasks import TaskRunner

BG, PANEL, ACCENT, TEXT, MUTED = "#0b2545", "#13315c", "#ffc857", "#ffffff", "#a9c1e0"
ROWS = 6


def _label(text: str, size: int, *, bold: bool = False, color: str = TEXT,
           align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
    label = QLabel(text)
    label.setAlignment(align)
    label.setStyleSheet(f"color: {color}; font-size: {size}px; "
                        f"font-weight: {'bold' if bold else 'normal'}; background: transparent;")
    return label


def recent_once(calls: Sequence[CallPublic]) -> list[CallPublic]:
    """Newest first, each ticket once: a recalled number moves up instead of showing twice."""
    seen: set[str] = set()
    out = []
    for c in calls:
        if c.ticket_uid not in seen:
            seen.add(c.ticket_uid)
            out.append(c)
    return out


class HallDisplayWindow(QWidget):
    """Ward name and clock, the newest call large, the previous calls, waiting per service."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Màn hình gọi số")
        self.setObjectName("hall")
        self.setStyleSheet(f"#hall {{ background: {BG}; }} QFrame#panel {{ background: {PANEL};"
                           " border-radius: 18px; }")
        self.ward_label = _label("", 40, bold=True, align=Qt.AlignmentFlag.AlignLeft)
        self.clock_label = _label("", 36, bold=True, align=Qt.AlignmentFlag.AlignRight)
        top = QHBoxLayout()
        top.addWidget(self.ward_label, 1)
        top.addWidget(self.clock_label)
        self.newest_title = _label("MỜI CÔNG DÂN CÓ SỐ", 34, color=MUTED)
        self.newest_number = _label("—", 220, bold=True, color=ACCENT)
        self.newest_counter = _label("", 56, bold=True)
        newest = QFrame(objectName="panel")
        nl = QVBoxLayout(newest)
        for w in (self.newest_title, self.newest_number, self.newest_counter):
            nl.addWidget(w)
        history = QFrame(objectName="panel")
        hl = QGridLayout(history)
        hl.addWidget(_label("SỐ", 30, bold=True, color=MUTED), 0, 0)
        hl.addWidget(_label("QUẦY", 30, bold=True, color=MUTED), 0, 1)
        self.rows: list[tuple[QLabel, QLabel]] = []
        for i in range(ROWS):
            pair = (_label("", 60, bold=True), _label("", 60, bold=True))
            hl.addWidget(pair[0], i + 1, 0)
            hl.addWidget(pair[1], i + 1, 1)
            self.rows.append(pair)
        middle = QHBoxLayout()
        middle.addWidget(newest, 3)
        middle.addWidget(history, 2)
        self.waiting_bar = QHBoxLayout()
        self.waiting_labels: list[QLabel] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 24, 36, 24)
        layout.setSpacing(20)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(self.waiting_bar)
        self.resize(1920, 1080)

    def set_board(self, board: BoardPublic) -> None:
        """Show a board: the newest call highlighted, older calls below it."""
        self.ward_label.setText(board.ward_name)
        calls = recent_once(board.calls)
        if calls:
            newest = calls[0]
            self.newest_number.setText(newest.number)
            self.newest_counter.setText(f"đến QUẦY SỐ {newest.counter_no}")
        else:
            self.newest_number.setText("—")
            self.newest_counter.setText("Xin chào quý công dân")
        for i, (num, counter) in enumerate(self.rows):
            call = calls[i] if i < len(calls) else None
            num.setText(call.number if call else "")
            counter.setText(str(call.counter_no) if call else "")
            color = ACCENT if i == 0 else TEXT
            for w in (num, counter):
                w.setStyleSheet(f"color: {color}; font-size: 60px; font-weight: bold;")
        self._set_waiting(board)

    def _set_waiting(self, board: BoardPublic) -> None:
        while len(self.waiting_labels) < len(board.waiting):
            label = _label("", 26, bold=True)
            label.setStyleSheet(label.styleSheet() + f"background: {PANEL}; border-radius: 12px;"
                                " padding: 10px 14px;")
            label.setWordWrap(True)  # long service names wrap instead of widening the window
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.waiting_bar.addWidget(label)
            self.waiting_labels.append(label)
        for label, w in zip(self.waiting_labels, board.waiting, strict=False):
            label.setText(f"{w.prefix} · {w.name}\n{w.waiting} người chờ")

    def set_time(self, now: datetime) -> None:
        """The clock in the corner (local time)."""
        self.clock_label.setText(f"{local(now):%H:%M  %d/%m/%Y}")

    def newest_text(self) -> str:
        """What the big panel shows (tests)."""
        return f"{self.newest_number.text()} {self.newest_counter.text()}"


class DisplayPresenter(QObject):
    """Re-reads the board when the store changes; speaks each new call once."""

    board_shown = Signal(object)
    """A board was put on screen (BoardPublic)."""

    def __init__(self, view: HallDisplayWindow, services: AppServices, runner: TaskRunner, *,
                 announcer: Announcer | None = None, parent: QObject | None = None,
                 poll_ms: int = 250, queue: object | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._services = services
        # On a PC paired with the ward's hub, ``queue`` is the hub's (counter_app.hub.port).
        self._queue = queue or services.queue
        self._runner = runner
        self._announcer = announcer
        self._last_call_id: int | None = None
        self._loading = False
        self._again = False
        self.watch = QueueWatch(services.engine, self._queue, self, poll_ms=poll_ms)
        self.watch.changed.connect(self.refresh)
        self.watch.queue_changed.connect(self.refresh)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._on_clock_timeout)

    def start(self) -> None:
        """First load, then watch the store."""
        self._on_clock_timeout()
        self.refresh()
        self.watch.start()
        self._clock.start()

    def stop(self) -> None:
        """Stop timers and release the watcher connection."""
        self.watch.stop()
        self._clock.stop()

    @Slot()
    def refresh(self) -> None:
        """Read the board on the DB thread (coalesced: one read in flight at a time)."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        # Read more than the rows shown: recalls of one ticket collapse into one line.
        task = self._runner.run_db(self._queue.board, ROWS * 4)
        task.succeeded.connect(self._on_board_succeeded)
        task.failed.connect(self._on_board_failed)

    @Slot(object)
    def _on_board_succeeded(self, board: BoardPublic) -> None:
        self._loading = False
        self.view.set_board(board)
        fresh = [c for c in board.calls if self._last_call_id is not None
                 and c.id > self._last_call_id]
        if board.calls:
            self._last_call_id = max(self._last_call_id or 0, board.calls[0].id)
        elif self._last_call_id is None:
            self._last_call_id = 0
        if self._announcer is not None:
            for call in reversed(fresh):  # oldest first
                self._announcer.announce(call.number, call.counter_no)
        self.board_shown.emit(board)
        if self._again:
            self._again = False
            self.refresh()

    @Slot(object)
    def _on_board_failed(self, _exc: BaseException) -> None:
        self._loading = False

    @Slot()
    def _on_clock_timeout(self) -> None:
        self.view.set_time(self._services.clock.now())
