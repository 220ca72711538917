"""Tests for counter_app.domain.lifecycle."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.calendar import VN_TZ, WorkingCalendar
from counter_app.domain.errors import TextInvalid
from counter_app.domain.lifecycle import (
    ACTIONS_NEEDING_REASON,
    TRANSITIONS,
    Action,
    Channel,
    Outcome,
    ReasonRequired,
    Status,
    SupplementLimitReached,
    TransitionNotAllowed,
    allowed_actions,
    channel_label_vi,
    classify,
    initial_status,
    outcome_label_vi,
    require_reason,
    status_label_vi,
    transition,
)

S, A = Status, Action


def vn(d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(2026, 3, d, hh, mm, tzinfo=VN_TZ)


def test_status_codes_match_national_list() -> None:
    assert [int(s) for s in Status] == list(range(1, 11))
    assert (int(S.PROCESSED), int(S.RETURNED), int(S.SUPPLEMENT_REQUESTED)) == (9, 10, 5)


def test_labels_cover_every_member() -> None:
    assert status_label_vi(S.RETURNED) == "Đã trả kết quả"
    assert all(status_label_vi(s) for s in Status)
    assert [int(c) for c in Channel] == [1, 2, 3]
    assert channel_label_vi(Channel.ONLINE) == "Trực tuyến"
    assert len({outcome_label_vi(o) for o in Outcome}) == len(Outcome)


def test_initial_status() -> None:
    assert initial_status(Channel.ONLINE) is S.NEW_ONLINE
    assert initial_status(Channel.DIRECT) is S.RECEIVED
    assert initial_status(Channel.POST) is S.RECEIVED


def test_happy_path() -> None:
    status = S.NEW_ONLINE
    for action in (A.ACCEPT_ONLINE, A.START_PROCESSING, A.MARK_PROCESSED, A.RETURN_RESULT):
        status = transition(status, action)
    assert status is S.RETURNED


def test_supplement_round_trip_and_limit() -> None:
    status = transition(S.PROCESSING, A.REQUEST_SUPPLEMENT, supplements_so_far=0)
    assert status is S.SUPPLEMENT_REQUESTED
    assert transition(status, A.SUPPLEMENT_RECEIVED) is S.PROCESSING
    with pytest.raises(SupplementLimitReached):
        transition(S.PROCESSING, A.REQUEST_SUPPLEMENT, supplements_so_far=1)


def test_financial_obligation() -> None:
    status = transition(S.PROCESSING, A.REQUEST_FINANCIAL)
    assert status is S.FINANCIAL_OBLIGATION
    assert transition(status, A.FINANCIAL_DONE) is S.PROCESSING


def test_withdrawal_and_stop() -> None:
    assert transition(S.PROCESSING, A.REQUEST_WITHDRAWAL) is S.WITHDRAWAL_REQUESTED
    assert transition(S.WITHDRAWAL_REQUESTED, A.STOP) is S.STOPPED
    assert transition(S.SUPPLEMENT_REQUESTED, A.STOP) is S.STOPPED


def test_refuse_at_reception() -> None:
    assert transition(S.NEW_ONLINE, A.REFUSE) is S.NOT_ACCEPTED
    assert transition(S.RECEIVED, A.REFUSE) is S.NOT_ACCEPTED
    with pytest.raises(TransitionNotAllowed):
        transition(S.PROCESSING, A.REFUSE)


def test_reappoint_keeps_status() -> None:
    assert transition(S.PROCESSING, A.REAPPOINT) is S.PROCESSING
    with pytest.raises(TransitionNotAllowed):
        transition(S.PROCESSED, A.REAPPOINT)


@pytest.mark.parametrize("terminal", [S.NOT_ACCEPTED, S.STOPPED, S.RETURNED])
@pytest.mark.parametrize("action", list(Action))
def test_terminal_statuses_accept_nothing(terminal: Status, action: Action) -> None:
    with pytest.raises(TransitionNotAllowed) as info:
        transition(terminal, action)
    assert info.value.current == terminal


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.NEW_ONLINE, A.MARK_PROCESSED),
        (S.RECEIVED, A.RETURN_RESULT),
        (S.PROCESSED, A.STOP),
        (S.SUPPLEMENT_REQUESTED, A.MARK_PROCESSED),
        (S.FINANCIAL_OBLIGATION, A.SUPPLEMENT_RECEIVED),
    ],
)
def test_not_allowed(status: Status, action: Action) -> None:
    with pytest.raises(TransitionNotAllowed):
        transition(status, action)


def test_table_is_complete_and_consistent() -> None:
    assert set(TRANSITIONS) == set(Status)
    for status in Status:
        assert allowed_actions(status) == frozenset(TRANSITIONS[status])
    # Every status except the starting one can be reached.
    reachable = {t for actions in TRANSITIONS.values() for t in actions.values()}
    assert reachable == set(Status) - {S.NEW_ONLINE}


def test_reason() -> None:
    assert {A.REFUSE, A.STOP, A.REQUEST_WITHDRAWAL} == ACTIONS_NEEDING_REASON
    assert require_reason("  Thiếu   giấy tờ ") == "Thiếu giấy tờ"
    with pytest.raises(ReasonRequired):
        require_reason(" \n ")
    with pytest.raises(TextInvalid):
        require_reason("x" * 2001)


# --- classify -----------------------------------------------------------------------------

DUE = vn(11, 16, 30)  # Wed 11/3/2026 16:30


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (vn(10, 16), Outcome.EARLY),
        (vn(11, 8), Outcome.ON_TIME),  # same day, before the due time
        (vn(11, 17), Outcome.ON_TIME),  # same day, after the due time
        (vn(12, 8), Outcome.LATE),
    ],
)
def test_classify_finished(finished: datetime, expected: Outcome) -> None:
    assert classify(due_at=DUE, finished_at=finished, as_of=vn(20)) is expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(vn(10), Outcome.IN_TIME), (vn(11, 23, 59), Outcome.IN_TIME), (vn(12, 0), Outcome.OVERDUE)],
)
def test_classify_open(as_of: datetime, expected: Outcome) -> None:
    assert classify(due_at=DUE, finished_at=None, as_of=as_of) is expected


def test_finish_after_as_of_counts_as_open() -> None:
    assert classify(due_at=DUE, finished_at=vn(13), as_of=vn(12)) is Outcome.OVERDUE


def test_classify_compares_vietnam_days() -> None:
    # 17:30 UTC on the 10th is 00:30 on the 11th in Vietnam: the due day, so on time.
    from datetime import UTC

    finished = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    assert classify(due_at=DUE, finished_at=finished, as_of=vn(20)) is Outcome.ON_TIME


def test_paused_hours_push_the_due_day() -> None:
    cal = WorkingCalendar()
    late = classify(due_at=DUE, finished_at=vn(12, 10), as_of=vn(20))
    assert late is Outcome.LATE
    paused = classify(
        due_at=DUE, finished_at=vn(12, 10), as_of=vn(20), paused_hours=8, calendar=cal
    )
    assert paused is Outcome.ON_TIME
    with pytest.raises(ValueError):
        classify(due_at=DUE, finished_at=None, as_of=vn(12), paused_hours=8)
    with pytest.raises(ValueError):
        classify(due_at=DUE, finished_at=None, as_of=vn(12), paused_hours=-1, calendar=cal)


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(VN_TZ)
)


@given(instants, instants)
def test_open_in_time_iff_finishing_now_is_not_late(due: datetime, now: datetime) -> None:
    open_outcome = classify(due_at=due, finished_at=None, as_of=now)
    done_outcome = classify(due_at=due, finished_at=now, as_of=now)
    assert (open_outcome is Outcome.IN_TIME) == (done_outcome is not Outcome.LATE)
