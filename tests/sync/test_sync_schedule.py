"""The schedule without a network: backoff with full jitter and a cap, reset on success,
probes while offline that trigger a pass when the network returns, "sync now", stop on 401;
and the headless ThreadWorker driving a fake pump (waits on events, never sleeps)."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime
from pathlib import Path

from counter_app.sync.backoff import Backoff
from counter_app.sync.lock import SyncBusy, SyncLock
from counter_app.sync.pump import Outcome, SyncReport
from counter_app.sync.settings import SyncSettings
from counter_app.sync.worker import SyncSchedule, ThreadWorker

T = datetime(2026, 11, 20, tzinfo=UTC)


def _rep(outcome: Outcome, pending: int = 0) -> SyncReport:
    return SyncReport(outcome, T, pending=pending)


def test_backoff_is_full_jitter_capped_and_resets() -> None:
    b = Backoff(2, 300, random.Random(1))
    delays = [b.next_delay() for _ in range(20)]
    assert all(0 < d <= 300 for d in delays)
    assert max(delays[:3]) <= 8 and max(delays) > 60  # grows, capped
    b.reset()
    assert b.next_delay() <= 2


def test_schedule_probes_while_offline_and_runs_when_the_network_returns() -> None:
    s = SyncSchedule(SyncSettings(backoff_base_s=100, backoff_cap_s=300, probe_interval_s=15,
                                  interval_s=60), random.Random(3))
    nxt = s.after(_rep(Outcome.OFFLINE))
    while nxt.action != "probe":  # a short jittered delay may run directly; the long one probes
        nxt = s.after(_rep(Outcome.OFFLINE))
    assert nxt.delay_s == 15
    assert s.after_probe(False).action in ("probe", "run")
    assert s.after_probe(True).delay_s == 0  # back online: at once
    assert s.after(_rep(Outcome.OK)).delay_s == 60 and s.backoff.failures == 0
    assert s.after(_rep(Outcome.OK, pending=5)).delay_s == 1.0
    assert s.after(_rep(Outcome.UNAUTHORIZED)).action == "wait" and s.stopped
    assert s.sync_now().delay_s == 0 and not s.stopped


class FakePump:
    def __init__(self) -> None:
        self.settings = SyncSettings(interval_s=3600, backoff_base_s=3600, backoff_cap_s=3600,
                                     probe_interval_s=3600)
        self.runs = 0
        self.ran = threading.Event()

    def run_once(self) -> SyncReport:
        self.runs += 1
        self.ran.set()
        return _rep(Outcome.OK)


def test_thread_worker_runs_at_start_and_on_sync_now() -> None:
    pump = FakePump()
    reports: list[SyncReport] = []
    w = ThreadWorker(pump, on_report=reports.append)  # type: ignore[arg-type]
    w.start()
    assert pump.ran.wait(10)
    pump.ran.clear()
    w.trigger()  # "Sync now" skips the hour-long wait
    assert pump.ran.wait(10)
    w.stop()
    assert pump.runs == 2 and len(reports) == 2


def test_sync_lock_is_exclusive_within_and_across_handles(tmp_path: Path) -> None:
    with SyncLock(tmp_path):
        second = SyncLock(tmp_path)
        try:
            second.acquire()
            raise AssertionError("a second run got the lock")
        except SyncBusy:
            pass
    with SyncLock(tmp_path):  # released: free again
        pass
