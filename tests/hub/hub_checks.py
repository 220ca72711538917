"""What must hold of the hub's queue after any run: numbers never reused, each ticket called
once, and every call the one the priority rule picks (replayed in commit order)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Engine, text

from counter_app.domain.queue import WaitingTicket, choose_next, priority_streak
from counter_app.services.queue import QueueService


def check_queue(engine: Engine, queue: QueueService) -> dict[str, int]:
    """Assert the invariants; returns counts (tickets, calls)."""
    with engine.connect() as c:
        tickets = c.execute(text("SELECT day, prefix, seq, number FROM ticket")).all()
        firsts = c.execute(text("SELECT ticket_uid, COUNT(*) FROM ticket_call "
                                "WHERE recall = 0 GROUP BY ticket_uid")).all()
        events = c.execute(text("SELECT type, payload FROM event WHERE entity_type = 'ticket' "
                                "ORDER BY device_seq")).all()
        c.rollback()
    assert len({(d, p, s) for d, p, s, _ in tickets}) == len(tickets), "a number was reused"
    assert all(n == 1 for _, n in firsts), "a ticket was called twice"
    _replay_priority(events, queue.settings().priority_streak)
    return {"tickets": len(tickets), "calls": len(firsts)}


def _replay_priority(events: list[tuple[str, str]], max_streak: int) -> None:
    waiting: dict[str, WaitingTicket] = {}
    recent: dict[int, list[bool]] = defaultdict(list)
    for typ, raw in events:
        p = json.loads(raw)
        if typ == "ticket.issued":
            waiting[p["uid"]] = WaitingTicket(uid=p["uid"], number=p["number"],
                                              priority=p["priority"],
                                              issued_at=datetime.fromisoformat(p["issued_at"]),
                                              seq=p["seq"], target_counter=None)
        elif typ == "ticket.called":
            counter = int(p["counter_no"])
            if p["uid"] in waiting:  # picked by call-next (a called number may jump the line)
                pick = choose_next(list(waiting.values()), counter_no=counter,
                                   streak=priority_streak(recent[counter][::-1]),
                                   max_streak=max_streak)
                assert pick is not None and pick.uid == p["uid"], (
                    f"counter {counter} called {p['number']}, the rule picks "
                    f"{pick.number if pick else None}")
                del waiting[p["uid"]]
            recent[counter].append(bool(p["priority"]))
