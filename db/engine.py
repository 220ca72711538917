"""The SQLite engine: pragmas, write transactions, and migrations at start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool
from sqlmodel import Session

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


class StoreFull(StoreError):
    """The disk (or the database's page limit) is full: nothing of the transaction was kept."""

    code = "store_full"


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
    return engine


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commits on success, rolls back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if _is_disk_full(exc):
                raise StoreFull("Ổ đĩa đầy: không lưu được, dữ liệu vừa nhập chưa được ghi. "
                                "Hãy giải phóng dung lượng rồi thử lại.") from exc
            raise


def _is_disk_full(exc: BaseException) -> bool:
    # SQLITE_FULL (13): the write failed as a whole; the rollback above undid the transaction.
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlite_errorcode", None) == 13 or "database or disk is full" in str(
        orig or "")


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads only; nothing is committed.

    Closing (not rolling back) keeps loaded attributes readable on the detached objects. It
    begins deferred (see ``_on_begin``): a snapshot read that never waits for the writer.
    """
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        yield session
