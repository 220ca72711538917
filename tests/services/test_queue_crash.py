"""SIGKILL at random moments while a kiosk issues tickets: no number twice, none without its event."""

from __future__ import annotations

import random
from pathlib import Path

from crash_child import run_until_killed
from sqlalchemy import text

from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward

TARGET = 450

CHILD = r"""
import sys
from pathlib import Path
from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.context import open_services
clock = FixedClock(vn_datetime(2026, 11, 24, 8))
svc = open_services(Path(sys.argv[1]), clock)
out = sys.stdout
i = 0
while True:
    t = svc.queue.issue("ABC"[i % 3], priority=i % 7 == 0)
    out.write(t.number + "\n")
    out.flush()
    i += 1
"""


def _count(db: Path) -> int:
    svc = open_services(db)
    with svc.engine.connect() as c:
        n = int(c.execute(text("SELECT COUNT(*) FROM ticket")).scalar_one())
    svc.close()
    return n


def test_sigkill_during_ticket_issue(tmp_path: Path) -> None:
    db = tmp_path / "counter.db"
    svc = open_services(db, FixedClock(vn_datetime(2026, 11, 24, 7, 30)))
    ensure_demo_ward(svc.engine, svc.clock)
    svc.queue.ensure_defaults()
    svc.close()
    rng = random.Random(2026)
    reported: list[str] = []
    kills = 0
    while _count(db) < TARGET:
        run_until_killed(CHILD, db, rng, reported, budget=(15, 120))
        kills += 1
    assert kills >= 3
    svc = open_services(db)
    with svc.engine.connect() as c:
        numbers = [r[0] for r in c.execute(text("SELECT number FROM ticket"))]
        orphans = c.execute(text(
            "SELECT COUNT(*) FROM ticket t WHERE (SELECT COUNT(*) FROM event e WHERE "
            "e.entity_uid = t.uid AND e.type = 'ticket.issued') != 1")).scalar_one()
        stray = c.execute(text(
            "SELECT COUNT(*) FROM event e WHERE e.type = 'ticket.issued' AND NOT EXISTS "
            "(SELECT 1 FROM ticket t WHERE t.uid = e.entity_uid)")).scalar_one()
        seqs = {p: s for p, s in c.execute(text(
            "SELECT prefix, last_seq FROM queue_sequence"))}
        check = c.execute(text("PRAGMA integrity_check")).scalar_one()
    svc.close()
    assert check == "ok"
    assert set(reported) <= set(numbers), "a committed (reported) ticket was lost"
    assert len(reported) == len(set(reported)), "a number was issued twice"
    assert len(numbers) == len(set(numbers))
    assert orphans == 0 and stray == 0, "a ticket without its event, or the reverse"
    for prefix in "ABC":  # no gaps either: a rolled-back number is handed out again
        mine = sorted(int(n[1:]) for n in numbers if n[0] == prefix)
        assert mine == list(range(1, len(mine) + 1))
        assert seqs[prefix] == len(mine)
