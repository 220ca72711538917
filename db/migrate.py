"""Alembic migrations applied at start; a database newer than the app is refused.

Start-up is on the critical path, so the common case (the database is already at the newest
revision) is settled with one SQL read and no Alembic import; Alembic loads only to migrate.
"""

from __future__ import annotations

import logging
import sqlite3
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from db.engine import StoreCorrupt, StoreFull, StoreTooNew, raise_if_disk_full

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
_HERE = Path(__file__).resolve().parent
_VERSIONS = _HERE / "migrations" / "versions"


def alembic_config() -> Config:
    """The Alembic configuration of the counter's store (no ini file needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    return cfg


def known_revisions() -> list[str]:
    """Revision ids this app ships, oldest first (files are named ``NNNN_*.py``, id ``NNNN``)."""
    return sorted(p.name.split("_", 1)[0] for p in _VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def head_revision() -> str:
    """The newest migration this version of the app knows."""
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None for an empty one."""
    with engine.connect() as conn:
        has = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'alembic_version'")).first()
        if has is None:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return str(row[0]) if row else None


TRUNCATED_VI = "Tệp dữ liệu bị cắt cụt (thiếu phần cuối), có thể do mất điện hoặc sao chép dở."
NOT_A_DB_VI = "Tệp dữ liệu không phải cơ sở dữ liệu của phần mềm hoặc đã hỏng phần đầu."
DAMAGED_VI = "Tệp dữ liệu bị hỏng (kiểm tra từng trang phát hiện lỗi)."
UNREADABLE_VI = "Không đọc được tệp dữ liệu: tệp bị hỏng hoặc không phải cơ sở dữ liệu."
_WAL_HEADER = 32


def _header_shortfall(path: Path) -> int:
    """How many bytes the header says the file has beyond its real size (0: none)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise StoreCorrupt(NOT_A_DB_VI)
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if valid_for != change_counter:
        return 0
    return max(0, int(pages) * int(page_size) - size)


def check_file(path: Path) -> None:
    """O(1) checks of the file itself: the SQLite header, and no truncation.

    The full page-by-page check (``check_integrity``) is too slow for start-up on a large
    store; the app runs it in the background after login. A header ahead of the file is normal
    when a checkpoint stopped half-way (a full disk): the pages are still in the WAL, so the
    checkpoint is finished now (bounded by the WAL's size) before judging the file.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    short = _header_shortfall(path)
    if not short:
        return
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > _WAL_HEADER and not _finish_checkpoint(path):
        return  # another process holds the store open and is using it: nothing to judge
    if _header_shortfall(path):
        log.info("store truncated: header is %d bytes ahead of %s", short, path)
        raise StoreCorrupt(TRUNCATED_VI)


WAL_LOST_VI = ("Tệp nhật ký ghi ({name}-wal) bị mất sau khi máy tắt đột ngột: {frames} trang "
               "thay đổi gần nhất chưa kịp ghi vào tệp chính nên có thể đã mất.")
_SHM_VERSION = 3007000


def wal_lost_frames(path: Path) -> int:
    """Committed WAL frames not yet copied into ``path`` whose ``-wal`` file is gone (0: none).

    Read from the ``-shm`` index a crash leaves behind (a clean close deletes both files).
    Call before anything opens the store: the first connection resets a stale index.
    """
    shm, wal = path.with_name(path.name + "-shm"), path.with_name(path.name + "-wal")
    if wal.exists() or not shm.exists() or shm.stat().st_size < 136:
        return 0
    with shm.open("rb") as f:
        head = f.read(136)
    version, init, max_frame = struct.unpack("=I8xB3xI", head[:20])
    backfilled = struct.unpack("=I", head[96:100])[0]
    if version != _SHM_VERSION or not init:
        return 0
    return max(0, int(max_frame) - int(backfilled))


def _finish_checkpoint(path: Path) -> bool:
    """Copy the WAL into the main file; False when a reader kept it from completing."""
    try:
        conn = sqlite3.connect(path)
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise_if_disk_full(exc)
        log.info("checkpoint at start failed: %s", exc)
        raise StoreCorrupt(UNREADABLE_VI) from exc
    return not busy


def check_integrity(engine: Engine) -> None:
    """SQLite's full quick_check; raise StoreCorrupt when the file is damaged.

    The official gets a plain sentence; SQLite's own findings go to the log.
    """
    try:
        with engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
    except StoreFull:
        raise
    except Exception as exc:  # not a database, truncated, ...
        log.info("quick_check could not run: %s", exc)
        raise StoreCorrupt(UNREADABLE_VI) from exc
    if rows != ["ok"]:
        log.info("quick_check: %s", "; ".join(rows[:20]))
        raise StoreCorrupt(DAMAGED_VI)


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; refuse one written by a newer app."""
    db_file = engine.url.database
    if db_file and db_file != ":memory:":
        check_file(Path(db_file))
    try:
        current = current_revision(engine)
    except StoreFull:
        raise
    except Exception as exc:
        log.info("reading the schema version failed: %s", exc)
        raise StoreCorrupt(UNREADABLE_VI) from exc
    if current == head_revision():
        return
    if current is not None and current not in known_revisions():
        raise StoreTooNew(
            "Cơ sở dữ liệu được tạo bởi phiên bản mới hơn của phần mềm "
            f"(phiên bản {current}). Hãy cập nhật phần mềm."
        )
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
