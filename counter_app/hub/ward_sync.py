"""A paired counter's sync: through the ward hub while it answers, straight upstream otherwise.

Through the hub, the pass is the upstream pass on the LAN (SYNC.md holds on this hop too):
settle with the hub's view of this device (a lost reply, a hub restored from an older copy),
push the outbox in ``device_seq`` order, events acknowledged only by a reply carrying the
protocol marker, then pull the hub's change log, each page committed with its cursor (kept in
``hub_link``, apart from upstream's). The counter's upstream credential travels with each push
so the hub can deliver its events upstream as this device.

When the hub does not answer, the same pass runs against upstream (``SyncPump``). Events the
hub acknowledged but had not delivered yet are then found missing by upstream's settle step
and sent again directly; when the hub comes back and delivers them too, upstream answers
"duplicate": one row each, nothing lost, nothing doubled.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from counter_app.hub.errors import HubError
from counter_app.hub.link import HubLink, hub_token, load_link, note_link
from counter_app.hub.wire import UPSTREAM_TOKEN_HEADER, UPSTREAM_URL_HEADER
from counter_app.sync import store
from counter_app.sync.client import OutcomeUnknown, SyncClient, SyncError
from counter_app.sync.credentials import CredentialMissing
from counter_app.sync.lock import SyncBusy, SyncLock
from counter_app.sync.pump import Outcome, SyncPump, SyncReport
from db.engine import read_session
from db.models import DeviceState

log = logging.getLogger(__name__)
DEVICE_HEADER = "X-Motcua-Device"
HUB_TIMEOUT_S = 5.0


def _save_hub_cursor(conn: Connection, cursor: int) -> None:
    conn.execute(text("UPDATE hub_link SET pull_cursor = :c WHERE id = 1"), {"c": cursor})


class WardSync(SyncPump):
    """``SyncPump`` that goes through the ward hub when this PC is paired with one."""

    upstream_pull_every_s = 60.0
    """While the hub carries the sync, upstream's own changes (decisions, catalogue) are
    pulled this often, when the internet is up."""

    _last_upstream_pull = float("-inf")

    def run_once(self) -> SyncReport:
        """One pass via the hub, or straight upstream when not paired or the hub is away."""
        link = load_link(self.engine)
        if link is None:
            return super().run_once()
        started = self.clock.now()
        lock = SyncLock(self.data_dir)
        try:
            lock.acquire()
        except SyncBusy:
            return SyncReport(Outcome.BUSY, started, error="another sync run holds the lock")
        try:
            report = self._via_hub(link, started)
        finally:
            lock.release()
        if report is not None:
            self._maybe_pull_upstream()
            return report
        return super().run_once()  # the hub is away: straight upstream

    # -- through the hub --------------------------------------------------------------------

    def _identity(self) -> tuple[str, int, dict[str, str]]:
        st = store.load_state(self.engine)
        if st is None:  # never enrolled upstream: the hub still relays on the LAN
            with read_session(self.engine) as s:
                dev = s.get(DeviceState, 1)
                return (dev.device_id if dev else ""), 0, {}
        try:
            token = self.credentials.load(st.device_id, st.credential_store)
        except CredentialMissing:
            return st.device_id, st.seq_offset, {}
        return st.device_id, st.seq_offset, {UPSTREAM_URL_HEADER: st.server_url,
                                             UPSTREAM_TOKEN_HEADER: token}

    def _via_hub(self, link: HubLink, started: datetime) -> SyncReport | None:
        device_id, offset, upstream = self._identity()
        if not device_id:
            return None
        try:
            token = hub_token(self.data_dir, link)
        except HubError:
            return None
        client = SyncClient(link.hub_url, token, timeout_s=HUB_TIMEOUT_S,
                            connect_timeout_s=min(2.0, HUB_TIMEOUT_S),
                            extra_headers={DEVICE_HEADER: device_id, **upstream})
        acked = pulled = 0
        try:
            ds = client.status(self.clock.now()).value
            if store.max_acked_wire_seq(self.engine, offset) > ds.last_applied_seq:
                store.requeue_lost(self.engine, offset=offset, max_seen=ds.max_seq_seen,
                                   gaps=ds.open_gaps)
            acked = self._push(client, device_id, offset)
            pulled = self._pull(client, device_id, link.pull_cursor)
        except SyncError as exc:
            log.info("hub unavailable, syncing upstream directly: %s", exc)
            note_link(self.engine, error=str(exc))
            return None
        finally:
            client.close()
        note_link(self.engine, ok_at=self.clock.now())
        c = store.counts(self.engine, offset)
        return SyncReport(Outcome.OK, started, acked=acked, pulled=pulled, pending=c["pending"],
                          attention=c["rejected"] + c["stranded"], stranded=c["stranded"])

    def _push(self, client: SyncClient, device_id: str, offset: int) -> int:
        acked, after = 0, offset
        while True:
            rows = store.next_batch(self.engine, after_local_seq=after, offset=offset,
                                    limit=self.settings.batch_size)
            if not rows:
                return acked
            try:
                result = client.push(device_id, [r.wire for r in rows], self.clock.now()).value
            except OutcomeUnknown as exc:
                store.note_attempt(self.engine, rows, f"hub: outcome unknown: {exc}")
                raise
            self._checkpoint("after_hub_push_response")
            acked += store.apply_push_result(self.engine, rows, result, now=self.clock.now(),
                                             transient_limit=self.settings.transient_rejects
                                             ).acked
            after = rows[-1].local_seq

    def _pull(self, client: SyncClient, device_id: str, cursor: int) -> int:
        pulled = 0
        while True:
            page = client.changes(cursor, self.settings.pull_limit)
            if page.last_seq < cursor:  # the hub's log restarted (restored): read it again
                cursor = 0
                page = client.changes(cursor, self.settings.pull_limit)
            pulled += store.apply_page(self.engine, page, own_device_id=device_id,
                                       now=self.clock.now(), checkpoint=self._checkpoint,
                                       save_cursor=_save_hub_cursor).rows
            cursor = page.next_cursor
            if not page.has_more:
                return pulled

    def _maybe_pull_upstream(self) -> None:
        """Upstream's own changes, now and then, when the internet is up (best effort)."""
        if time.monotonic() - self._last_upstream_pull < self.upstream_pull_every_s:
            return
        self._last_upstream_pull = time.monotonic()
        st = store.load_state(self.engine)
        if st is None:
            return
        try:
            token = self.credentials.load(st.device_id, st.credential_store)
            with SyncClient(st.server_url, token, timeout_s=self.settings.timeout_s,
                            connect_timeout_s=2.0) as up:
                cursor = st.pull_cursor
                while True:
                    page = up.changes(cursor, self.settings.pull_limit)
                    store.apply_page(self.engine, page, own_device_id=st.device_id,
                                     now=self.clock.now(), checkpoint=self._checkpoint)
                    cursor = page.next_cursor
                    if not page.has_more:
                        return
        except (SyncError, CredentialMissing) as exc:
            log.info("upstream pull skipped: %s", exc)
