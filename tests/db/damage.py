"""Building a store with a backup behind it, and damaging its file the ways disks do."""

from __future__ import annotations

import re
import shutil
import sqlite3
import struct
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.backup import make_backup
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward, seed_dossiers

PAGE_LEAF_TABLE = 0x0D
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def clock() -> FixedClock:
    return FixedClock(vn_datetime(2026, 11, 20, 9, 15))


@dataclass(frozen=True)
class Store:
    """A data folder: ``counter.db`` and a backup made before the last ``after`` dossiers."""

    data_dir: Path

    @property
    def db(self) -> Path:
        return self.data_dir / "counter.db"

    @property
    def backup(self) -> Path:
        return next((self.data_dir / "backups").glob("counter-*.db"))

    def events(self, path: Path | None = None) -> dict[str, tuple[int, str, str]]:
        """event_id -> (device_seq, state, payload_hash) of a healthy file."""
        with closing(sqlite3.connect(path or self.db)) as c:
            return {r[0]: (r[1], r[2], r[3]) for r in c.execute(
                "SELECT event_id, device_seq, state, payload_hash FROM event")}

    def dossier_uids(self, path: Path | None = None) -> set[str]:
        with closing(sqlite3.connect(path or self.db)) as c:
            return {r[0] for r in c.execute("SELECT uid FROM dossier")}


def build_store(data_dir: Path, *, before: int = 300, after: int = 100) -> Store:
    """A demo ward with ``before`` dossiers, a backup, then ``after`` more; WAL folded in."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "counter.db"
    clk = clock()
    svc = open_services(db, clk)
    ensure_demo_ward(svc.engine, clk)
    seed_dossiers(svc.engine, clk, before, seed=7)
    make_backup(db, data_dir / "backups", clk.now())
    seed_dossiers(svc.engine, clk, after, seed=8)
    svc.close()  # the last connection checkpoints: everything is in counter.db
    return Store(data_dir)


def copy_store(template: Store, data_dir: Path) -> Store:
    shutil.copytree(template.data_dir, data_dir)
    return Store(data_dir)


def page_size(db: Path) -> int:
    return int(struct.unpack(">H", db.read_bytes()[16:18])[0])


def event_leaf_pages(db: Path) -> list[int]:
    """Pages (1-based) that are table leaves holding event rows (an event_id and a hash)."""
    ids = {k.encode() for k in Store(db.parent).events(db)}
    data, size = db.read_bytes(), page_size(db)
    out = []
    for n in range(1, len(data) // size + 1):
        page = data[(n - 1) * size:n * size]
        kind = page[100 if n == 1 else 0]
        if kind == PAGE_LEAF_TABLE and any(m in ids for m in _UUID.findall(page)) \
                and b'"components"' in page:
            out.append(n)
    return out


def rows_on_page(db: Path, n: int) -> set[str]:
    """event_ids stored on page ``n`` (read before damaging it)."""
    ids = {k.encode() for k in Store(db.parent).events(db)}
    size = page_size(db)
    page = db.read_bytes()[(n - 1) * size:n * size]
    return {m.decode() for m in _UUID.findall(page) if m in ids}


def zero_page(db: Path, n: int) -> None:
    size = page_size(db)
    with db.open("r+b") as f:
        f.seek((n - 1) * size)
        f.write(b"\x00" * size)


def flip_bit_in_payload(db: Path, event_id: str) -> None:
    """Flip the low bit of one digit of the event's payload (stays valid UTF-8 and JSON)."""
    with closing(sqlite3.connect(db)) as c:
        payload = c.execute("SELECT payload FROM event WHERE event_id = ?",
                            (event_id,)).fetchone()[0].encode()
    data = bytearray(db.read_bytes())
    at = data.find(payload)
    assert at >= 0 and data.find(payload, at + 1) < 0
    digit = next(i for i, b in enumerate(payload) if payload[i - 13:i] == b'"fee_amount":')
    data[at + digit] ^= 0x01
    db.write_bytes(bytes(data))


def crash_snapshot_with_wal(store: Store, snap: Path, *, more: int = 50) -> int:
    """Add ``more`` dossiers that stay in the WAL (no checkpoint), and copy the files as a
    power cut would leave them. Returns how many events the snapshot holds."""
    from sqlalchemy import event as sa_event

    from counter_app.services.context import build_services
    from db.engine import make_engine

    engine = make_engine(store.db)
    sa_event.listen(engine, "connect",
                    lambda c, _r: c.execute("PRAGMA wal_autocheckpoint = 0"))
    svc = build_services(engine, clock())
    seed_dossiers(engine, svc.clock, more, seed=9)
    snap.mkdir(parents=True)
    for side in ("", "-wal", "-shm"):
        shutil.copyfile(f"{store.db}{side}", snap / f"counter.db{side}")
    shutil.copytree(store.data_dir / "backups", snap / "backups")
    with closing(engine.raw_connection()) as raw:
        n = int(raw.execute("SELECT COUNT(*) FROM event").fetchone()[0])
    engine.dispose()
    return n


def checkpoint_stopped_by_full_disk(db: Path) -> None:
    """What a checkpoint leaves when the disk fills while it extends the main file: page 1
    (the header with the new page count) is written, the pages past the end are not."""
    wal = Path(f"{db}-wal").read_bytes()
    size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    page1 = None
    for at in range(32, len(wal) - 24 - size + 1, 24 + size):
        if wal[at + 8:at + 16] != salts:
            break
        if struct.unpack(">I", wal[at:at + 4])[0] == 1:
            page1 = wal[at + 24:at + 24 + size]
    assert page1 is not None
    with db.open("r+b") as f:
        f.write(page1)
