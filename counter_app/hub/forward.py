"""On the hub: deliver the relayed events upstream, device by device, as their own device.

The upstream server knows devices, not hubs: each counter's events go up under the counter's
identity with the counter's credential, which the counter hands to the hub with each push
(kept in the hub's credential store, never in its database). A row leaves the hub's outbox
(``upstream_state = 'pending'``) only when the server acknowledged it after its commit; a lost
reply leaves it pending and the resend is a duplicate the server acknowledges again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text

from counter_app.domain.clock import to_db
from counter_app.sync.client import AuthRejected, Forbidden, OutcomeUnknown, Refused, SyncClient
from counter_app.sync.credentials import CredentialMissing, CredentialStore
from counter_app.sync.protocol import MAX_BATCH

log = logging.getLogger(__name__)
ClientFactory = Callable[[str, str], SyncClient]


def credential_key(device_id: str) -> str:
    """Where the hub keeps a counter's upstream token."""
    return f"upstream-{device_id}"


def remember_upstream(engine: Engine, data_dir: Path, *, device_id: str, url: str, token: str,
                      now: datetime) -> None:
    """Note where and as whom a counter's events go upstream."""
    kind = CredentialStore(data_dir).save(credential_key(device_id), token)
    with engine.begin() as c:
        c.execute(text("INSERT INTO hub_upstream(device_id, url, credential_kind, updated_at) "
                       "VALUES (:d, :u, :k, :t) ON CONFLICT(device_id) DO UPDATE SET "
                       "url = :u, credential_kind = :k, updated_at = :t"),
                  {"d": device_id, "u": url, "k": kind, "t": to_db(now)})


@dataclass(frozen=True)
class ForwardReport:
    """One delivery pass: events acknowledged upstream, and whether upstream was reachable."""

    acked: int
    rejected: int
    offline: bool


def forward_once(engine: Engine, data_dir: Path, now: Callable[[], datetime], *,
                 client_factory: ClientFactory | None = None,
                 batch_size: int = MAX_BATCH) -> ForwardReport:
    """Push every device's pending relayed events upstream (in device order, batched)."""
    factory = client_factory or (lambda url, token: SyncClient(url, token, timeout_s=30,
                                                               connect_timeout_s=5))
    with engine.connect() as c:
        targets = c.execute(text(
            "SELECT u.device_id, u.url, u.credential_kind FROM hub_upstream u WHERE EXISTS "
            "(SELECT 1 FROM hub_relay r WHERE r.device_id = u.device_id "
            "AND r.upstream_state = 'pending')")).all()
        c.rollback()
    acked = rejected = 0
    for device_id, url, kind in targets:
        try:
            token = CredentialStore(data_dir).load(credential_key(device_id), kind)
        except CredentialMissing:
            continue
        client = factory(url, token)
        try:
            a, r = _device(engine, client, device_id, now, batch_size)
            acked, rejected = acked + a, rejected + r
        except OutcomeUnknown as exc:
            log.info("upstream unreachable: %s", exc)
            return ForwardReport(acked, rejected, offline=True)
        except (AuthRejected, Forbidden, Refused) as exc:
            log.warning("upstream refused device %s: %s", device_id, exc)
            _note(engine, device_id, f"refused: {exc}")
        finally:
            client.close()
    return ForwardReport(acked, rejected, offline=False)


def _device(engine: Engine, client: SyncClient, device_id: str, now: Callable[[], datetime],
            batch_size: int) -> tuple[int, int]:
    acked = rejected = 0
    after = 0
    while True:
        with engine.connect() as c:
            rows = c.execute(text(
                "SELECT event_id, device_seq, entity_type, entity_uid, type, payload, "
                "payload_hash, device_time FROM hub_relay WHERE device_id = :d AND "
                "upstream_state = 'pending' AND device_seq > :a ORDER BY device_seq LIMIT :n"),
                {"d": device_id, "a": after, "n": batch_size}).all()
            c.rollback()
        if not rows:
            _note(engine, device_id, "ok")
            return acked, rejected
        wire = [{"event_id": r[0], "device_seq": int(r[1]), "entity_type": r[2],
                 "entity_uid": r[3], "type": r[4], "payload": r[5], "payload_hash": r[6],
                 "device_time": r[7]} for r in rows]
        result = client.push(device_id, wire, now()).value
        ok = {str(u) for u in (*result.acked, *result.duplicates)}
        bad = {str(v.event_id): f"{v.reason}: {v.detail}" for v in
               (*result.rejected, *result.conflicts)}
        with engine.begin() as c:
            if ok:
                c.execute(text("UPDATE hub_relay SET upstream_state = 'acked', "
                               "upstream_error = '' WHERE event_id = :e"),
                          [{"e": e} for e in ok])
            if bad:
                c.execute(text("UPDATE hub_relay SET upstream_state = 'rejected', "
                               "upstream_error = :m WHERE event_id = :e"),
                          [{"e": e, "m": m[:500]} for e, m in bad.items()])
        acked, rejected = acked + len(ok), rejected + len(bad)
        after = int(rows[-1][1])


def _note(engine: Engine, device_id: str, outcome: str) -> None:
    with engine.begin() as c:
        c.execute(text("UPDATE hub_upstream SET last_outcome = :o WHERE device_id = :d"),
                  {"o": outcome[:300], "d": device_id})
