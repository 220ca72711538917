"""One Qt signal for "the queue changed": in-process listeners plus polling for other processes."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from counter_app.services.queue import QueueService
from counter_app.services.queue_models import QueueChange
from counter_app.services.queue_watch import DataVersionWatcher

POLL_MS = 250


class QueueWatch(QObject):
    """Emits ``changed`` after a queue change by this process (at once) or another (≤ 250 ms)."""

    changed = Signal()
    """Something in the store changed; re-read what you show."""
    queue_changed = Signal(object)
    """A queue change made by this process (QueueChange), delivered on the GUI thread."""

    def __init__(self, engine: object, queue: QueueService, parent: QObject | None = None,
                 *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._queue = queue
        self._watcher = DataVersionWatcher(engine)  # type: ignore[arg-type]
        self._watcher.changed()  # baseline
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        # The listener runs on the DB thread; emitting a signal from there is safe and Qt
        # queues the delivery to receivers on the GUI thread.
        queue.add_listener(self._on_queue_change)

    def start(self) -> None:
        """Begin polling."""
        self._timer.start()

    def stop(self) -> None:
        """Stop polling and listening; release the connection."""
        self._timer.stop()
        self._queue.remove_listener(self._on_queue_change)
        self._watcher.close()

    def _on_queue_change(self, change: QueueChange) -> None:
        self.queue_changed.emit(change)

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._watcher.changed():
            self.changed.emit()
