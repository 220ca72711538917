"""Dossier statuses (national TrangThaiHoSo), allowed actions and deadline outcomes."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from counter_app.domain.calendar import to_vn
from counter_app.domain.errors import (
    ReasonRequired,
    SupplementLimitReached,
    TransitionNotAllowed,
)
from counter_app.domain.text import clean_text

if TYPE_CHECKING:
    from counter_app.domain.calendar import WorkingCalendar

__all__ = [
    "ACTIONS_NEEDING_REASON",
    "END_STATUSES",
    "MAX_EXTENSIONS",
    "MAX_PROCESSING_SUPPLEMENTS",
    "TRANSITIONS",
    "Action",
    "Channel",
    "Outcome",
    "ReasonRequired",
    "Status",
    "SupplementLimitReached",
    "TransitionNotAllowed",
    "allowed_actions",
    "channel_label_vi",
    "classify",
    "initial_status",
    "outcome_label_vi",
    "require_reason",
    "status_label_vi",
    "transition",
]


class Status(IntEnum):
    """National dossier status codes (TrangThaiHoSo)."""

    NEW_ONLINE = 1
    RECEIVED = 2
    NOT_ACCEPTED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    FINANCIAL_OBLIGATION = 6
    WITHDRAWAL_REQUESTED = 7
    STOPPED = 8
    PROCESSED = 9
    RETURNED = 10


_STATUS_LABELS = {
    Status.NEW_ONLINE: "Mới đăng ký",
    Status.RECEIVED: "Đã tiếp nhận",
    Status.NOT_ACCEPTED: "Không được tiếp nhận",
    Status.PROCESSING: "Đang xử lý",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    Status.FINANCIAL_OBLIGATION: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWAL_REQUESTED: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.PROCESSED: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}


def status_label_vi(s: Status) -> str:
    """Return the Vietnamese label of a status."""
    return _STATUS_LABELS[s]


class Channel(IntEnum):
    """How the dossier was filed (national KenhThucHien codes)."""

    DIRECT = 1
    ONLINE = 2
    POST = 3


_CHANNEL_LABELS = {
    Channel.DIRECT: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POST: "Qua dịch vụ bưu chính công ích",
}


def channel_label_vi(c: Channel) -> str:
    """Return the Vietnamese label of a channel."""
    return _CHANNEL_LABELS[c]


def initial_status(channel: Channel) -> Status:
    """Return the status a new dossier starts in: online ones await acceptance."""
    return Status.NEW_ONLINE if channel is Channel.ONLINE else Status.RECEIVED


class Action(StrEnum):
    """What an official (or the citizen, via the official) does to a dossier."""

    RECEIVE = "receive"  # online dossier brought to the counter with its papers
    ACCEPT_ONLINE = "accept_online"  # online dossier accepted without a visit
    START_PROCESSING = "start_processing"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_RECEIVED = "supplement_received"
    REQUEST_FINANCIAL = "request_financial"
    FINANCIAL_DONE = "financial_done"
    REFUSE = "refuse"  # form 03, at reception
    REQUEST_WITHDRAWAL = "request_withdrawal"
    STOP = "stop"
    MARK_PROCESSED = "mark_processed"
    RETURN_RESULT = "return_result"
    REAPPOINT = "reappoint"  # form 04: new date; the status does not change
    HANDOVER = "handover"  # control slip: to a processing unit/official, or back


_S, _A = Status, Action
_OPEN_WORK = (_S.RECEIVED, _S.PROCESSING, _S.SUPPLEMENT_REQUESTED, _S.FINANCIAL_OBLIGATION)
_table: dict[Status, dict[Action, Status]] = {
    _S.NEW_ONLINE: {
        _A.RECEIVE: _S.RECEIVED,
        _A.ACCEPT_ONLINE: _S.RECEIVED,
        _A.REFUSE: _S.NOT_ACCEPTED,
    },
    _S.RECEIVED: {
        _A.START_PROCESSING: _S.PROCESSING,
        _A.REFUSE: _S.NOT_ACCEPTED,
        # Same-day procedures are often finished at the counter without a hand-over.
        _A.MARK_PROCESSED: _S.PROCESSED,
    },
    _S.PROCESSING: {_A.MARK_PROCESSED: _S.PROCESSED},
    _S.SUPPLEMENT_REQUESTED: {_A.SUPPLEMENT_RECEIVED: _S.PROCESSING},
    _S.FINANCIAL_OBLIGATION: {_A.FINANCIAL_DONE: _S.PROCESSING},
    _S.WITHDRAWAL_REQUESTED: {
        _A.STOP: _S.STOPPED,  # withdrawal granted
        _A.START_PROCESSING: _S.PROCESSING,  # the citizen changed their mind
    },
    _S.PROCESSED: {_A.RETURN_RESULT: _S.RETURNED},
    _S.NOT_ACCEPTED: {},
    _S.STOPPED: {},
    _S.RETURNED: {},
}
for _status in (_S.RECEIVED, _S.PROCESSING):
    _table[_status][_A.REQUEST_SUPPLEMENT] = _S.SUPPLEMENT_REQUESTED
    _table[_status][_A.REQUEST_FINANCIAL] = _S.FINANCIAL_OBLIGATION
# A hand-over starts the processing; units pass it on, and hand the result back.
for _status in (_S.RECEIVED, _S.PROCESSING, _S.PROCESSED):
    _table[_status][_A.HANDOVER] = _S.PROCESSING if _status is _S.RECEIVED else _status
for _status in _OPEN_WORK:
    _table[_status][_A.REQUEST_WITHDRAWAL] = _S.WITHDRAWAL_REQUESTED
    _table[_status][_A.STOP] = _S.STOPPED
    _table[_status][_A.REAPPOINT] = _status

TRANSITIONS: MappingProxyType[Status, MappingProxyType[Action, Status]] = MappingProxyType(
    {status: MappingProxyType(actions) for status, actions in _table.items()}
)
ACTIONS_NEEDING_REASON = frozenset({Action.REFUSE, Action.STOP, Action.REQUEST_WITHDRAWAL})
MAX_PROCESSING_SUPPLEMENTS = 1
MAX_EXTENSIONS = 1  # one re-appointment (form 04)
END_STATUSES = frozenset({Status.NOT_ACCEPTED, Status.WITHDRAWAL_REQUESTED, Status.STOPPED,
                          Status.PROCESSED, Status.RETURNED})
"""Reaching one of these for the first time is the dossier's END (statistics)."""


def allowed_actions(current: Status) -> frozenset[Action]:
    """Return the actions that may be applied in `current` (for enabling buttons)."""
    return frozenset(TRANSITIONS[current])


def transition(current: Status, action: Action, *, supplements_so_far: int = 0) -> Status:
    """Return the status after `action`; raise `TransitionNotAllowed`/`SupplementLimitReached`.

    `supplements_so_far` counts supplements already requested after receipt: the law allows
    one. Callers must also pass `require_reason` for actions in ACTIONS_NEEDING_REASON.
    """
    target = TRANSITIONS[current].get(action)
    if target is None:
        raise TransitionNotAllowed(int(current), str(action))
    if action is Action.REQUEST_SUPPLEMENT and supplements_so_far >= MAX_PROCESSING_SUPPLEMENTS:
        raise SupplementLimitReached(supplements_so_far)
    return target


def require_reason(reason: str) -> str:
    """Return the normalised written reason, raising `ReasonRequired` if it is blank."""
    text = clean_text(reason, field="reason", max_len=2000, required=False)
    if not text:
        raise ReasonRequired()
    return text


class Outcome(StrEnum):
    """Deadline outcome: finished early/on time/late, or still open in time/overdue."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    IN_TIME = "in_time"
    OVERDUE = "overdue"


_OUTCOME_LABELS = {
    Outcome.EARLY: "Trước hạn",
    Outcome.ON_TIME: "Đúng hạn",
    Outcome.LATE: "Trễ hạn",
    Outcome.IN_TIME: "Trong hạn",
    Outcome.OVERDUE: "Quá hạn",
}


def outcome_label_vi(o: Outcome) -> str:
    """Return the Vietnamese label of an outcome."""
    return _OUTCOME_LABELS[o]


def classify(
    *,
    due_at: datetime,
    finished_at: datetime | None,
    as_of: datetime,
    paused_hours: float = 0,
    calendar: WorkingCalendar | None = None,
) -> Outcome:
    """Classify a dossier against its due time, comparing Vietnam calendar days.

    `due_at` must be the ORIGINAL due time: a re-appointed dossier (form 04) still counts
    against it. `finished_at` is the first of processed/returned/stopped/refused/withdrawn;
    a finish after `as_of` is treated as still open at `as_of`. `paused_hours` (working
    hours the citizen spent supplementing) pushes the due time back on `calendar`.
    Finished: EARLY if its day < the due day, ON_TIME on the due day, LATE after.
    Open: IN_TIME until the end of the due day, OVERDUE from the next day.
    """
    due_day = to_vn(_effective_due(due_at, paused_hours, calendar)).date()
    as_of_vn = to_vn(as_of)
    if finished_at is not None and to_vn(finished_at) <= as_of_vn:
        end_day = to_vn(finished_at).date()
        if end_day < due_day:
            return Outcome.EARLY
        return Outcome.ON_TIME if end_day == due_day else Outcome.LATE
    return Outcome.IN_TIME if as_of_vn.date() <= due_day else Outcome.OVERDUE


def _effective_due(
    due_at: datetime, paused_hours: float, calendar: WorkingCalendar | None
) -> datetime:
    if paused_hours < 0:
        raise ValueError(f"negative paused hours: {paused_hours}")
    if paused_hours == 0:
        return due_at
    if calendar is None:
        # Paused time is in working hours; adding it on the wall clock would be wrong.
        raise ValueError("paused_hours needs a calendar")
    return calendar.add_working_hours(due_at, paused_hours)
