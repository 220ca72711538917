"""Server fixtures: every DB-touching test runs on SQLite and on PostgreSQL.

PostgreSQL: one throwaway database per test session (``motcua_test_<random>``), dropped at the
end; tables are emptied between tests. Skipped, with the reason shown, when 127.0.0.1:5432 is
unreachable.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_helpers import (
    PG_HOST,
    PG_PORT,
    Harness,
    LiveServer,
    empty_pg,
    open_harness,
    pg_reachable,
    throwaway_pg,
)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for the session."""
    if not pg_reachable():
        pytest.skip(f"PostgreSQL not reachable on {PG_HOST}:{PG_PORT}")
    with throwaway_pg() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database URL of one test: a fresh SQLite file, or the emptied session database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    url: str = request.getfixturevalue("pg_url")
    empty_pg(url)
    return url

@pytest.fixture
def harness(db_url: str) -> Iterator[Harness]:
    """An app with two wards on the test database."""
    with open_harness(db_url) as h:
        yield h


@pytest.fixture
def live(harness: Harness) -> Iterator[tuple[Harness, str]]:
    """The harness's app also served by a real uvicorn."""
    with LiveServer(harness.app) as base_url:
        yield harness, base_url
