"""The status-bar widget: online/offline dot, pending, last sync, skew warning, attention.

Thin: it shows a ``SyncView`` and emits intent signals; ``SyncPresenter`` does the work.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QWidget


@dataclass(frozen=True)
class SyncView:
    """Everything the widget shows (built off the GUI thread)."""

    enrolled: bool
    state: str  # online | offline | syncing | unauthorized | not_enrolled | error
    text: str
    pending: int = 0
    attention: int = 0
    last_success: str = ""  # "10:32 20/11" in Vietnam time, or ""
    skew_warning: str = ""
    server_url: str = ""
    waiting_procedure: int = 0  # pulled dossiers parked until their procedure is known


_COLOURS = {"online": "#188038", "offline": "#9aa0a6", "syncing": "#1a73e8",
            "unauthorized": "#d93025", "not_enrolled": "#9aa0a6", "error": "#e37400"}


class SyncStatusWidget(QWidget):
    """Dot + text + counters + buttons; lives in the main window's ``sync_slot``."""

    sync_now_requested = Signal()
    """The official pressed "Đồng bộ ngay"."""
    attention_requested = Signal()
    """The official wants the list of events that need attention."""
    enrol_requested = Signal()
    """The official (an admin) wants to enrol this counter with the server."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_status")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 0)
        self.dot = QLabel("●", objectName="sync_dot")
        self.label = QLabel("Chưa đồng bộ", objectName="sync_text")
        self.pending = QLabel("", objectName="sync_pending")
        self.last = QLabel("", objectName="sync_last")
        self.skew = QLabel("", objectName="sync_skew")
        self.skew.setStyleSheet("color: #b3261e; font-weight: 600")
        self.waiting = QLabel("", objectName="sync_waiting_procedure")
        self.waiting.setStyleSheet("color: #e37400")
        self.waiting.setToolTip(self.tr(
            "Hồ sơ nhận từ máy chủ thuộc thủ tục chưa có trong danh mục của máy này; "
            "sẽ hiện ra ngay khi danh mục có thủ tục đó (đồng bộ hoặc nhập danh mục)."))
        self.attention = QPushButton("", objectName="sync_attention")
        self.attention.setFlat(True)
        self.attention.setStyleSheet("color: #b3261e; font-weight: 600")
        self.attention.clicked.connect(self.attention_requested)
        self.sync_now = QPushButton("Đồng bộ ngay", objectName="sync_now")
        self.sync_now.clicked.connect(self.sync_now_requested)
        self.more = QToolButton(objectName="sync_more")
        self.more.setText("⋯")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more)
        self.enrol_action = menu.addAction("Đăng ký với máy chủ…", self.enrol_requested.emit)
        menu.addAction("Sự kiện cần xử lý…", self.attention_requested.emit)
        self.more.setMenu(menu)
        for w in (self.dot, self.label, self.pending, self.last, self.skew, self.waiting,
                  self.attention, self.sync_now, self.more):
            lay.addWidget(w)
        self.show_view(SyncView(False, "not_enrolled", "Chưa đăng ký máy chủ"))

    def show_view(self, v: SyncView) -> None:
        """Render a state."""
        self.dot.setStyleSheet(f"color: {_COLOURS.get(v.state, '#9aa0a6')}")
        self.dot.setToolTip(v.state)
        self.label.setText(v.text)
        # Shown offline and before enrolment too: what waits, and when it last went through.
        self.pending.setText(f"Chờ gửi: {v.pending}")
        self.last.setText(f"Lần cuối: {v.last_success}" if v.last_success
                          else self.tr("Chưa đồng bộ lần nào"))
        self.skew.setText(v.skew_warning)
        self.skew.setVisible(bool(v.skew_warning))
        self.waiting.setText(self.tr("Chờ thủ tục: %n hồ sơ", "", v.waiting_procedure))
        self.waiting.setVisible(v.waiting_procedure > 0)
        self.attention.setText(f"Cần xử lý: {v.attention}")
        self.attention.setVisible(v.attention > 0)
        self.sync_now.setEnabled(v.enrolled and v.state != "syncing")

    def set_enrol_allowed(self, allowed: bool) -> None:
        """Only administrators may enrol this PC with the server."""
        self.enrol_action.setEnabled(allowed)
        self.enrol_action.setVisible(allowed)

    def set_syncing(self) -> None:
        """A pass is running."""
        self.dot.setStyleSheet(f"color: {_COLOURS['syncing']}")
        self.label.setText("Đang đồng bộ…")
        self.sync_now.setEnabled(False)
