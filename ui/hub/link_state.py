"""Turns the hub link's thread callbacks into Qt signals and a plain banner on a screen."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from counter_app.hub.port import HubQueuePort


class HubLinkSignals(QObject):
    """``state_changed(connected, message_vi)`` and ``relayed()`` on the GUI thread."""

    state_changed = Signal(bool, str)
    relayed = Signal()
    """The hub holds new events of the ward: sync now to get them."""

    def __init__(self, port: HubQueuePort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitted from the stream's thread: Qt queues the delivery to the GUI thread.
        port.add_state_listener(self.state_changed.emit)
        port.add_relay_listener(self.relayed.emit)


class LinkBanner(QLabel):
    """A red line over a screen while the hub is unreachable; hidden otherwise."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background:#b00020;color:white;font-size:20px;padding:6px;")
        self.hide()

    @Slot(bool, str)
    def show_state(self, connected: bool, message: str) -> None:
        """Show ``message`` while disconnected."""
        if connected:
            self.hide()
            return
        self.setText(message or self.tr("Mất kết nối với máy chủ phường; đang kết nối lại."))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(0, 0, parent.width(), 40)
        self.show()
        self.raise_()
