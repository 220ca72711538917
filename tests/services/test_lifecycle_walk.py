"""One dossier followed to its end, headless: intake, hand-over, supplement (the clock stops),
resubmission, extension, result ready, fee paid, return and rating; its outcome is late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from svc_helpers import request_for

from counter_app.domain.clock import FixedClock, from_db, vn_datetime
from counter_app.domain.errors import SupplementLimitReached, TransitionNotAllowed
from counter_app.domain.lifecycle import Outcome, Status
from counter_app.services.context import AppServices
from counter_app.services.lifecycle import RECEPTION, Actor
from counter_app.services.lifecycle_errors import ExtensionLimitReached, RatingNotAllowed

RESIDENCE = "1.004222"  # Đăng ký thường trú: 7 working days, 20,000 đ


def _snapshot(svc: AppServices) -> tuple[object, ...]:
    with svc.engine.connect() as c:
        row = tuple(c.execute(text("SELECT * FROM dossier")).one())
        steps = c.execute(text("SELECT COUNT(*) FROM dossier_step")).scalar_one()
        events = c.execute(text("SELECT COUNT(*) FROM event")).scalar_one()
        paid = c.execute(text("SELECT COUNT(*) FROM fee_payment")).scalar_one()
    return row, steps, events, paid


def test_a_dossier_followed_to_its_end_is_late(services: AppServices,
                                               clock: FixedClock) -> None:
    svc = services
    me = Actor(svc.accounts.login("canbo", "canbo123"), counter_no=2)
    d = svc.intake.receive(request_for(svc, RESIDENCE), official=me.official)
    code, original = d.code, d.due_at
    assert d.fee_amount == 20000

    clock.set(vn_datetime(2026, 11, 20, 9, 30))
    r = svc.lifecycle.handover(code, to="Công an phường", actor=me)
    assert r.dossier.status is Status.PROCESSING and r.changes.dossiers == {d.uid}

    clock.set(vn_datetime(2026, 11, 23, 9, 0))  # Monday
    r = svc.lifecycle.request_supplement(code, items=["Giấy xác nhận chỗ ở hợp pháp"],
                                         actor=me)
    assert r.dossier.status is Status.SUPPLEMENT_REQUESTED
    assert [x.code for x in svc.worklists.awaiting_supplement()] == [code]
    before = _snapshot(svc)
    with pytest.raises(TransitionNotAllowed):  # no second request while one is open
        svc.lifecycle.request_supplement(code, items=["x"], actor=me)
    assert _snapshot(svc) == before

    clock.set(vn_datetime(2026, 11, 26, 9, 0))  # Thursday: two working days (24/11 is off)
    r = svc.lifecycle.resubmit(code, actor=me)
    assert r.dossier.paused_hours == pytest.approx(16.0)
    assert r.dossier.status is Status.PROCESSING
    with pytest.raises(SupplementLimitReached):  # at most once
        svc.lifecycle.request_supplement(code, items=["x"], actor=me)

    clock.set(vn_datetime(2026, 12, 3, 10, 0))
    new_due = vn_datetime(2026, 12, 8, 17, 0)
    r = svc.lifecycle.extend(code, new_due=new_due, reason="Chờ xác minh", unit="Công an phường",
                             actor=me)
    assert r.dossier.due_at == new_due and r.dossier.original_due_at == original
    with pytest.raises(ExtensionLimitReached):
        svc.lifecycle.extend(code, new_due=new_due + timedelta(days=1), reason="x", unit="y",
                             actor=me)

    clock.set(vn_datetime(2026, 12, 7, 10, 0))  # after the effective due, before the new one
    svc.lifecycle.handover(code, to=RECEPTION, actor=me)
    r = svc.lifecycle.ready(code, actor=me)
    assert r.dossier.status is Status.PROCESSED and r.dossier.finished_at == clock.now()
    assert [x.code for x in svc.worklists.ready_to_return()] == [code]
    with pytest.raises(RatingNotAllowed):
        svc.ratings.rate(code, actor=me, level=1)
    pay = svc.fees.pay(code, amount=20000, method="cash", actor=me)
    assert pay.data["receipt_no"] == "000001/2026" and pay.changes.fees
    svc.lifecycle.return_result(code, actor=me, receiver="citizen", receiver_id="001190012345")
    svc.ratings.rate(code, actor=me, level=1, scores={"attitude": 2})

    v = svc.views.show(code)
    assert v.dossier.status is Status.RETURNED
    assert v.outcome is Outcome.LATE  # ended 4/12, after the effective due; form 04 doesn't help
    assert v.effective_due_at > original and v.effective_due_at < new_due
    assert v.dossier.finished_at == vn_datetime(2026, 12, 7, 10, 0)  # first end is kept
    assert [s.action for s in v.steps] == ["handover", "supplement", "resubmit", "extend",
                                           "handover", "ready", "pay", "return", "rate"]
    assert v.steps[0].from_party == RECEPTION and v.steps[0].outcome == "early"
    assert v.paid == 20000 and v.owed == 0 and v.rating is not None and v.rating.level == 1
    assert all(s.counter_no == 2 and s.official_name == "Trần Văn Đức" for s in v.steps)
    with svc.engine.connect() as c:
        types = [t for (t,) in c.execute(text("SELECT type FROM event WHERE entity_type = 'dossier' ORDER BY device_seq"))]
    assert types == ["dossier.received", "dossier.handover", "dossier.supplement",
                     "dossier.resubmit", "dossier.extend", "dossier.handover", "dossier.ready",
                     "dossier.pay", "dossier.return", "dossier.rate"]
    row = next(svc.views.stream())
    assert row["outcome"] == "late" and row["ended_at"] == "2026-12-07T10:00:00+07:00"
    assert from_db(str(row["effective_due_at"])) == v.effective_due_at
    ledger = list(svc.ledger.rows(vn_datetime(2026, 11, 20).date(),
                                  vn_datetime(2026, 11, 20).date()))
    assert ledger[0].lead_unit == "Công an phường" and ledger[0].returned_to


def test_overdue_is_by_day_and_never_while_paused(services: AppServices,
                                                  clock: FixedClock) -> None:
    svc = services
    me = Actor(svc.accounts.login("canbo", "canbo123"))
    d = svc.intake.receive(request_for(svc, "2.000884"), official=me.official)  # same day
    clock.set(d.due_at + timedelta(hours=3))  # later the same day: still in time
    assert svc.worklists.overdue() == [] and [x.code for x in svc.worklists.due_today()]
    assert next(svc.views.stream())["outcome"] == "in_time"
    clock.set(d.due_at + timedelta(days=3))
    assert [x.code for x in svc.worklists.overdue()] == [d.code]
    svc.lifecycle.request_supplement(d.code, items=["Bản chính"], actor=me)
    assert svc.worklists.overdue() == []
    assert next(svc.views.stream())["outcome"] == "in_time"


def test_refusal_needs_a_reason_and_changes_nothing_when_not_allowed(
        services: AppServices) -> None:
    from counter_app.domain.errors import ReasonRequired

    svc = services
    me = Actor(svc.accounts.login("canbo", "canbo123"))
    d = svc.intake.receive(request_for(svc, RESIDENCE), official=me.official)
    before = _snapshot(svc)
    with pytest.raises(ReasonRequired):
        svc.lifecycle.refuse(d.code, reason="  ", actor=me)
    with pytest.raises(TransitionNotAllowed):
        svc.lifecycle.return_result(d.code, actor=me)
    assert _snapshot(svc) == before
    r = svc.lifecycle.refuse(d.code, reason="Không thuộc thẩm quyền", actor=me)
    assert r.dossier.status is Status.NOT_ACCEPTED and r.dossier.finished_at is not None


def test_a_ticket_is_linked_one_way_from_either_side(services: AppServices) -> None:
    svc = services
    me = Actor(svc.accounts.login("canbo", "canbo123"))
    svc.queue.ensure_defaults()
    first, second = svc.queue.issue("A"), svc.queue.issue("A")
    d1 = svc.intake.receive(request_for(svc, RESIDENCE, ticket_uid=first.uid),
                            official=me.official)
    d2 = svc.intake.receive(request_for(svc, RESIDENCE), official=me.official)
    svc.queue.link_dossier(second.uid, d2.uid)
    with svc.engine.connect() as c:
        pairs = set(c.execute(text("SELECT t.uid, d.uid FROM ticket t JOIN dossier d "
                                   "ON d.ticket_uid = t.uid AND t.dossier_uid = d.uid")))
        events = c.execute(text("SELECT COUNT(*) FROM event WHERE type = "
                                "'ticket.dossier_linked'")).scalar_one()
    assert pairs == {(first.uid, d1.uid), (second.uid, d2.uid)} and events == 2
