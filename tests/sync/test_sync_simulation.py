"""Simulation (CI size): wards × 3 counters offline for a few days with wrong clocks and a
flaky link, then all syncing concurrently: the server's final state equals what the counters
did. The full size (50 wards × 3 counters × a week) is ``uv run python -m bench.sync_sim``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_helpers import World

from bench.sync_sim import simulate

pytestmark = pytest.mark.slow


def test_week_offline_then_concurrent_sync_gives_the_server_exactly_what_counters_did(
        server_db: str, tmp_path: Path) -> None:
    with World(server_db, tmp_path, enrol_rate_per_minute=10_000) as world:
        report = simulate(world.direct_url, world.engine, tmp_path / "sim", wards=4,
                          counters=3, days=3, per_day=6, fault_p=0.3, threads=6)
    print(report)
    assert report["dossiers"] == 4 * 3 * 3 * 6
    assert report["pending_before_final_sync"] > 0
