"""The SQLite engine: pragmas, write transactions, and migrations at start."""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool
from sqlmodel import Session

log = logging.getLogger(__name__)  # details for the log file; the official gets message_vi

BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "motcua_read_only"


class StoreError(Exception):
    """The local database cannot be used as it is."""

    code = "store"

    def __init__(self, message_vi: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi


class StoreTooNew(StoreError):
    """The database was written by a newer version of the app."""

    code = "store_too_new"


DISK_FULL_VI = ("Ổ đĩa đầy: không ghi được, thao tác vừa rồi chưa được lưu (dữ liệu đã có vẫn "
                "nguyên vẹn). Hãy giải phóng dung lượng trên ổ chứa thư mục dữ liệu (xoá tệp "
                "không cần, chuyển bản sao lưu cũ sang ổ khác) rồi làm lại thao tác.")
CORRUPT_VI = ("Tệp dữ liệu bị hỏng, không đọc được phần vừa yêu cầu. Hãy đóng phần mềm và chạy "
              "'counter-app check' để xem mức độ hư hỏng và cách khôi phục.")


class StoreFull(StoreError):
    """The disk (or the database's page limit) is full: nothing of the transaction was kept."""

    code = "store_full"

    def __init__(self, message_vi: str = DISK_FULL_VI) -> None:
        super().__init__(message_vi)


class StoreMissing(StoreError):
    """The store file is missing or empty while backups exist: never replaced silently."""

    code = "store_missing"


class StoreCorrupt(StoreError):
    """SQLite's integrity check failed or the file is not a database."""

    code = "store_corrupt"


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" hook decide how transactions start (BEGIN IMMEDIATE), instead of
    # pysqlite's implicit, deferred BEGIN that upgrades to a write lock too late.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _on_begin(conn: Any) -> None:
    # Every transaction that may write takes the write lock up front: one writer, no
    # lock-upgrade deadlocks, and a crash can only ever leave a whole transaction or nothing.
    # Sessions marked read-only (read_session) begin deferred, so under WAL they read a
    # snapshot without waiting for a writer (the GUI's lists never queue behind a sync pass).
    conn.info.pop(_FULL, None)
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(path: Path | str, *, pooled: bool = True) -> Engine:
    """Build the engine for one SQLite file (``":memory:"`` for throwaway tests)."""
    url = "sqlite://" if str(path) == ":memory:" else f"sqlite:///{Path(path)}"
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if not pooled:
        kwargs["poolclass"] = NullPool
    # hide_parameters: SQL errors reach the log; citizens' ID numbers and phones must not.
    engine = create_engine(url, hide_parameters=True, **kwargs)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "handle_error", _on_error)
    event.listen(engine, "before_cursor_execute", _after_full)
    return engine


SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 11, 13, 26
_FULL = "motcua_disk_full"


def _after_full(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    # SQLITE_FULL may roll the whole transaction back inside SQLite. A caller that catches the
    # error and goes on (a savepoint per item) would then run every later statement in
    # autocommit, each committed alone: half a unit of work. Refuse them instead.
    if conn.info.get(_FULL) and not statement.startswith("BEGIN") and \
            not conn.connection.dbapi_connection.in_transaction:
        raise StoreFull()


def is_disk_full(exc: BaseException) -> bool:
    """A full disk (SQLITE_FULL, or ENOSPC from a plain file write), wrapped or not."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        if isinstance(seen, sqlite3.Error) and (
                getattr(seen, "sqlite_errorcode", None) == SQLITE_FULL
                or "database or disk is full" in str(seen)):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def raise_if_disk_full(exc: BaseException) -> None:
    """Raise StoreFull (from ``exc``) when ``exc`` is a full disk; for raw sqlite3 paths."""
    if is_disk_full(exc):
        log.info("disk full: %s", exc)
        raise StoreFull() from exc


def _on_error(ctx: Any) -> None:
    # The one place where the store's low-level failures become typed errors: every writer
    # (services, sync, demo seeding, migrations) gets StoreFull / StoreCorrupt with Vietnamese
    # text, never an OperationalError. The original goes to the log, not to the official.
    orig = ctx.original_exception
    if is_disk_full(orig) and ctx.connection is not None:
        ctx.connection.info[_FULL] = True
    raise_if_disk_full(orig)
    if getattr(orig, "sqlite_errorcode", None) in (SQLITE_CORRUPT, SQLITE_NOTADB):
        log.info("store damaged: %s", orig)
        raise StoreCorrupt(CORRUPT_VI) from orig


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commits on success, rolls back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            # A full disk arrives here already as StoreFull (see ``_on_error``); SQLITE_FULL
            # fails the write as a whole, and this rollback undoes the rest of the transaction.
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads only; nothing is committed.

    Closing (not rolling back) keeps loaded attributes readable on the detached objects. It
    begins deferred (see ``_on_begin``): a snapshot read that never waits for the writer.
    """
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        yield session
