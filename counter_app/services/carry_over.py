"""Carrying events (and the dossiers they describe) from a store set aside into a restored one.

Events keep their identity, ``device_seq`` and delivery state: a pending event is still sent
once, an acked one stays acked. A ``dossier.received`` payload holds the whole dossier; it goes
back in through the sync pull's insert (one write path for "a dossier made elsewhere"). Events
of other kinds (tickets, accounts, calendar) are carried for sync and audit only: their rows are
not rebuilt here (see ``CarryReport.other``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from counter_app.domain.clock import local, to_db
from counter_app.sync.protocol import DossierRecord
from counter_app.sync.store import _has_dossier, _upsert
from db.salvage import EVENT_COLS, LostEvent, SalvageReport, Unopenable, open_read_only
from db.salvage import salvage_events as _salvage

log = logging.getLogger(__name__)

_DELIVERY = ("state", "attempts", "last_error", "acked_at")
_SETTLED = ("acked", "rejected")
_IDENTITY_TABLES = ("device_state", "sync_state")


@dataclass(frozen=True)
class CarryReport:
    """What was carried over from the store set aside."""

    read: int = 0  # events readable in the store set aside
    carried: int = 0  # events the backup lacked, now in the restored store
    state_updated: int = 0  # events the backup held as pending, settled since
    dossiers: int = 0  # dossier rows put back from carried events
    not_applied: tuple[str, ...] = ()  # dossier events carried whose row could not be rebuilt
    conflicts: tuple[int, ...] = ()  # device_seq the backup holds under another event
    lost: tuple[LostEvent, ...] = ()  # rows of the store set aside that could not be read
    bad_hash: tuple[int, ...] = ()  # device_seq whose payload fails its SHA-256
    other: dict[str, int] = field(default_factory=dict)  # carried events by type, rows not rebuilt


@dataclass
class _Acc:
    carried: int = 0
    updated: int = 0
    dossiers: int = 0
    not_applied: list[str] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    other: Counter[str] = field(default_factory=Counter)


def carry_over(aside: Path, engine: Engine, now: datetime) -> CarryReport:
    """Add to ``engine``'s store every event of ``aside`` it lacks, in one transaction."""
    sal = SalvageReport()
    acc = _Acc()
    at = to_db(now)
    try:
        with engine.begin() as conn:
            known = {str(k): str(v) for k, v in conn.execute(
                text("SELECT event_id, state FROM event")).all()}
            for row in _salvage(aside, sal):
                _one(conn, row, known, acc, at)
            _copy_identity(aside, conn)
            conn.execute(text("UPDATE device_state SET last_device_seq = MAX(last_device_seq, "
                              "(SELECT COALESCE(MAX(device_seq), 0) FROM event)) WHERE id = 1"))
    except Unopenable:
        log.info("store set aside %s cannot be opened: nothing to carry over", aside)
        return CarryReport()
    return CarryReport(sal.read, acc.carried, acc.updated, acc.dossiers, tuple(acc.not_applied),
                       tuple(acc.conflicts), tuple(sal.lost), tuple(sal.bad_hash),
                       dict(acc.other))


def _one(conn: Connection, row: dict[str, Any], known: dict[str, str], acc: _Acc,
         at: str) -> None:
    eid = row["event_id"]
    if eid in known:
        if row["state"] in _SETTLED and known[eid] not in _SETTLED:
            conn.execute(text("UPDATE event SET state = :state, attempts = :attempts, "
                              "last_error = :last_error, acked_at = :acked_at "
                              "WHERE event_id = :event_id"),
                         {k: row[k] for k in (*_DELIVERY, "event_id")})
            acc.updated += 1
        return
    n = conn.execute(text(
        f"INSERT INTO event({', '.join(EVENT_COLS)}) VALUES "
        f"({', '.join(':' + c for c in EVENT_COLS)}) ON CONFLICT DO NOTHING"),
        {c: row[c] for c in EVENT_COLS}).rowcount
    if not n:
        acc.conflicts.append(int(row["device_seq"]))
        return
    acc.carried += 1
    if row["type"] != "dossier.received":
        acc.other[str(row["type"])] += 1
        return
    try:
        if not row["hash_ok"]:
            raise ValueError("payload does not match its hash")
        rec = DossierRecord.model_validate_json(row["payload"])
    except ValueError:
        acc.not_applied.append(str(row["entity_uid"]))
        return
    if _upsert(conn, rec, at):
        acc.dossiers += 1
        _bump_ledger(conn, rec)
    elif not _has_dossier(conn, rec):
        acc.not_applied.append(rec.code)  # its procedure is not in the backup's catalogue


def _bump_ledger(conn: Connection, rec: DossierRecord) -> None:
    """The ledger's next line stays after the lines of the dossiers put back."""
    if not rec.ledger_book:
        return
    conn.execute(text(
        "INSERT INTO setting(key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET "
        "value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))"),
        {"k": f"ledger:{rec.ledger_book}:{local(rec.received_at).year}",
         "v": str(rec.ledger_line)})


def _seq(conn: Connection) -> int:
    v = conn.execute(text("SELECT last_device_seq FROM device_state WHERE id = 1")).scalar()
    return int(v or 0)


def _copy_identity(aside: Path, conn: Connection) -> None:
    """The device's identity and sync position as they were in the store set aside (newer
    than the backup's: an enrolment or pull made after it); skipped where unreadable."""
    try:
        src = open_read_only(aside)
    except Unopenable:
        return
    try:
        for table in _IDENTITY_TABLES:
            try:
                cur = src.execute(f"SELECT * FROM {table} WHERE id = 1")
                row = cur.fetchone()
            except sqlite3.Error as exc:
                log.info("carry over: %s unreadable in the store set aside: %s", table, exc)
                continue
            if row is None:
                continue
            values = {d[0]: (v.decode("utf-8", "replace") if isinstance(v, bytes) else v)
                      for d, v in zip(cur.description, row, strict=True)}
            if table == "device_state" and int(values.get("last_device_seq") or 0) < _seq(conn):
                return  # the store set aside is behind the backup (e.g. a new empty one)
            cols = list(values)
            conn.execute(text(
                f"INSERT INTO {table}({', '.join(cols)}) VALUES "
                f"({', '.join(':' + c for c in cols)}) ON CONFLICT(id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")), values)
    finally:
        src.close()
