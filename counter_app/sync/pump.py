"""One sync pass: settle with the server, push the outbox in batches, pull the change log.

The order matters. ``GET device/status`` first settles what a lost reply left open and
notices a server restored from an older backup (SYNC.md case 22); then pending events go up
in ``device_seq`` order, at most ``batch_size`` at a time, and stay ``pending`` until a reply
that carries the protocol marker acknowledges them; then the ward's change log comes down,
each page applied together with its cursor. Only one pass runs per device (``SyncLock``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from counter_app.domain.clock import Clock, SystemClock, to_db
from counter_app.sync import store
from counter_app.sync.client import AuthRejected, Forbidden, OutcomeUnknown, Refused, SyncClient
from counter_app.sync.credentials import CredentialMissing, CredentialStore
from counter_app.sync.hooks import crash_point
from counter_app.sync.lock import SyncBusy, SyncLock
from counter_app.sync.settings import SyncSettings
from db.models import SyncState

log = logging.getLogger(__name__)
ClientFactory = Callable[[str, str], SyncClient]


class Outcome(StrEnum):
    """How a pass ended."""

    OK = "ok"
    OFFLINE = "offline"  # outcome unknown: timeout, cut, 5xx, not our reply, rate-limited
    UNAUTHORIZED = "unauthorized"  # 401 / revoked: stopped, everything kept
    FORBIDDEN = "forbidden"  # 403 security refusal (audited on the server)
    BUSY = "busy"  # another pass of this device is running
    NOT_ENROLLED = "not_enrolled"
    ERROR = "error"  # a refusal we cannot act on (e.g. a 422 that is not one event's fault)


MESSAGES_VI = {
    Outcome.OK: "Đã đồng bộ với máy chủ.",
    Outcome.OFFLINE: "Không kết nối được máy chủ; dữ liệu được giữ lại và sẽ gửi lại sau.",
    Outcome.UNAUTHORIZED: "Thiết bị bị thu hồi hoặc sai thông tin xác thực",
    Outcome.FORBIDDEN: "Máy chủ từ chối vì lý do an ninh (đã ghi nhật ký); hãy báo quản trị.",
    Outcome.BUSY: "Đang có một lượt đồng bộ khác chạy trên máy này.",
    Outcome.NOT_ENROLLED: "Thiết bị chưa đăng ký với máy chủ (counter-app enrol).",
    Outcome.ERROR: "Máy chủ từ chối yêu cầu đồng bộ; hãy báo quản trị.",
}


@dataclass(frozen=True)
class SyncReport:
    """The result of one pass, for the CLI, the status widget and the logs."""

    outcome: Outcome
    started_at: datetime
    acked: int = 0
    rejected: int = 0
    retried: int = 0
    pulled: int = 0
    requeued: int = 0
    pending: int = 0
    attention: int = 0
    stranded: int = 0
    waiting_procedure: int = 0  # pulled dossiers parked until their procedure is known here
    batches: int = 0
    skew_s: float | None = None
    skew_warning: bool = False
    gaps: list[tuple[int, int]] = field(default_factory=list)
    error: str = ""

    @property
    def drained(self) -> bool:
        """Nothing is left to push."""
        return self.pending == 0 and self.outcome not in (Outcome.BUSY, Outcome.NOT_ENROLLED)

    @property
    def message_vi(self) -> str:
        """One Vietnamese sentence for an operator."""
        base = MESSAGES_VI[self.outcome]
        if self.outcome is Outcome.OK:
            base = (f"Đã đồng bộ: {self.acked} sự kiện được xác nhận, nhận {self.pulled} thay "
                    f"đổi; còn {self.pending} chờ gửi")
            base += f", {self.attention} cần xử lý." if self.attention else "."
        if self.waiting_procedure:
            base += (f" {self.waiting_procedure} hồ sơ nhận về đang chờ thủ tục chưa có trong "
                     "danh mục của máy này.")
        if self.skew_warning and self.skew_s is not None:
            base += f" Đồng hồ máy lệch {self.skew_s / 60:+.0f} phút so với máy chủ."
        return base


@dataclass
class _Pass:
    st: SyncState
    now: datetime
    acked: int = 0
    rejected: int = 0
    retried: int = 0
    pulled: int = 0
    requeued: int = 0
    batches: int = 0
    skew_s: float | None = None
    server_time: datetime | None = None
    last_applied: int = 0
    gaps: list[tuple[int, int]] = field(default_factory=list)
    streak: int = 0  # 5xx replies in a row (reset by any reply that took the batch)
    suspects: dict[str, str] = field(default_factory=dict)  # event_id -> its 5xx, sent alone


class SyncPump:
    """Runs passes for one device store; thread-safe (one pass at a time per data dir)."""

    def __init__(self, engine: Engine, data_dir: Path, clock: Clock | None = None,
                 settings: SyncSettings | None = None, *,
                 client_factory: ClientFactory | None = None,
                 checkpoint: Callable[[str], None] | None = None) -> None:
        self.engine, self.data_dir = engine, data_dir
        self.clock = clock or SystemClock()
        self.settings = settings or SyncSettings()
        self._factory = client_factory or self._default_client
        self._hook = checkpoint
        self.credentials = CredentialStore(data_dir)

    def _default_client(self, url: str, token: str) -> SyncClient:
        return SyncClient(url, token, timeout_s=self.settings.timeout_s,
                          connect_timeout_s=self.settings.connect_timeout_s)

    def _checkpoint(self, name: str) -> None:
        crash_point(name)
        if self._hook is not None:
            self._hook(name)

    # -- the pass ---------------------------------------------------------------------------

    def run_once(self) -> SyncReport:
        """One full pass; never raises for network or server trouble (see ``outcome``)."""
        started = self.clock.now()
        lock = SyncLock(self.data_dir)
        try:
            lock.acquire()
        except SyncBusy:
            return SyncReport(Outcome.BUSY, started, error="another sync run holds the lock")
        try:
            return self._run(started)
        finally:
            lock.release()

    def _run(self, started: datetime) -> SyncReport:
        st = store.load_state(self.engine)
        if st is None:
            return self._report(Outcome.NOT_ENROLLED, started, None, "not enrolled")
        try:
            token = self.credentials.load(st.device_id, st.credential_store)
        except CredentialMissing:
            store.update_state(self.engine, auth_failed=True, last_outcome="unauthorized",
                               last_error="credential missing on this device")
            return self._report(Outcome.UNAUTHORIZED, started, st, "credential missing")
        store.update_state(self.engine, last_attempt_at=to_db(started))
        p = _Pass(st=st, now=started)
        outcome, error = Outcome.OK, ""
        client = self._factory(st.server_url, token)
        try:
            self._settle(client, p)
            self._push_all(client, p)
            self._pull_all(client, p)
        except AuthRejected as exc:
            outcome, error = Outcome.UNAUTHORIZED, str(exc)
        except Forbidden as exc:
            outcome, error = Outcome.FORBIDDEN, str(exc)
        except OutcomeUnknown as exc:
            outcome, error = Outcome.OFFLINE, str(exc)
        except Refused as exc:
            outcome = Outcome.OFFLINE if exc.status == 429 else Outcome.ERROR
            error = str(exc)
        finally:
            client.close()
        self._save(p, outcome, error)
        return self._report(outcome, started, st, error, p)

    def _save(self, p: _Pass, outcome: Outcome, error: str) -> None:
        values: dict[str, Any] = {"last_outcome": str(outcome), "last_error": error[:500]}
        if p.skew_s is not None:
            values["clock_skew_s"] = p.skew_s
        if p.server_time is not None:
            values["last_server_time"] = to_db(p.server_time)
            values["server_last_applied_seq"] = p.last_applied
        if outcome is Outcome.OK:
            values.update(last_success_at=to_db(self.clock.now()), auth_failed=False)
        elif outcome is Outcome.UNAUTHORIZED:
            values["auth_failed"] = True
        store.update_state(self.engine, **values)
        if error:
            log.warning("sync %s: %s", outcome, error)

    def _report(self, outcome: Outcome, started: datetime, st: SyncState | None, error: str,
                p: _Pass | None = None) -> SyncReport:
        c = store.counts(self.engine, st.seq_offset if st else 0)
        skew = p.skew_s if p else None
        rep = SyncReport(outcome, started, pending=c["pending"], error=error,
                         attention=c["rejected"] + c["stranded"], stranded=c["stranded"],
                         waiting_procedure=store.parked_count(self.engine) if st else 0,
                         skew_s=skew,
                         skew_warning=skew is not None and abs(skew) > self.settings.skew_warn_s)
        if p is not None:
            rep = replace(rep, acked=p.acked, rejected=p.rejected, retried=p.retried,
                          pulled=p.pulled, requeued=p.requeued, batches=p.batches, gaps=p.gaps)
        return rep

    # -- steps ------------------------------------------------------------------------------

    def _settle(self, client: SyncClient, p: _Pass) -> None:
        """Ask what the server holds; requeue what it lost; measure the clock."""
        timed = client.status(self.clock.now())
        ds = timed.value
        self._checkpoint("after_status")
        p.skew_s, p.server_time = timed.skew_s(ds.server_time), ds.server_time
        p.last_applied = ds.last_applied_seq
        if ds.revoked:
            raise AuthRejected("device revoked on the server", error="device_revoked",
                               status=401)
        if str(ds.device_id) != p.st.device_id:
            raise AuthRejected("the token belongs to another device", error="device_mismatch",
                               status=401)
        off = p.st.seq_offset
        if store.max_acked_wire_seq(self.engine, off) > ds.last_applied_seq:
            p.requeued = store.requeue_lost(self.engine, offset=off,
                                            max_seen=ds.max_seq_seen, gaps=ds.open_gaps)
            if p.requeued:
                log.warning("server lost %d acked events (restored backup?): resending",
                            p.requeued)

    def _push_all(self, client: SyncClient, p: _Pass) -> None:
        """Stream the outbox in keyset batches; memory stays one batch."""
        after = p.st.seq_offset
        while True:
            rows = store.next_batch(self.engine, after_local_seq=after, offset=p.st.seq_offset,
                                    limit=self.settings.batch_size)
            if not rows:
                break
            self._push_rows(client, p, rows, top=True)
            after = rows[-1].local_seq
            self._checkpoint("after_push_batch")
        self._reject_suspects(p)

    def _push_rows(self, client: SyncClient, p: _Pass, rows: Sequence[store.OutboxRow], *,
                   top: bool = False) -> None:
        try:
            timed = client.push(p.st.device_id, [r.wire for r in rows], self.clock.now())
        except OutcomeUnknown as exc:
            store.note_attempt(self.engine, rows, f"outcome unknown: {exc}")
            if not self._split_on_server_error(p, rows, exc, top=top):
                raise
            if len(rows) > 1:
                self._split(client, p, rows)
            else:  # decided at the end of the push, once we know the server took others
                p.suspects[rows[0].wire["event_id"]] = str(exc)
            return
        except Forbidden as exc:
            bad = _foreign_ids(exc, rows)
            if not bad:
                raise
            store.reject_locally(self.engine, bad, f"foreign_ward (403, audited): {exc}")
            p.rejected += len(bad)
            rest = [r for r in rows if r.wire["event_id"] not in bad]
            if rest:
                self._push_rows(client, p, rest, top=top)
            return
        except Refused as exc:
            if exc.status not in (413, 422):
                raise
            if len(rows) > 1:  # find the one event the server cannot take; send the rest
                self._split(client, p, rows)
                return
            if exc.status == 422 and not _blames_events(exc):
                raise
            store.reject_locally(self.engine, [rows[0].wire["event_id"]], str(exc))
            p.rejected += 1
            return
        self._checkpoint("after_push_response")
        result = timed.value
        done = store.apply_push_result(self.engine, rows, result, now=self.clock.now(),
                                       transient_limit=self.settings.transient_rejects)
        p.batches += 1
        p.streak = 0
        p.acked += done.acked
        p.rejected += done.rejected
        p.retried += done.retry
        p.skew_s, p.server_time = timed.skew_s(result.server_time), result.server_time
        p.last_applied = result.last_applied_seq
        p.gaps = [(g.expected, g.got) for g in result.gaps]

    def _split(self, client: SyncClient, p: _Pass, rows: Sequence[store.OutboxRow]) -> None:
        mid = len(rows) // 2
        self._push_rows(client, p, rows[:mid])
        self._push_rows(client, p, rows[mid:])

    def _split_on_server_error(self, p: _Pass, rows: Sequence[store.OutboxRow],
                               exc: OutcomeUnknown, *, top: bool) -> bool:
        """Whether a 5xx is searched for one event the server cannot take (item: a poison
        event must not block the outbox) rather than ending the pass as "offline".

        A batch is split only once its events were sent ``server_error_split_after`` times;
        inside a split every 5xx splits further. A server that is simply down answers 5xx to
        everything: after ``_streak_limit`` failures in a row (a root-to-leaf path and a
        little more) the pass ends, and nothing is listed for attention (``_reject_suspects``).
        """
        if exc.status < 500:
            return False  # timeout, cut connection, captive portal: outcome unknown
        p.streak += 1
        if p.streak > self._streak_limit():
            return False
        return not top or max(r.attempts for r in rows) + 1 >= \
            self.settings.server_error_split_after

    def _streak_limit(self) -> int:
        return 2 * (math.ceil(math.log2(max(2, self.settings.batch_size))) + 1)

    def _reject_suspects(self, p: _Pass) -> None:
        """Events that got a 5xx when sent alone go to the needs-attention list, but only if
        the server took other events in this pass (it is up, the fault is in the event) and
        only after ``server_error_rejects`` sends; otherwise they stay pending."""
        if not p.suspects or p.batches == 0:
            return
        sent = store.attempts_of(self.engine, list(p.suspects))
        for eid, n in sent.items():
            if n >= self.settings.server_error_rejects:
                p.rejected += store.reject_locally(
                    self.engine, [eid], f"server_error: {p.suspects[eid]} (sent {n} times)")
        p.suspects.clear()

    def _pull_all(self, client: SyncClient, p: _Pass) -> None:
        """Page through the ward's change log; each page commits with its cursor."""
        st = store.load_state(self.engine)
        cursor = st.pull_cursor if st else 0
        while True:
            page = client.changes(cursor, self.settings.pull_limit)
            if page.last_seq < cursor:
                # The server's log ends below our cursor: it was restored from an older backup
                # and will reuse those numbers. Read it all again (applying is idempotent).
                cursor = 0
                page = client.changes(cursor, self.settings.pull_limit)
            self._checkpoint("after_pull_fetch")
            p.pulled += store.apply_page(self.engine, page, own_device_id=p.st.device_id,
                                         now=self.clock.now(), checkpoint=self._checkpoint).rows
            self._checkpoint("after_pull_apply")
            cursor = page.next_cursor
            if not page.has_more:
                return


def _foreign_ids(exc: Forbidden, rows: Sequence[store.OutboxRow]) -> set[str]:
    if exc.error != "foreign_ward" or not isinstance(exc.detail, list):
        return set()
    ours = {r.wire["event_id"] for r in rows}
    return {str(d.get("event_id")) for d in exc.detail if isinstance(d, dict)} & ours


def _blames_events(exc: Refused) -> bool:
    """A 422 whose validation errors point into ``events`` (not the envelope)."""
    if not isinstance(exc.detail, list):
        return False
    return any(isinstance(d, dict) and "events" in [str(x) for x in d.get("loc", [])]
               for d in exc.detail)
