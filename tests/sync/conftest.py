"""Sync fixtures: every case runs on SQLite and on PostgreSQL (a throwaway database per run,
emptied between tests; skipped with the reason shown when 127.0.0.1:5432 is unreachable)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MOTCUA_CREDENTIAL_STORE", "file")  # never touch a developer's keyring

from sync_helpers import World, empty_pg, pg_reachable, throwaway_pg


@pytest.fixture(scope="session")
def sync_pg_url() -> Iterator[str]:
    """One PostgreSQL database for the session's sync tests."""
    if not pg_reachable():
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    with throwaway_pg() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The server's database URL for one test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    url: str = request.getfixturevalue("sync_pg_url")
    empty_pg(url)
    return url


@pytest.fixture
def world(server_db: str, tmp_path: Path) -> Iterator[World]:
    """A real server behind a fault proxy, wards A and B registered; add devices with
    ``world.device()``."""
    with World(server_db, tmp_path) as w:
        yield w
