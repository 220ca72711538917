"""SIGKILL during lifecycle actions: each action's state and its event exist both or neither."""

from __future__ import annotations

import random
from pathlib import Path

from crash_child import run_until_killed
from sqlalchemy import text

from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward

TARGET = 120  # lifecycle steps

CHILD = r"""
import sys
from datetime import date
from pathlib import Path
from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import open_services
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.services.lifecycle import Actor
from sqlalchemy import text
clock = FixedClock(vn_datetime(2026, 11, 20, 8))
svc = open_services(Path(sys.argv[1]), clock)
with svc.engine.connect() as c:
    done = c.execute(text("SELECT COUNT(*) FROM event")).scalar_one()
clock.advance(minutes=done)  # the clock only moves forward across restarts
me = Actor(svc.accounts.login("canbo", "canbo123"), counter_no=3)
proc = svc.catalogue.in_force("1.004222", on=date(2026, 11, 20))
comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
lc, out = svc.lifecycle, sys.stdout
while True:
    d = svc.intake.receive(IntakeRequest(
        procedure_id=proc.id, applicant_name="Phạm Văn Bình", id_number="001085012345",
        address="Số 3 Văn Cao, Hà Nội", components=comps), official=me.official)
    for name, act in (
            ("handover", lambda: lc.handover(d.code, to="Công an phường", actor=me)),
            ("supplement", lambda: lc.request_supplement(d.code, items=["Bản sao"], actor=me)),
            ("resubmit", lambda: lc.resubmit(d.code, actor=me)),
            ("ready", lambda: lc.ready(d.code, actor=me)),
            ("pay", lambda: svc.fees.pay(d.code, amount=20000, method="cash", actor=me)),
            ("return", lambda: lc.return_result(d.code, actor=me))):
        clock.advance(minutes=1)
        act()
        out.write(f"{d.code} {name}\n")
        out.flush()
"""


def test_sigkill_during_lifecycle_actions(tmp_path: Path) -> None:
    db = tmp_path / "counter.db"
    svc = open_services(db, FixedClock(vn_datetime(2026, 11, 20, 9)))
    ensure_demo_ward(svc.engine, svc.clock)
    svc.close()
    rng = random.Random(8)
    reported: list[str] = []
    kills = 0
    while True:
        svc = open_services(db)
        with svc.engine.connect() as c:
            n = c.execute(text("SELECT COUNT(*) FROM dossier_step")).scalar_one()
        svc.close()
        if n >= TARGET:
            break
        run_until_killed(CHILD, db, rng, reported, budget=(10, 40))
        kills += 1
    assert kills >= 3
    svc = open_services(db)
    with svc.engine.connect() as c:
        steps = {(r[0], r[1]) for r in c.execute(text(
            "SELECT d.code, s.action FROM dossier_step s JOIN dossier d ON d.id = s.dossier_id"))}
        unmatched_steps = c.execute(text(
            "SELECT COUNT(*) FROM dossier_step s JOIN dossier d ON d.id = s.dossier_id "
            "WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.event_id = s.event_id AND "
            "e.entity_uid = d.uid AND e.type = 'dossier.' || s.action)")).scalar_one()
        unmatched_events = c.execute(text(
            "SELECT COUNT(*) FROM event e WHERE e.entity_type = 'dossier' AND "
            "e.type != 'dossier.received' AND NOT EXISTS "
            "(SELECT 1 FROM dossier_step s WHERE s.event_id = e.event_id)")).scalar_one()
        # The state matches the last step: status and payments follow the steps exactly.
        wrong_status = c.execute(text(
            "SELECT COUNT(*) FROM dossier d WHERE d.status != COALESCE((SELECT s.to_status "
            "FROM dossier_step s WHERE s.dossier_id = d.id ORDER BY s.id DESC LIMIT 1), 2)"
        )).scalar_one()
        pay_mismatch = c.execute(text(
            "SELECT (SELECT COUNT(*) FROM fee_payment) - (SELECT COUNT(*) FROM dossier_step "
            "WHERE action = 'pay')")).scalar_one()
        seqs = [r[0] for r in c.execute(text("SELECT device_seq FROM event ORDER BY 1"))]
    svc.close()
    reported_pairs = {tuple(x.split(" ", 1)) for x in reported if x}
    assert reported_pairs <= steps, "a committed (reported) action was lost"
    assert unmatched_steps == 0 and unmatched_events == 0, "a step without its event or reverse"
    assert wrong_status == 0 and pay_mismatch == 0
    assert seqs == list(range(1, len(seqs) + 1))
