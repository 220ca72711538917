"""Event rows read straight from the file's pages, for when SQLite cannot reach them.

A truncated file can lose a page of the schema (then SQLite reads nothing at all), and a
damaged interior page hides every leaf below it although those leaves are intact. Here every
table-leaf page is decoded with the documented record format (sqlite.org/fileformat2.html) and
the cells shaped like an ``event`` row are kept. Used only for rows the SQL read could not get;
the event log is append-only, so a stale copy of a row (a page freed by a rebalance) can differ
only in its delivery state, and a resend is acknowledged by the server as a duplicate.
"""

from __future__ import annotations

import mmap
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_LEAF_TABLE = 0x0D
_COLS = 15  # id (rowid alias, stored NULL), then the 14 columns of db.salvage.EVENT_COLS
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_STATES = frozenset(("pending", "sending", "acked", "rejected"))


def _varint(buf: bytes, at: int) -> tuple[int, int]:
    v = 0
    for i in range(8):
        b = buf[at + i]
        v = (v << 7) | (b & 0x7F)
        if not b & 0x80:
            return v, at + i + 1
    return (v << 8) | buf[at + 8], at + 9


def _value(serial: int, buf: bytes, at: int) -> tuple[Any, int]:
    if serial == 0:
        return None, at
    if serial in (8, 9):
        return serial - 8, at
    if 1 <= serial <= 6:
        n = (1, 2, 3, 4, 6, 8)[serial - 1]
        return int.from_bytes(buf[at:at + n], "big", signed=True), at + n
    if serial == 7:
        return struct.unpack(">d", buf[at:at + 8])[0], at + 8
    n = (serial - 12) // 2
    raw = buf[at:at + n]
    if len(raw) < n:
        raise ValueError("record runs past its payload")
    return (raw if serial % 2 == 0 else raw.decode("utf-8")), at + n


def _record(payload: bytes) -> list[Any]:
    size, at = _varint(payload, 0)
    serials = []
    while at < size:
        s, at = _varint(payload, at)
        serials.append(s)
    out, at = [], size
    for s in serials:
        v, at = _value(s, payload, at)
        out.append(v)
    return out


class _File:
    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        self.size = struct.unpack(">H", data[16:18])[0] or 65536
        self.size = 65536 if self.size == 1 else self.size
        self.usable = self.size - data[20]

    def page(self, n: int) -> bytes:
        return self.data[(n - 1) * self.size:n * self.size]

    def pages(self) -> int:
        return len(self.data) // self.size

    def cell_payload(self, page: bytes, at: int) -> tuple[int, bytes]:
        size, at = _varint(page, at)
        rowid, at = _varint(page, at)
        u, x = self.usable, self.usable - 35
        if size <= x:
            return rowid, page[at:at + size]
        m = ((u - 12) * 32 // 255) - 23
        local = m + (size - m) % (u - 4)
        local = local if local <= x else m
        out = bytearray(page[at:at + local])
        nxt = struct.unpack(">I", page[at + local:at + local + 4])[0]
        seen = 0
        while len(out) < size and 0 < nxt <= self.pages() and seen < 10_000:
            ov = self.page(nxt)
            nxt = struct.unpack(">I", ov[:4])[0]
            out += ov[4:u]
            seen += 1
        if len(out) < size:
            raise ValueError("overflow chain broken")
        return rowid, bytes(out[:size])


def _is_event(rec: list[Any]) -> bool:
    return (len(rec) == _COLS and rec[0] is None and isinstance(rec[1], str)
            and bool(_UUID.match(rec[1])) and isinstance(rec[3], int)
            and isinstance(rec[7], str) and isinstance(rec[8], str) and bool(_HEX64.match(rec[8]))
            and rec[11] in _STATES)


def scan_event_rows(db_path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(rowid, the 14 event columns) of every intact cell shaped like an event row."""
    for rowid, rec in _cells(db_path):
        if _is_event(rec):
            yield rowid, rec[1:]


def scan_last_device_seq(db_path: Path) -> int:
    """``device_state.last_device_seq`` found in the pages (0 if not found): how many events
    the device had made, when SQLite cannot say."""
    for rowid, rec in _cells(db_path):
        if (rowid == 1 and len(rec) == 8 and isinstance(rec[1], str) and bool(_UUID.match(rec[1]))
                and all(isinstance(v, int) for v in rec[2:6])):
            return int(rec[5])
    return 0


def _cells(db_path: Path) -> Iterator[tuple[int, list[Any]]]:
    with db_path.open("rb") as fh:
        if db_path.stat().st_size < 100 or fh.read(16) != b"SQLite format 3\x00":
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield from _scan(_File(data))


def _scan(f: _File) -> Iterator[tuple[int, list[Any]]]:
    for n in range(1, f.pages() + 1):
        page = f.page(n)
        head = 100 if n == 1 else 0
        if page[head] != _LEAF_TABLE:
            continue
        cells = struct.unpack(">H", page[head + 3:head + 5])[0]
        for i in range(cells):
            try:
                ptr = struct.unpack(">H", page[head + 8 + 2 * i:head + 10 + 2 * i])[0]
                rowid, payload = f.cell_payload(page, ptr)
                yield rowid, _record(payload)
            except (ValueError, IndexError, struct.error, UnicodeDecodeError):
                continue
