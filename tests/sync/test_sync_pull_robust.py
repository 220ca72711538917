"""Pulling stays alive: unknown kinds, malformed entries and a server restored from a backup."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from counter_app.domain.clock import to_db
from counter_app.sync import store
from counter_app.sync.protocol import ChangesPage
from db.engine import make_engine, unit_of_work
from db.migrate import upgrade
from db.models import SyncState

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _page(changes: list[dict[str, Any]], *, next_cursor: int, last_seq: int) -> ChangesPage:
    return ChangesPage.model_validate({
        "changes": changes, "next_cursor": next_cursor, "has_more": False,
        "last_seq": last_seq, "server_time": NOW.isoformat(), "a_field_from_the_future": 1})


def test_unknown_kinds_and_fields_from_a_newer_server_parse() -> None:
    page = _page([{"seq": 1, "kind": "something.new", "created_at": NOW.isoformat(),
                   "payload": {}, "new_field": True}], next_cursor=1, last_seq=1)
    assert page.changes[0].kind == "something.new"


def test_a_malformed_change_is_kept_and_the_cursor_still_moves(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "c.db")
    upgrade(engine)
    with unit_of_work(engine) as s:
        s.add(SyncState(server_url="http://x", device_id="d", ward_code="000.00.12.H26",
                        ward_name="W", counter_no=1, code_range_start=1, code_range_end=999,
                        enrolled_at=to_db(NOW)))
    page = _page([
        {"seq": 1, "kind": "dossier.status", "created_at": NOW.isoformat(),
         "payload": {"code": "000.00.12.H26-261120-0001"}},  # no status: malformed
        {"seq": 2, "kind": "something.new", "created_at": NOW.isoformat(), "payload": {"a": 1}},
    ], next_cursor=2, last_seq=2)
    store.apply_page(engine, page, own_device_id="d", now=NOW, checkpoint=lambda _n: None)
    with engine.connect() as c:
        assert c.execute(text("SELECT pull_cursor FROM sync_state")).scalar_one() == 2
        kept = c.execute(text("SELECT seq, applied FROM pulled_change ORDER BY seq")).all()
    assert [(r[0], bool(r[1])) for r in kept] == [(1, False), (2, False)]
