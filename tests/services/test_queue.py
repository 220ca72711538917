"""The queue service: numbering, calling order, recall/no-show, transfer, events, board."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from counter_app.domain.clock import FixedClock, local_day, vn_datetime
from counter_app.domain.queue import TicketActionNotAllowed, TicketStatus
from counter_app.services.context import AppServices
from counter_app.services.errors import NotFound
from counter_app.services.queue_models import (
    CounterBusy,
    NoShowTooEarly,
    QueueChange,
    QueueSettings,
    RecallLimitReached,
)


@pytest.fixture
def q(services: AppServices, clock: FixedClock):  # type: ignore[no-untyped-def]
    clock.set(vn_datetime(2026, 11, 24, 8, 0))
    services.queue.ensure_defaults()
    return services.queue


def _events(services: AppServices, uid: str) -> list[tuple[str, dict[str, object]]]:
    with services.engine.connect() as c:
        rows = c.execute(text("SELECT type, payload FROM event WHERE entity_uid = :u "
                              "ORDER BY device_seq"), {"u": uid}).all()
    return [(r[0], json.loads(r[1])) for r in rows]


def test_numbers_per_service_and_daily_restart(q, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    a1, a2, b1 = q.issue("A"), q.issue("a"), q.issue("B")
    assert (a1.number, a2.number, b1.number) == ("A001", "A002", "B001")
    assert (a1.waiting_ahead, a2.waiting_ahead) == (0, 1)
    clock.advance(days=1)
    assert q.issue("A").number == "A001"  # a new day starts again
    assert q.issue("A").day == local_day(clock.now())


def test_issue_unknown_service(q) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        q.issue("Z")


def test_every_action_is_an_event(services: AppServices, q, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    t = q.issue("A")
    clock.advance(minutes=5)
    q.call_next(1)
    q.recall(t.uid)
    q.start(t.uid)
    q.link_dossier(t.uid, "dossier-uid-1")
    q.finish(t.uid)
    types = [e[0] for e in _events(services, t.uid)]
    assert types == ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.started",
                     "ticket.dossier_linked", "ticket.finished"]
    assert _events(services, t.uid)[1][1]["counter_no"] == 1
    assert q.ticket(t.uid).dossier_uid == "dossier-uid-1"


def test_priority_with_anti_starvation(q, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    q.save_settings(QueueSettings(priority_streak=2))
    ordinary = [q.issue("A") for _ in range(2)]
    prio = [q.issue("A", priority=True) for _ in range(3)]
    called = []
    for _ in range(5):
        clock.advance(minutes=1)
        t = q.call_next(1)
        called.append(t.number)
        q.finish(t.uid)
    assert called == [prio[0].number, prio[1].number, ordinary[0].number, prio[2].number,
                      ordinary[1].number]
    assert q.call_next(1) is None


def test_priority_not_allowed_for_service(q) -> None:  # type: ignore[no-untyped-def]
    q.save_service("E", "Nhận kết quả", priority_allowed=False, position=4)
    assert q.issue("E", priority=True).priority is False


def test_counter_must_finish_before_next(q) -> None:  # type: ignore[no-untyped-def]
    q.issue("A")
    q.issue("A")
    t = q.call_next(1)
    with pytest.raises(CounterBusy) as err:
        q.call_next(1)
    assert err.value.number == t.number
    assert q.call_next(2).number == "A002"  # another counter is free


def test_recall_counted_then_no_show(services: AppServices, q) -> None:  # type: ignore[no-untyped-def]
    q.save_settings(QueueSettings(no_show_after=2))
    t = q.issue("A")
    q.call_next(1)
    with pytest.raises(NoShowTooEarly):
        q.no_show(t.uid)
    assert q.recall(t.uid).recalls == 1
    assert q.recall(t.uid).recalls == 2
    with pytest.raises(RecallLimitReached):
        q.recall(t.uid)
    done = q.no_show(t.uid)
    assert done.status is TicketStatus.NO_SHOW
    with pytest.raises(TicketActionNotAllowed):
        q.recall(t.uid)
    board = q.board()
    assert [c.recall for c in board.calls] == [True, True, False]  # newest first
    assert q.stats(done.day).total.no_shows == 1


def test_transfer_keeps_issue_time_and_number(q, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    t = q.issue("A")
    clock.advance(minutes=30)
    later = q.issue("B")
    clock.advance(minutes=5)
    q.call(t.number, 1)
    q.start(t.uid)
    moved = q.transfer(t.uid, to_prefix="B")
    assert (moved.number, moved.prefix, moved.issued_prefix) == ("A001", "B", "A")
    assert moved.issued_at == t.issued_at
    assert moved.status is TicketStatus.WAITING and moved.transfers == 1
    # its original issue time puts it ahead of B001, issued later
    clock.advance(minutes=1)
    assert q.call_next(1).uid == t.uid
    assert q.counter_state(2).waiting[0].uid == later.uid


def test_transfer_to_counter_only_that_counter_calls_it(q) -> None:  # type: ignore[no-untyped-def]
    t = q.issue("A")
    other = q.issue("A")
    q.call(t.number, 1)
    q.transfer(t.uid, to_counter=3)
    assert q.call_next(2).uid == other.uid
    assert q.call_next(3).uid == t.uid


def test_call_specific_and_unknown(q) -> None:  # type: ignore[no-untyped-def]
    q.issue("A")
    t2 = q.issue("A")
    assert q.call("a2", 1).uid == t2.uid
    with pytest.raises(NotFound):
        q.call("A099", 2)


def test_board_and_counter_state(q, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    q.save_service("C", "Đất đai – Xây dựng", counters=(2,), position=2)
    q.issue("A")
    q.issue("C")
    assert [t.prefix for t in q.counter_state(1).waiting] == ["A"]
    assert [t.prefix for t in q.counter_state(2).waiting] == ["A", "C"]
    t = q.call_next(2)
    board = q.board()
    assert board.ward_name == "UBND PHƯỜNG THỤY KHUÊ"
    assert board.calls[0].number == t.number and board.calls[0].counter_no == 2
    waiting = {w.prefix: w.waiting for w in board.waiting}
    assert waiting["A"] + waiting["C"] == 1
    assert q.counter_state(2).current.uid == t.uid


def test_listeners_hear_committed_changes(q) -> None:  # type: ignore[no-untyped-def]
    heard: list[QueueChange] = []
    q.add_listener(heard.append)
    t = q.issue("A")
    q.call_next(1)
    q.remove_listener(heard.append)
    q.finish(t.uid)
    assert [c.kind for c in heard] == ["issued", "called"]


def test_stats_wait_and_service_times(q, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    a = q.issue("A")
    b = q.issue("B")
    clock.advance(minutes=10)
    q.call(a.number, 1)
    q.start(a.uid)
    clock.advance(minutes=4)
    q.finish(a.uid)
    clock.advance(minutes=6)
    q.call(b.number, 2)
    clock.advance(minutes=2)
    q.finish(b.uid)  # never started: service counts from the call
    stats = q.stats(a.day)
    assert stats.total.served == 2
    assert stats.total.wait_avg == pytest.approx(15.0)
    assert stats.total.wait_max == pytest.approx(20.0)
    assert stats.total.service_median == pytest.approx(3.0)
    by_counter = {r.key: r for r in stats.by_counter}
    assert by_counter["01"].service_avg == pytest.approx(4.0)
    assert [r.key for r in stats.by_hour] == ["08:00"]


def test_stats_exports(q) -> None:  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    from counter_app.services.queue_stats import stats_csv, stats_xlsx

    t = q.issue("A")
    stats = q.stats(t.day)
    raw = stats_csv(stats)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Chờ TB (phút)" in raw.decode("utf-8-sig")
    ws = load_workbook(io.BytesIO(stats_xlsx(stats))).active
    assert ws["A2"].value == "Nhóm" and ws["C3"].value == 1


def test_kiosk_pin(services: AppServices, q) -> None:  # type: ignore[no-untyped-def]
    assert q.check_kiosk_pin("admin123")  # no PIN yet: an admin's password opens it
    assert not q.check_kiosk_pin("canbo123")
    admin = services.accounts.login("admin", "admin123")
    q.set_kiosk_pin(admin, "2468")
    assert q.check_kiosk_pin("2468")
    assert not q.check_kiosk_pin("admin123")


def test_ticket_print_data(q) -> None:  # type: ignore[no-untyped-def]
    q.save_service("A", "Chứng thực", counters=(1, 3))
    q.save_settings(QueueSettings(ticket_qr_url="https://x.vn/q/{number}"))
    t = q.issue("A", priority=True)
    data = q.ticket_print_data(t)
    assert (data.number, data.counters_text, data.qr_url) == ("A001", "1, 3", "https://x.vn/q/A001")
    assert data.priority and data.agency_name == "UBND PHƯỜNG THỤY KHUÊ"


def test_yesterdays_waiting_tickets_are_not_called(q, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    q.issue("A")
    clock.advance(days=1)
    assert q.call_next(1) is None
    clock.advance(hours=-24 + 1)
    assert q.call_next(1) is not None
    assert timedelta(0) < clock.now() - vn_datetime(2026, 11, 24, 8, 0)


def test_data_version_watcher_sees_other_connections(services: AppServices, q, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from counter_app.services.context import open_services
    from counter_app.services.queue_watch import DataVersionWatcher

    watcher = DataVersionWatcher(services.engine)
    assert watcher.changed()  # first poll
    assert not watcher.changed()
    other = open_services(tmp_path / "counter.db", services.clock)
    other.queue.issue("A")
    other.close()
    assert watcher.changed()
    assert not watcher.changed()
    q.issue("A")  # the same process, another pooled connection
    assert watcher.changed()
    watcher.close()
