"""Shared fixtures: a temp store, an injected clock; Qt is told to draw offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import AppServices, open_services


@pytest.fixture
def clock() -> FixedClock:
    """Sunday 22 Nov 2026 is no working day: tests set the time they mean."""
    return FixedClock(vn_datetime(2026, 11, 20, 9, 15))


@pytest.fixture
def services(tmp_path: Path, clock: FixedClock) -> Iterator[AppServices]:
    """A fresh demo ward on a temp file (catalogue, admin and one official)."""
    from counter_app.services.demo import ensure_demo_ward

    svc = open_services(tmp_path / "counter.db", clock)
    ensure_demo_ward(svc.engine, clock)
    yield svc
    svc.close()
