"""Background work for the GUI: one database thread, a pool for I/O, results as Qt signals.

SQLite has one writer, so every database job runs on a one-thread pool in submission order.
Printing, PDF rendering and network work run on a separate pool so a slow printer never
delays the next intake. Long background work (the daily backup, minutes on a big store) has
a one-thread pool of its own, so it holds neither the writer nor a printer's thread. Each job
gets its own QObject emitter, created on the GUI thread; its signals are emitted from the
worker and, because the receivers live on the GUI thread, Qt queues them there. Every
exception reaches ``failed`` and the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)


class Task(QObject):
    """The GUI-side handle of one job: connect to ``succeeded`` / ``failed`` / ``finished``."""

    succeeded = Signal(object)
    """The job returned; carries its return value."""
    failed = Signal(object)
    """The job raised; carries the exception (any BaseException)."""
    finished = Signal()
    """Emitted after succeeded or failed, whichever happened."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name


class _Job(QRunnable):
    def __init__(self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # every failure, including SystemExit from a bug
            level = logging.INFO if getattr(exc, "message_vi", None) else logging.ERROR
            log.log(level, "task %s failed", self._task.name, exc_info=exc)
            self._task.failed.emit(exc)
        else:
            self._task.succeeded.emit(result)
        self._task.finished.emit()


class TaskRunner(QObject):
    """Runs callables off the GUI thread and reports back through each job's Task."""

    busy_changed = Signal(bool)
    """True while any job is queued or running."""

    def __init__(self, parent: QObject | None = None, *, io_threads: int = 2) -> None:
        super().__init__(parent)
        self._db = QThreadPool(self)
        self._db.setMaxThreadCount(1)
        self._io = QThreadPool(self)
        self._io.setMaxThreadCount(io_threads)
        self._long = QThreadPool(self)
        self._long.setMaxThreadCount(1)
        self._live: set[Task] = set()

    def run_db(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """Queue ``fn(*args, **kwargs)`` on the single database thread."""
        return self._submit(self._db, fn, args, kwargs)

    def run_io(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """Queue ``fn(*args, **kwargs)`` on the I/O pool (rendering, printers, network)."""
        return self._submit(self._io, fn, args, kwargs)

    def run_long(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """Queue ``fn`` on the background thread for long jobs (it opens its own connection)."""
        return self._submit(self._long, fn, args, kwargs)

    def _submit(self, pool: QThreadPool, fn: Callable[..., Any], args: tuple[Any, ...],
                kwargs: dict[str, Any]) -> Task:
        task = Task(getattr(fn, "__qualname__", repr(fn)), self)
        self._live.add(task)
        task.finished.connect(self._on_task_finished)
        if len(self._live) == 1:
            self.busy_changed.emit(True)
        # Start on the next turn of the event loop: the caller connects its slots to the
        # returned Task first, so even an instant job cannot finish before anyone listens.
        QTimer.singleShot(0, self, lambda: pool.start(_Job(task, fn, args, kwargs)))
        return task

    @Slot()
    def _on_task_finished(self) -> None:
        task = self.sender()
        if isinstance(task, Task) and task in self._live:
            self._live.discard(task)
            task.deleteLater()
            if not self._live:
                self.busy_changed.emit(False)

    def pending(self) -> int:
        """How many jobs are queued or running."""
        return len(self._live)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until every pool is idle (shutdown only; never from a slot)."""
        pools = (self._db, self._io, self._long)
        return all([pool.waitForDone(msecs) for pool in pools])
