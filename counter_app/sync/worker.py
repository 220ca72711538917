"""When to sync: the schedule (backoff, probes, "sync now") and a headless thread worker.

``SyncSchedule`` is the pure decision: after a pass, how long to wait and whether to probe
instead of running a full pass. The Qt status widget drives it with a ``QTimer`` (runs go to
the I/O pool); ``ThreadWorker`` drives it with a plain thread for headless use and tests.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

from counter_app.sync.backoff import Backoff
from counter_app.sync.pump import Outcome, SyncPump, SyncReport
from counter_app.sync.settings import SyncSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Next:
    """What to do next and when: ``run`` a pass, ``probe`` /healthz, or ``wait`` for a person."""

    action: str  # run | probe | wait
    delay_s: float


class SyncSchedule:
    """Backoff with full jitter while failing, a steady interval while healthy.

    While offline the next full pass is due after the backoff delay, but ``/healthz`` is
    probed every ``probe_interval_s`` meanwhile: when the network returns the pass runs at
    once instead of sleeping out a five-minute backoff. After a 401 nothing runs until a
    person acts ("Sync now" or re-enrolment).
    """

    def __init__(self, settings: SyncSettings, rng: random.Random | None = None) -> None:
        self.settings = settings
        self.backoff = Backoff(settings.backoff_base_s, settings.backoff_cap_s, rng)
        self.offline = False
        self.stopped = False
        self._until_run = 0.0

    def after(self, report: SyncReport) -> Next:
        """The plan after a pass."""
        if report.outcome is Outcome.OK:
            self.backoff.reset()
            self.offline = False
            if report.pending:  # more arrived meanwhile: go again soon
                return Next("run", 1.0)
            return Next("run", self.settings.interval_s)
        if report.outcome in (Outcome.UNAUTHORIZED, Outcome.NOT_ENROLLED):
            self.stopped = True
            return Next("wait", 0.0)
        if report.outcome is Outcome.BUSY:
            return Next("run", self.settings.interval_s)
        self.offline = report.outcome is Outcome.OFFLINE
        delay = self.backoff.next_delay()
        if self.offline and delay > self.settings.probe_interval_s:
            self._until_run = delay - self.settings.probe_interval_s
            return Next("probe", self.settings.probe_interval_s)
        return Next("run", delay)

    def after_probe(self, healthy: bool) -> Next:
        """The plan after a probe while offline."""
        if healthy:
            return Next("run", 0.0)  # the network is back: sync now
        if self._until_run <= self.settings.probe_interval_s:
            return Next("run", max(0.0, self._until_run))
        self._until_run -= self.settings.probe_interval_s
        return Next("probe", self.settings.probe_interval_s)

    def sync_now(self) -> Next:
        """A person asked: run at once, whatever the backoff said."""
        self.stopped = False
        return Next("run", 0.0)


class ThreadWorker:
    """A background thread that runs passes on the schedule; ``trigger()`` = "Sync now"."""

    def __init__(self, pump: SyncPump, *, on_report: Callable[[SyncReport], None] | None = None,
                 probe: Callable[[], bool] | None = None,
                 schedule: SyncSchedule | None = None) -> None:
        self.pump = pump
        self.schedule = schedule or SyncSchedule(pump.settings)
        self._on_report = on_report
        self._probe = probe or (lambda: False)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="motcua-sync", daemon=True)

    def start(self) -> None:
        """Begin with an immediate pass."""
        self._thread.start()

    def trigger(self) -> None:
        """Skip the current wait and run a pass now."""
        self.schedule.sync_now()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the pass in flight, then end the thread."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        plan = Next("run", 0.0)
        while not self._stop.is_set():
            if plan.delay_s or plan.action == "wait":
                self._wake.wait(None if plan.action == "wait" else plan.delay_s)
                if self._wake.is_set():
                    self._wake.clear()
                    plan = Next("run", 0.0)
            if self._stop.is_set():
                return
            if plan.action == "probe":
                plan = self.schedule.after_probe(self._probe())
                continue
            try:
                report = self.pump.run_once()
            except Exception:  # a bug must not kill the worker: log and back off
                log.exception("sync pass failed")
                plan = Next("run", self.schedule.backoff.next_delay())
                continue
            if self._on_report is not None:
                self._on_report(report)
            plan = self.schedule.after(report)
