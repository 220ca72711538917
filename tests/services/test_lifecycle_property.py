"""Random action sequences: every state reached is allowed, paused hours and due dates follow
the rules, a refused action changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from svc_helpers import request_for

from counter_app.domain.clock import FixedClock, local_day, vn_datetime
from counter_app.domain.errors import DomainError
from counter_app.domain.lifecycle import END_STATUSES, TRANSITIONS, Action, Status
from counter_app.services.calendar import load_calendar
from counter_app.services.context import AppServices, open_services
from counter_app.services.errors import ServiceError
from counter_app.services.lifecycle import Actor
from db.engine import read_session

ACTION_NAMES = ["handover", "handback", "supplement", "resubmit", "refuse", "extend", "stop",
                "withdraw", "ready", "return", "pay", "financial", "rate"]
MACHINE = {"handover": Action.HANDOVER, "handback": Action.HANDOVER,
           "supplement": Action.REQUEST_SUPPLEMENT, "resubmit": Action.SUPPLEMENT_RECEIVED,
           "refuse": Action.REFUSE, "extend": Action.REAPPOINT, "stop": Action.STOP,
           "withdraw": Action.REQUEST_WITHDRAWAL, "ready": Action.MARK_PROCESSED,
           "return": Action.RETURN_RESULT, "financial": Action.REQUEST_FINANCIAL}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServices, FixedClock]]:
    from counter_app.services.demo import ensure_demo_ward

    clock = FixedClock(vn_datetime(2026, 11, 20, 9, 15))
    svc = open_services(Path(tmp_path_factory.mktemp("prop")) / "c.db", clock)
    ensure_demo_ward(svc.engine, clock)
    yield svc, clock
    svc.close()


def _row(svc: AppServices, code: str) -> dict[str, Any]:
    with svc.engine.connect() as c:
        d = dict(c.execute(text("SELECT * FROM dossier WHERE code = :c"), {"c": code})
                 .mappings().one())
        d["_steps"] = c.execute(text("SELECT COUNT(*) FROM dossier_step WHERE dossier_id = :i"),
                                {"i": d["id"]}).scalar_one()
        d["_events"] = c.execute(text("SELECT COUNT(*) FROM event")).scalar_one()
        d["_paid"] = c.execute(text("SELECT COUNT(*) FROM fee_payment")).scalar_one()
        d["_rated"] = c.execute(text("SELECT COUNT(*) FROM dossier_rating")).scalar_one()
    return d


def _do(svc: AppServices, name: str, code: str, me: Actor, now: datetime) -> None:
    lc = svc.lifecycle
    calls: dict[str, Callable[[], object]] = {
        "handover": lambda: lc.handover(code, to="Công an phường", actor=me),
        "handback": lambda: lc.handover(code, to="Bộ phận Một cửa", actor=me),
        "supplement": lambda: lc.request_supplement(code, items=["Bản sao"], actor=me),
        "resubmit": lambda: lc.resubmit(code, actor=me),
        "refuse": lambda: lc.refuse(code, reason="Sai thẩm quyền", actor=me),
        "extend": lambda: lc.extend(code, new_due=now + timedelta(days=10), reason="Chậm",
                                    unit="Công an", actor=me),
        "stop": lambda: lc.stop(code, reason="Dừng", actor=me),
        "withdraw": lambda: lc.withdraw(code, reason="Rút", actor=me),
        "ready": lambda: lc.ready(code, actor=me),
        "return": lambda: lc.return_result(code, actor=me),
        "pay": lambda: svc.fees.pay(code, amount=10000, method="cash", actor=me),
        "financial": lambda: svc.fees.request_financial(code, amount=10000, actor=me),
        "rate": lambda: svc.ratings.rate(code, actor=me, level=2),
    }
    calls[name]()


steps = st.lists(st.tuples(st.sampled_from(ACTION_NAMES), st.integers(0, 40)), max_size=12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=steps)
def test_random_action_sequences_follow_the_rules(
        store: tuple[AppServices, FixedClock], seq: list[tuple[str, int]]) -> None:
    svc, clock = store
    me = Actor(svc.accounts.login("canbo", "canbo123"))
    code = svc.intake.receive(request_for(svc, "1.004222"), official=me.official).code
    with read_session(svc.engine) as s:
        cal = load_calendar(s, on=local_day(clock.now()))
    want_due = _row(svc, code)["due_at"]
    want_paused, first_end = 0.0, None
    for name, hours in seq:
        clock.advance(hours=hours)
        before = _row(svc, code)
        try:
            _do(svc, name, code, me, clock.now())
        except (ServiceError, DomainError):
            assert _row(svc, code) == before, f"refused {name} changed something"
            continue
        after = _row(svc, code)
        old, new = Status(before["status"]), Status(after["status"])
        if name in MACHINE:
            assert TRANSITIONS[old][MACHINE[name]] is new
        else:  # pay / rate keep the status, except a full payment of an obligation
            assert new is old or (old is Status.FINANCIAL_OBLIGATION and new is Status.PROCESSING)
        assert after["_steps"] == before["_steps"] + 1
        assert after["_events"] == before["_events"] + 1
        assert after["original_due_at"] == before["original_due_at"]
        if name == "resubmit":
            paused = cal.working_hours_between(_dt(before["paused_since"]), clock.now())
            want_paused += paused
            want_due = _db(cal.add_working_hours(_dt(want_due), paused)) if paused else want_due
        if name == "extend":
            want_due = _db(clock.now() + timedelta(days=10))
        assert after["paused_hours"] == pytest.approx(want_paused)
        assert after["due_at"] == want_due
        assert (after["paused_since"] is not None) == (new is Status.SUPPLEMENT_REQUESTED)
        if first_end is None and new in END_STATUSES:
            first_end = _db(clock.now())
        assert after["finished_at"] == first_end


def _dt(v: str) -> datetime:
    from counter_app.domain.clock import from_db

    return from_db(v)


def _db(v: datetime) -> str:
    from counter_app.domain.clock import to_db

    return to_db(v)
