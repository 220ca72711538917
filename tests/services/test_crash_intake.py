"""SIGKILL at random moments during 1,000 intakes: nothing committed is lost or reused."""

from __future__ import annotations

import random
from pathlib import Path

from crash_child import run_until_killed
from sqlalchemy import text

from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward

TARGET = 1000

CHILD = r"""
import sys
from datetime import date
from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import open_services
from counter_app.services.intake import ComponentInput, IntakeRequest
# Two minutes a citizen from the count already stored: the day's code range never runs out and
# the clock only moves forward across restarts.
clock = FixedClock(vn_datetime(2026, 11, 20, 8))
svc = open_services(__import__("pathlib").Path(sys.argv[1]), clock)
clock.advance(minutes=2 * svc.dossiers.count())
official = svc.accounts.login("canbo", "canbo123")
proc = svc.catalogue.in_force("1.004873", on=date(2026, 11, 20))
comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
out = sys.stdout
while True:
    d = svc.intake.receive(IntakeRequest(
        procedure_id=proc.id, applicant_name="Phạm Văn Bình", id_number="001085012345",
        address="Số 3 Văn Cao, Hà Nội", components=comps), official=official)
    out.write(d.code + "\n")
    out.flush()
    clock.advance(minutes=2)
"""


def test_sigkill_during_1000_intakes(tmp_path: Path) -> None:
    db = tmp_path / "counter.db"
    svc = open_services(db, FixedClock(vn_datetime(2026, 11, 20, 9)))
    ensure_demo_ward(svc.engine, svc.clock)
    svc.close()
    rng = random.Random(2026)
    reported: list[str] = []
    kills = 0
    while True:
        svc = open_services(db)
        n = svc.dossiers.count()
        svc.close()
        if n >= TARGET:
            break
        run_until_killed(CHILD, db, rng, reported, budget=(20, 250))
        kills += 1
    assert kills >= 4
    svc = open_services(db)  # reopening runs the integrity check too
    with svc.engine.connect() as c:
        codes = [r[0] for r in c.execute(text("SELECT code FROM dossier"))]
        orphans = c.execute(text(
            "SELECT COUNT(*) FROM dossier d WHERE (SELECT COUNT(*) FROM event e WHERE "
            "e.entity_uid = d.uid AND e.type = 'dossier.received') != 1")).scalar_one()
        stray = c.execute(text(
            "SELECT COUNT(*) FROM event e WHERE e.type = 'dossier.received' AND NOT EXISTS "
            "(SELECT 1 FROM dossier d WHERE d.uid = e.entity_uid)")).scalar_one()
        seqs = [r[0] for r in c.execute(text("SELECT device_seq FROM event ORDER BY 1"))]
        check = c.execute(text("PRAGMA integrity_check")).scalar_one()
    svc.close()
    assert check == "ok"
    assert set(reported) <= set(codes), "a committed (reported) dossier was lost"
    assert len(reported) == len(set(reported)), "a code was issued twice"
    assert len(codes) == len(set(codes))
    assert orphans == 0 and stray == 0, "a dossier without its event, or the reverse"
    assert seqs == list(range(1, len(seqs) + 1)), "a gap in the device sequence"
