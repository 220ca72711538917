"""Qt fixtures: offscreen platform before Qt loads, a demo store, a runner, an official."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any PySide6 import

from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_helpers import RecordingOutput

from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.accounts import OfficialPublic
from counter_app.services.context import AppServices, open_services
from counter_app.services.demo import ensure_demo_ward


@pytest.fixture
def ui_clock() -> FixedClock:
    """Tuesday 24 Nov 2026, 09:30 in Hà Nội: a working morning."""
    return FixedClock(vn_datetime(2026, 11, 24, 9, 30))


@pytest.fixture
def ui_services(tmp_path: Path, ui_clock: FixedClock) -> Iterator[AppServices]:
    """The demo ward on a temp file; no network."""
    svc = open_services(tmp_path / "c.db", ui_clock)
    ensure_demo_ward(svc.engine, ui_clock)
    yield svc
    svc.close()


@pytest.fixture
def official(ui_services: AppServices) -> OfficialPublic:
    """The demo counter official, logged in."""
    return ui_services.accounts.login("canbo", "canbo123")


@pytest.fixture
def runner(qapp):  # type: ignore[no-untyped-def]
    """A task runner; drained at teardown so no job outlives its store."""
    from ui.style import apply_style
    from ui.tasks import TaskRunner

    apply_style(qapp)
    r = TaskRunner()
    yield r
    r.wait_idle()
    r.deleteLater()


@pytest.fixture
def output() -> RecordingOutput:
    """A fake printer."""
    return RecordingOutput()
