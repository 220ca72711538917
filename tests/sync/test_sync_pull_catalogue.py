"""Applying pulled ``catalogue.procedure`` and ``dossier.upsert`` changes on the counter: the
catalogue's own version rules, inside the page's transaction, one bad change never fatal."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_helpers import online_dossier, procedure_version

from counter_app.domain.clock import FixedClock, to_db
from counter_app.services.catalogue import CatalogueService, ProcedureNotFound
from counter_app.sync import store
from counter_app.sync.protocol import ChangesPage
from db.engine import make_engine, unit_of_work
from db.migrate import upgrade
from db.models import SyncState

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
WARD = "000.00.12.H62"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(tmp_path / "c.db")
    upgrade(engine)
    with unit_of_work(engine) as s:
        s.add(SyncState(server_url="http://x", device_id="d", ward_code=WARD, ward_name="W",
                        counter_no=1, code_range_start=1, code_range_end=999,
                        enrolled_at=to_db(NOW)))
    CatalogueService(engine, FixedClock(NOW)).load_default()
    return engine


def _page(*payloads: tuple[str, dict[str, Any]], first: int = 1) -> ChangesPage:
    changes = [{"seq": first + i, "kind": kind, "created_at": NOW.isoformat(), "payload": p}
               for i, (kind, p) in enumerate(payloads)]
    last = first + len(payloads) - 1
    return ChangesPage.model_validate({"changes": changes, "next_cursor": last,
                                       "has_more": False, "last_seq": last,
                                       "server_time": NOW.isoformat()})


def _apply(engine: Engine, page: ChangesPage, checkpoint: Any = None) -> int:
    applied = store.apply_page(engine, page, own_device_id="d", now=NOW,
                               checkpoint=checkpoint or (lambda _n: None))
    assert bool(applied.changes) == bool(applied.rows)
    return applied.rows


def _state(engine: Engine) -> tuple[int, list[tuple[int, str, bool]]]:
    with engine.connect() as c:
        cursor = c.execute(text("SELECT pull_cursor FROM sync_state")).scalar_one()
        kept = c.execute(text("SELECT seq, kind, applied FROM pulled_change ORDER BY seq")).all()
    return int(cursor), [(int(r[0]), r[1], bool(r[2])) for r in kept]


def test_a_bad_version_is_kept_and_the_good_ones_of_the_page_apply(engine: Engine) -> None:
    catalogue = CatalogueService(engine, FixedClock(NOW))
    good = procedure_version("2.000884", "2026-12-01")
    page = _page(("catalogue.procedure", {"code": "2.000884"}),  # no name, no dates
                 ("catalogue.procedure", good),
                 ("catalogue.procedure", procedure_version("9.1", "2026-12-01")))
    assert _apply(engine, page) == 1
    assert _state(engine) == (3, [(1, "catalogue.procedure", False),
                                  (2, "catalogue.procedure", True),
                                  (3, "catalogue.procedure", False)])
    in_force = catalogue.in_force("2.000884", on=date(2026, 12, 1))
    assert in_force.effective_from == date(2026, 12, 1)
    assert in_force.fee_rule == {"kind": "flat", "amount": 12_000}
    with pytest.raises(ProcedureNotFound):
        catalogue.in_force("9.1", on=date(2026, 12, 1))


def test_the_version_commits_with_its_page_and_cursor_or_not_at_all(engine: Engine) -> None:
    catalogue = CatalogueService(engine, FixedClock(NOW))
    before = catalogue.in_force("2.000884", on=date(2026, 12, 1))
    page = _page(("catalogue.procedure", procedure_version("2.000884", "2026-12-01")))

    def killed(name: str) -> None:
        if name == "pull_before_commit":
            raise RuntimeError("killed before the page commits")

    with pytest.raises(RuntimeError, match="killed"):
        _apply(engine, page, killed)
    assert _state(engine) == (0, [])
    assert catalogue.in_force("2.000884", on=date(2026, 12, 1)) == before
    assert _apply(engine, page) == 1
    assert _apply(engine, page) == 0  # pulled again (restored server): unchanged
    assert _state(engine) == (1, [(1, "catalogue.procedure", True)])
    assert catalogue.in_force("2.000884", on=date(2026, 11, 30)).id == before.id
    assert catalogue.in_force("2.000884", on=date(2026, 12, 1)).id != before.id


def test_a_pending_version_may_be_corrected_but_not_once_in_force(engine: Engine) -> None:
    catalogue = CatalogueService(engine, FixedClock(NOW))
    _apply(engine, _page(("catalogue.procedure", procedure_version("2.000884", "2026-12-01"))))
    fixed = procedure_version("2.000884", "2026-12-01", fee={"kind": "flat", "amount": 15_000})
    assert _apply(engine, _page(("catalogue.procedure", fixed), first=2)) == 1
    assert catalogue.in_force("2.000884", on=date(2026, 12, 1)).fee_rule["amount"] == 15_000
    late = store.apply_page(engine, _page(("catalogue.procedure", procedure_version(
        "2.000884", "2026-12-01", fee={"kind": "flat", "amount": 1})), first=3),
        own_device_id="d", now=datetime(2026, 12, 2, 2, 0, tzinfo=UTC),
        checkpoint=lambda _n: None)
    assert late.rows == 0 and not late.changes
    assert _state(engine)[1][-1] == (3, "catalogue.procedure", False)
    assert catalogue.in_force("2.000884", on=date(2026, 12, 2)).fee_rule["amount"] == 15_000


def test_an_upsert_of_an_unknown_procedure_is_not_marked_applied(engine: Engine) -> None:
    unknown = online_dossier(9501, procedure_code="9.999999")
    known = online_dossier(9502)  # 2.000815, in the default catalogue
    assert _apply(engine, _page(("dossier.upsert", unknown), ("dossier.upsert", known))) == 1
    assert _state(engine)[1] == [(1, "dossier.upsert", False), (2, "dossier.upsert", True)]
    assert _apply(engine, _page(("dossier.upsert", known), first=3)) == 0
    assert _state(engine)[1][-1] == (3, "dossier.upsert", True)  # already here: applied
    with engine.connect() as c:
        assert c.execute(text("SELECT code FROM dossier")).scalars().all() == [known["code"]]
