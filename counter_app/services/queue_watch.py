"""Cheap detection of changes made by any process to the SQLite file (the hall display polls it).

``PRAGMA data_version`` changes on a connection whenever another connection commits to the
same database file; reading it takes no lock and no transaction, so a display can ask four
times a second and re-read the board only when something happened. It must be asked on one
and the same connection, hence a private autocommit connection here (the engine's pooled
connections begin IMMEDIATE transactions, which a poll must not take).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Engine, text


class DataVersionWatcher:
    """Tells whether the database changed since the last poll (any process, any connection)."""

    def __init__(self, engine: Engine) -> None:
        path = engine.url.database
        self._conn: sqlite3.Connection | None = None
        self._engine = engine
        if path and path != ":memory:":
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA busy_timeout=200")
        self._last: int | None = None

    def _version(self) -> int:
        if self._conn is not None:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        # An in-memory store has one process: the newest event stands in for the version.
        with self._engine.connect() as c:
            return int(c.execute(text("SELECT COALESCE(MAX(id), 0) FROM event")).scalar_one())

    def changed(self) -> bool:
        """True on the first poll and whenever another connection committed since the last."""
        version = self._version()
        changed = version != self._last
        self._last = version
        return changed

    def close(self) -> None:
        """Release the private connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
