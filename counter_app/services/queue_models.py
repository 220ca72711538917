"""Read models, settings and errors of the queue (no ORM object leaves the service)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from counter_app.domain.clock import from_db
from counter_app.domain.queue import (
    DEFAULT_NO_SHOW_AFTER,
    DEFAULT_PRIORITY_STREAK,
    TicketStatus,
)
from counter_app.services.errors import ServiceError
from db.models import QueueService as QueueServiceRow
from db.models import Ticket, TicketCall

SETTINGS_KEY = "queue.settings"
PIN_KEY = "queue.kiosk_pin_hash"
PRINTERS_KEY = "queue.printers"


class CounterBusy(ServiceError):
    """The counter still has a ticket called or being served."""

    code = "counter_busy"

    def __init__(self, number: str, counter_no: int) -> None:
        self.number = number
        self.counter_no = counter_no
        super().__init__(
            f"Quầy {counter_no} đang phục vụ số {number}: hãy kết thúc, chuyển hoặc đánh dấu "
            "vắng mặt trước khi gọi số mới.",
            field="ticket",
        )


class RecallLimitReached(ServiceError):
    """The ticket was recalled as often as allowed; the official may mark it a no-show."""

    code = "recall_limit"

    def __init__(self, number: str, limit: int) -> None:
        self.number = number
        self.limit = limit
        super().__init__(
            f"Đã gọi lại số {number} {limit} lần: hãy đánh dấu vắng mặt.", field="ticket"
        )


class NoShowTooEarly(ServiceError):
    """A no-show needs the configured number of recalls first."""

    code = "no_show_too_early"

    def __init__(self, number: str, recalls: int, needed: int) -> None:
        self.number = number
        self.recalls = recalls
        self.needed = needed
        super().__init__(
            f"Số {number} mới được gọi lại {recalls}/{needed} lần; hãy gọi lại trước khi "
            "đánh dấu vắng mặt.",
            field="ticket",
        )


@dataclass(frozen=True)
class QueueSettings:
    """The ward's queue rules and ticket options (kept as JSON in the setting table)."""

    priority_streak: int = DEFAULT_PRIORITY_STREAK
    no_show_after: int = DEFAULT_NO_SHOW_AFTER
    zero_tens: str = "linh"  # "linh" (north) or "lẻ" (south) for 105
    ticket_qr_url: str = ""  # e.g. a page showing the queue; "" = no QR on the ticket
    ticket_footer: str = "Vui lòng chờ đến lượt. Xin cảm ơn!"
    display_calls: int = 6  # calls shown on the hall display

    @classmethod
    def from_json(cls, text: str | None) -> QueueSettings:
        """Settings from stored JSON; unknown keys ignored, missing keys defaulted."""
        raw: dict[str, Any] = json.loads(text) if text else {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def to_json(self) -> str:
        """Stored form."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class QueueServicePublic:
    """A service as the kiosk and the counters see it."""

    id: int
    prefix: str
    name: str
    counters: tuple[int, ...]  # () = every counter
    priority_allowed: bool
    position: int
    active: bool

    def served_by(self, counter_no: int) -> bool:
        """Whether the counter calls tickets of this service."""
        return not self.counters or counter_no in self.counters


def parse_counters(text: str) -> tuple[int, ...]:
    """'1, 3' → (1, 3)."""
    return tuple(sorted({int(p) for p in text.replace(";", ",").split(",") if p.strip()}))


def service_public(row: QueueServiceRow) -> QueueServicePublic:
    """Read model of a service row."""
    assert row.id is not None
    return QueueServicePublic(
        id=row.id, prefix=row.prefix, name=row.name, counters=parse_counters(row.counters),
        priority_allowed=row.priority_allowed, position=row.position, active=row.active,
    )


def _dt(text: str | None) -> datetime | None:
    return from_db(text) if text else None


@dataclass(frozen=True)
class TicketPublic:
    """A ticket as the screens show it; times are aware UTC datetimes."""

    uid: str
    day: date
    number: str
    seq: int
    prefix: str
    issued_prefix: str
    service_name: str
    priority: bool
    status: TicketStatus
    target_counter: int | None
    counter_no: int | None
    recalls: int
    transfers: int
    issued_at: datetime
    first_called_at: datetime | None
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    dossier_uid: str | None
    waiting_ahead: int = 0


def ticket_public(t: Ticket, *, waiting_ahead: int = 0) -> TicketPublic:
    """Read model of a ticket row."""
    return TicketPublic(
        uid=t.uid, day=date.fromisoformat(t.day), number=t.number, seq=t.seq, prefix=t.prefix,
        issued_prefix=t.issued_prefix, service_name=t.service_name, priority=t.priority,
        status=TicketStatus(t.status), target_counter=t.target_counter, counter_no=t.counter_no,
        recalls=t.recalls, transfers=t.transfers, issued_at=from_db(t.issued_at),
        first_called_at=_dt(t.first_called_at), called_at=_dt(t.called_at),
        started_at=_dt(t.started_at), finished_at=_dt(t.finished_at),
        dossier_uid=t.dossier_uid, waiting_ahead=waiting_ahead,
    )


@dataclass(frozen=True)
class CallPublic:
    """One line of the hall display."""

    id: int
    ticket_uid: str
    number: str
    prefix: str
    counter_no: int
    recall: bool
    priority: bool
    called_at: datetime


def call_public(c: TicketCall) -> CallPublic:
    """Read model of a call row."""
    assert c.id is not None
    return CallPublic(id=c.id, ticket_uid=c.ticket_uid, number=c.number, prefix=c.prefix,
                      counter_no=c.counter_no, recall=c.recall, priority=c.priority,
                      called_at=from_db(c.called_at))


@dataclass(frozen=True)
class WaitingCount:
    """How many wait for one service."""

    prefix: str
    name: str
    waiting: int


@dataclass(frozen=True)
class BoardPublic:
    """Everything the hall display shows."""

    ward_name: str
    calls: tuple[CallPublic, ...]  # newest first
    waiting: tuple[WaitingCount, ...]
    day: date


@dataclass(frozen=True)
class CounterStatePublic:
    """What one counter's panel shows."""

    counter_no: int
    current: TicketPublic | None
    waiting: tuple[TicketPublic, ...]
    served_prefixes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class QueueChange:
    """Told to in-process listeners after a commit: what happened to which ticket."""

    kind: str  # issued | called | recalled | started | finished | no_show | transferred | linked
    ticket: TicketPublic
