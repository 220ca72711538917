"""Fixtures shared by the catalogue tests: a migrated store, its administrator, the service."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalogue_helpers import set_up_admin
from sqlalchemy import Engine

from counter_app.domain.clock import FixedClock
from counter_app.services.accounts import OfficialPublic
from counter_app.services.catalogue import CatalogueService
from db.engine import make_engine
from db.migrate import upgrade


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """An empty store at the current schema."""
    engine = make_engine(tmp_path / "t.db")
    upgrade(engine)
    return engine


@pytest.fixture
def admin(engine: Engine, clock: FixedClock) -> OfficialPublic:
    """The store set up, its administrator logged in."""
    return set_up_admin(engine, clock)


@pytest.fixture
def catalogue(engine: Engine, clock: FixedClock) -> CatalogueService:
    """The catalogue service on that store."""
    return CatalogueService(engine, clock)
