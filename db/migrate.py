"""Alembic migrations applied at start; a database newer than the app is refused.

Start-up is on the critical path, so the common case (the database is already at the newest
revision) is settled with one SQL read and no Alembic import; Alembic loads only to migrate.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from db.engine import StoreCorrupt, StoreTooNew

if TYPE_CHECKING:
    from alembic.config import Config

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


def check_file(path: Path) -> None:
    """O(1) checks of the file itself: the SQLite header, and no truncation.

    The full page-by-page check (``check_integrity``) is too slow for start-up on a large
    store; the app runs it in the background after login.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise StoreCorrupt("Tệp dữ liệu không phải cơ sở dữ liệu SQLite hoặc đã bị hỏng phần đầu.")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if valid_for == change_counter and pages * page_size > size:
        raise StoreCorrupt(f"Tệp dữ liệu bị cắt cụt: cần {pages * page_size} byte, chỉ có {size}.")


def check_integrity(engine: Engine) -> None:
    """SQLite's full quick_check; raise StoreCorrupt when the file is damaged."""
    try:
        with engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
    except Exception as exc:  # not a database, truncated, ...
        raise StoreCorrupt(f"Tệp dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu: {exc}") from exc
    if rows != ["ok"]:
        raise StoreCorrupt("Cơ sở dữ liệu bị hỏng: " + "; ".join(rows[:5]))


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; refuse one written by a newer app."""
    db_file = engine.url.database
    if db_file and db_file != ":memory:":
        check_file(Path(db_file))
    try:
        current = current_revision(engine)
    except Exception as exc:
        raise StoreCorrupt(f"Không đọc được cơ sở dữ liệu: {exc}") from exc
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
