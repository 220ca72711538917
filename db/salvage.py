"""Reading the event log out of a store that may be damaged, row by row.

One damaged page must cost the events on that page, not the whole log: a plain
``SELECT … ORDER BY device_seq`` stops at the first bad page (0 events exported). Here the
table is read by rowid ranges, and a range that fails is read again one row at a time; rows
that still fail are named (their ``event_id`` and ``device_seq`` from the indexes, when those
are readable). Every payload is checked against its SHA-256. Plain ``sqlite3``, read-only,
nothing but the event table and the two counters that bound it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.salvage_pages import scan_event_rows, scan_last_device_seq

log = logging.getLogger(__name__)

EVENT_COLS = ("event_id", "device_id", "device_seq", "entity_type", "entity_uid", "type",
              "payload", "payload_hash", "device_time", "official_id", "state", "attempts",
              "last_error", "acked_at")
_TEXT = frozenset(("event_id", "device_id", "entity_type", "entity_uid", "type", "payload",
                   "payload_hash", "device_time", "state", "last_error", "acked_at"))
_RANGE = 256
_BOUNDS = ("SELECT MAX(id) FROM event", "SELECT MAX(device_seq) FROM event",
           "SELECT last_device_seq FROM device_state WHERE id = 1")


class Unopenable(Exception):
    """The file cannot be opened as a database at all (missing, empty, not SQLite)."""


@dataclass(frozen=True)
class LostEvent:
    """A row of the event table that could not be read; what the indexes still tell of it."""

    row_id: int
    event_id: str | None
    device_seq: int | None


@dataclass
class SalvageReport:
    """Filled while the events are read: what could not be read, what does not match."""

    expected: int = 0
    read: int = 0
    lost: list[LostEvent] = field(default_factory=list)
    bad_hash: list[int] = field(default_factory=list)  # device_seq of mismatching payloads

    @property
    def complete(self) -> bool:
        """Every event was read and every payload matches its hash."""
        return not self.lost and not self.bad_hash and self.read >= self.expected


def open_read_only(db_path: Path) -> sqlite3.Connection:
    """A read-only connection; Unopenable when the file is missing or not a database."""
    conn = _try_open(db_path)
    if conn is None:
        raise Unopenable(f"{db_path}: schema unreadable")
    return conn


def _try_open(db_path: Path) -> sqlite3.Connection | None:
    """Unopenable when missing, empty or not SQLite; None when SQLite cannot read its schema."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        raise Unopenable(str(db_path))
    with db_path.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise Unopenable(f"{db_path}: not an SQLite file")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise Unopenable(str(exc)) from exc
    conn.text_factory = bytes
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        log.info("salvage: schema unreadable (%s): reading pages directly", exc)
        conn.close()
        return None
    return conn


def salvage_events(db_path: Path, report: SalvageReport) -> Iterator[dict[str, Any]]:
    """Every readable event, each with ``hash_ok``: in rowid (= device) order through SQLite,
    then the rows only a page scan could reach (``db.salvage_pages``), in rowid order."""
    conn = _try_open(db_path)
    holes = _Holes()
    if conn is not None:
        try:
            yield from _emit(_read_all(conn, report, holes), report)
            report.lost = _name_lost(conn, holes.ids)
        finally:
            conn.close()
    if conn is not None and not holes.ids and holes.tail_after is None:
        return
    found: dict[int, list[Any]] = {}
    wanted, tail = set(holes.ids), holes.tail_after
    for rowid, cols in scan_event_rows(db_path):
        missing = conn is None or rowid in wanted or (tail is not None and rowid > tail)
        if missing and rowid not in found:
            found[rowid] = cols
    yield from _emit((_row((rid, *found[rid])) for rid in sorted(found)), report)
    report.lost = [e for e in report.lost if e.row_id not in found]
    if conn is None:  # rows past the last one found are gone with their pages: count them
        report.expected = max(found, default=0)
        last = scan_last_device_seq(db_path)
        report.lost += [LostEvent(r, None, None) for r in range(report.expected + 1, last + 1)]
        report.lost += [LostEvent(r, None, None) for r in range(1, report.expected + 1)
                        if r not in found]
        report.lost.sort(key=lambda e: e.row_id)
    report.expected = max(report.expected, report.read + len(report.lost))


@dataclass
class _Holes:
    """Rows the SQL read could not get: single rowids, and everything past ``tail_after``."""

    ids: list[int] = field(default_factory=list)
    tail_after: int | None = None


def _emit(rows: Iterator[dict[str, Any]], report: SalvageReport) -> Iterator[dict[str, Any]]:
    for row in rows:
        report.read += 1
        if not row["hash_ok"]:
            report.bad_hash.append(int(row["device_seq"]))
        yield row


def _read_all(conn: sqlite3.Connection, report: SalvageReport,
              holes: _Holes) -> Iterator[dict[str, Any]]:
    report.expected = _upper_bound(conn)
    lo = 0
    while lo < report.expected:
        yield from _read_range(conn, lo, min(lo + _RANGE, report.expected), holes)
        lo += _RANGE
    yield from _read_range(conn, report.expected, None, holes)  # past the known bound


def _upper_bound(conn: sqlite3.Connection) -> int:
    """The highest event rowid, from whichever counter is still readable (ids are 1..n)."""
    best = 0
    for sql in _BOUNDS:
        try:
            v = conn.execute(sql).fetchone()
        except sqlite3.Error as exc:
            log.info("salvage: %s failed: %s", sql, exc)
            continue
        if v and v[0] is not None:
            best = max(best, int(v[0]))
    return best


def _select(where: str) -> str:
    return f"SELECT id, {', '.join(EVENT_COLS)} FROM event WHERE {where} ORDER BY id"


def _read_range(conn: sqlite3.Connection, lo: int, hi: int | None,
                holes: _Holes) -> list[dict[str, Any]]:
    """Rows with lo < id <= hi; on a damaged page, one row at a time."""
    try:
        if hi is None:
            raw = conn.execute(_select("id > ?"), (lo,)).fetchall()
        else:
            raw = conn.execute(_select("id > ? AND id <= ?"), (lo, hi)).fetchall()
        return [_row(r) for r in raw]
    except sqlite3.Error:
        if hi is None:  # past every known bound: only a page scan can tell what is there
            holes.tail_after = lo
            return []
    out = []
    for rid in range(lo + 1, hi + 1):
        try:
            one = conn.execute(_select("id = ?"), (rid,)).fetchone()
        except sqlite3.Error:
            holes.ids.append(rid)
            continue
        if one is not None:
            out.append(_row(one))
    return out


def _row(raw: tuple[Any, ...]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    damaged = False
    for name, value in zip(EVENT_COLS, raw[1:], strict=True):
        if name in _TEXT and isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                value, damaged = value.decode("utf-8", "replace"), True
        row[name] = value
    payload = raw[1 + EVENT_COLS.index("payload")]
    body = payload if isinstance(payload, bytes) else str(payload).encode("utf-8")
    row["hash_ok"] = not damaged and hashlib.sha256(body).hexdigest() == row["payload_hash"]
    return row


def _name_lost(conn: sqlite3.Connection, bad_ids: list[int]) -> list[LostEvent]:
    """What the two unique indexes (event_id, device_seq) still hold for unreadable rows."""
    if not bad_ids:
        return []
    wanted = set(bad_ids)
    ids = _index_scan(conn, "SELECT id, event_id FROM event WHERE event_id > ''", wanted)
    seqs = _index_scan(conn, "SELECT id, device_seq FROM event WHERE device_seq > -1", wanted)
    return [LostEvent(r, _text(ids.get(r)), _int(seqs.get(r))) for r in sorted(wanted)]


def _index_scan(conn: sqlite3.Connection, sql: str, wanted: set[int]) -> dict[int, Any]:
    """A covering index scan (the table itself is not read); partial if the index is damaged."""
    out: dict[int, Any] = {}
    try:
        for rid, v in conn.execute(sql):
            if rid in wanted:
                out[rid] = v
    except sqlite3.Error as exc:
        log.info("salvage: index scan stopped: %s", exc)
    return out


def _text(v: Any) -> str | None:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else v


def _int(v: Any) -> int | None:
    return int(v) if isinstance(v, int) else None


def count_events(db_path: Path) -> int:
    """How many events a (healthy) store holds."""
    conn = open_read_only(db_path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM event").fetchone()[0])
    finally:
        conn.close()
