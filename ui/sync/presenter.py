"""Drives sync from the GUI: a QTimer schedules passes on the I/O pool, never the GUI thread.

Every pass and probe runs through ``TaskRunner.run_io``; results come back as the task's
``succeeded`` signal and are shown by the widget. The schedule (backoff with jitter, probing
``/healthz`` while offline, stopping after a 401) is ``counter_app.sync.worker.SyncSchedule``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from counter_app.domain.clock import Clock, from_db, local
from counter_app.hub.ward_sync import WardSync
from counter_app.services.accounts import OfficialPublic
from counter_app.services.context import AppServices
from counter_app.sync import store
from counter_app.sync.client import SyncClient
from counter_app.sync.enrol import EnrolFailed, EnrolResult, adopt_enrolment, request_enrolment
from counter_app.sync.pump import MESSAGES_VI, Outcome, SyncPump, SyncReport
from counter_app.sync.settings import SyncSettings
from counter_app.sync.worker import Next, SyncSchedule
from ui.sync.dialogs import AttentionDialog, EnrolDialog
from ui.sync.status_widget import SyncStatusWidget, SyncView
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)
REFRESH_MS = 15_000  # how often the status bar re-reads the waiting events

def _state_of(outcome: Outcome) -> str:
    return {Outcome.OK: "online", Outcome.OFFLINE: "offline",
            Outcome.UNAUTHORIZED: "unauthorized", Outcome.NOT_ENROLLED: "not_enrolled",
            Outcome.BUSY: "syncing"}.get(outcome, "error")


def build_view(pump: SyncPump, report: SyncReport | None) -> SyncView:
    """The widget's state from the store (and the last report); runs off the GUI thread."""
    st = store.load_state(pump.engine)
    if st is None:  # working without a server: the events still wait to be sent one day
        return SyncView(False, "not_enrolled", "Chưa đăng ký máy chủ",
                        store.counts(pump.engine)["pending"])
    c = store.counts(pump.engine, st.seq_offset)
    last = f"{local(from_db(st.last_success_at)):%H:%M %d/%m}" if st.last_success_at else ""
    skew = st.clock_skew_s
    warn = ""
    if skew is not None and abs(skew) > pump.settings.skew_warn_s:
        warn = f"Đồng hồ lệch {skew / 60:+.0f} phút"
    if report is None:
        state = "unauthorized" if st.auth_failed else ("online" if st.last_outcome == "ok"
                                                      else "offline")
        text = "Thiết bị bị thu hồi hoặc sai thông tin xác thực" if st.auth_failed else (
            "Trực tuyến" if state == "online" else "Ngoại tuyến")
    else:
        state = _state_of(report.outcome)
        text = {"online": "Trực tuyến", "offline": "Ngoại tuyến"}.get(
            state, MESSAGES_VI[report.outcome])
    return SyncView(True, state, text, c["pending"], c["rejected"] + c["stranded"], last, warn,
                    st.server_url, store.parked_count(pump.engine))


def _attention(pump: SyncPump) -> list[store.AttentionItem]:
    st = store.load_state(pump.engine)
    return store.attention(pump.engine, st.seq_offset if st else 0)


def _pass(pump: SyncPump) -> tuple[SyncReport, SyncView]:
    report = pump.run_once()
    return report, build_view(pump, report)


def _probe(url: str, timeout_s: float) -> bool:
    with SyncClient(url, timeout_s=timeout_s, connect_timeout_s=timeout_s) as c:
        return c.healthy()


class SyncPresenter(QObject):
    """Owns the schedule; the widget is passive."""

    report_received = Signal(object)
    """A pass finished (carries the SyncReport)."""
    enrolled = Signal(object)
    """Enrolment succeeded (carries the EnrolResult)."""

    def __init__(self, widget: SyncStatusWidget, services: AppServices, runner: TaskRunner,
                 data_dir: Path, *, clock: Clock | None = None,
                 settings: SyncSettings | None = None, official: OfficialPublic | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Enrolling binds this PC's data to a ward: administrators only (None: no login, CLI).
        self._may_enrol = official is None or official.is_admin
        widget.set_enrol_allowed(self._may_enrol)
        self.widget, self._services, self._runner = widget, services, runner
        self.pump = WardSync(services.engine, data_dir, clock or services.clock,
                             settings or SyncSettings())
        self.schedule = SyncSchedule(self.pump.settings)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        # Between passes (and with no server at all) the counts still move: intakes add events.
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._on_refresh_timeout)
        self._next = Next("run", 0.0)
        self._running = False
        self._stopped = True
        self._dialog: QWidget | None = None
        self._view: SyncView | None = None
        self._enrol_url = ""
        widget.sync_now_requested.connect(self.sync_now)
        widget.attention_requested.connect(self.show_attention)
        widget.enrol_requested.connect(self.show_enrol)

    # -- schedule ------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin: refresh the widget, then a first pass at once."""
        self._stopped = False
        self._on_refresh_timeout()
        self._refresh.start()
        self._plan(Next("run", 0.5))

    @Slot()
    def _on_refresh_timeout(self) -> None:
        if self._running:
            return  # a pass in flight shows its own result
        task = self._runner.run_io(build_view, self.pump, None)
        task.succeeded.connect(self._on_view_succeeded)

    def stop(self) -> None:
        """No more passes (the one in flight finishes on its own)."""
        self._stopped = True
        self._timer.stop()
        self._refresh.stop()

    @Slot()
    def sync_now(self) -> None:
        """Skip any wait (backoff included) and run a pass now."""
        self._plan(self.schedule.sync_now())

    def _plan(self, nxt: Next) -> None:
        self._next = nxt
        self._timer.stop()
        if self._stopped or nxt.action == "wait":
            return
        self._timer.start(int(nxt.delay_s * 1000))

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._running:
            return
        self._running = True
        if self._next.action == "probe":
            st_url = self._server_url()
            task = self._runner.run_io(_probe, st_url, self.pump.settings.connect_timeout_s)
            task.succeeded.connect(self._on_probe_succeeded)
        else:
            self.widget.set_syncing()
            task = self._runner.run_io(_pass, self.pump)
            task.succeeded.connect(self._on_pass_succeeded)
        task.failed.connect(self._on_task_failed)

    def _server_url(self) -> str:
        return self._view.server_url if self._view else ""

    @Slot(object)
    def _on_pass_succeeded(self, result: tuple[SyncReport, SyncView]) -> None:
        self._running = False
        report, view = result
        self._view = view
        self.widget.show_view(view)
        self.report_received.emit(report)
        self._plan(self.schedule.after(report))

    @Slot(object)
    def _on_probe_succeeded(self, healthy: bool) -> None:
        self._running = False
        self._plan(self.schedule.after_probe(bool(healthy)))

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self._running = False
        log.error("sync task failed: %s", exc)
        view = self._runner.run_io(build_view, self.pump, None)  # leave the "syncing" state
        view.succeeded.connect(self._on_view_succeeded)
        self._plan(Next("run", self.schedule.backoff.next_delay()))

    @Slot(object)
    def _on_view_succeeded(self, view: SyncView) -> None:
        self._view = view
        self.widget.show_view(view)

    # -- dialogs -------------------------------------------------------------------------------

    @Slot()
    def show_attention(self) -> None:
        """The needs-attention list (read off the GUI thread, shown on it)."""
        task = self._runner.run_db(_attention, self.pump)
        task.succeeded.connect(self._on_attention_succeeded)

    @Slot(object)
    def _on_attention_succeeded(self, items: list[store.AttentionItem]) -> None:
        dialog = AttentionDialog(items, self.widget.window())
        self._dialog = dialog
        dialog.show()

    @Slot()
    def show_enrol(self) -> None:
        """The enrolment dialog (administrators only)."""
        if not self._may_enrol:
            self.widget.label.setText(self.tr("Chỉ quản trị viên được đăng ký máy chủ."))
            return
        dialog = EnrolDialog(self._server_url(), self.widget.window())
        dialog.enrol_requested.connect(self.enrol)
        self._dialog = dialog
        dialog.show()

    @Slot(str, str)
    def enrol(self, server_url: str, code: str) -> None:
        """Request on the I/O pool, then store on the database thread."""
        problem = enrol_input_problem(server_url, code)
        if problem:
            if isinstance(self._dialog, EnrolDialog):
                self._dialog.show_error(problem)
            return
        self._enrol_url = server_url.strip().rstrip("/")
        task = self._runner.run_io(request_enrolment, self._enrol_url, code, "Quầy")
        task.succeeded.connect(self._on_request_succeeded)
        task.failed.connect(self._on_enrol_failed)

    @Slot(object)
    def _on_request_succeeded(self, resp: object) -> None:
        task = self._runner.run_db(adopt_enrolment, self.pump.engine, self.pump.data_dir,
                                   self.pump.clock, self._enrol_url, resp)
        task.succeeded.connect(self._on_enrol_succeeded)
        task.failed.connect(self._on_enrol_failed)

    @Slot(object)
    def _on_enrol_succeeded(self, result: EnrolResult) -> None:
        if isinstance(self._dialog, EnrolDialog):
            self._dialog.accept()
        self.enrolled.emit(result)
        self.sync_now()

    @Slot(object)
    def _on_enrol_failed(self, exc: BaseException) -> None:
        text = enrol_error_text(exc)
        if isinstance(self._dialog, EnrolDialog):
            self._dialog.show_error(text)
        log.warning("enrolment failed: %s", text)


def enrol_input_problem(server_url: str, code: str) -> str:
    """What is wrong with the dialog's input, in Vietnamese ("" if nothing)."""
    try:
        parts = urlsplit(server_url.strip())
        host = parts.hostname
    except ValueError:
        host = None
    if host is None or parts.scheme not in ("https", "http"):
        return _tr("Địa chỉ máy chủ phải có dạng https://ten-may-chu.example.vn")
    if not 4 <= len(code.strip()) <= 64:
        return _tr("Mã đăng ký gồm 4 đến 64 ký tự, ví dụ K7QM-2XPA-9RTD.")
    return ""


def enrol_error_text(exc: BaseException) -> str:
    """A failed enrolment in Vietnamese; library and system texts only go to the log."""
    if isinstance(exc, EnrolFailed):
        return exc.message_vi
    log.error("enrolment failed: %r", exc)
    return _tr("Không lưu được kết quả đăng ký trên máy này. Hãy thử lại hoặc báo quản trị "
               "(chi tiết trong nhật ký).")


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncPresenter", text)


def now_text(dt: datetime) -> str:
    """Vietnam-time text of an instant (for tests and logs)."""
    return f"{local(dt):%H:%M %d/%m}"
