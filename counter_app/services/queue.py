"""The queue: issue, call, recall, start, finish, no-show, transfer, link to a dossier.

Each method is one transaction that changes the ticket and appends its event (entity_type
"ticket"), so the calls can travel to other machines later like every other action.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Engine, text
from sqlmodel import Session, col, func, select

from counter_app.domain.clock import Clock, from_db, local_day, to_db
from counter_app.domain.queue import (
    TicketAction,
    TicketStatus,
    WaitingTicket,
    check_prefix,
    choose_next,
    format_ticket_number,
    next_status,
    parse_ticket_number,
    priority_streak,
)
from counter_app.services.errors import NotFound, NotSetUp
from counter_app.services.queue_models import (
    BoardPublic,
    CounterBusy,
    CounterStatePublic,
    NoShowTooEarly,
    QueueChange,
    QueueServicePublic,
    QueueSettings,
    RecallLimitReached,
    TicketPublic,
    WaitingCount,
    call_public,
    service_public,
    ticket_public,
)
from counter_app.services.queue_setup import QueueSetup
from counter_app.services.queue_stats import QueueStats, load_stats
from db.engine import read_session, unit_of_work
from db.models import DeviceState, Ticket, TicketCall, WardProfile
from db.models import QueueService as ServiceRow
from db.outbox import EventDraft, append_event

log = logging.getLogger(__name__)
Listener = Callable[[QueueChange], None]
ACTIVE = (TicketStatus.CALLED.value, TicketStatus.SERVING.value)


def allocate_ticket_seq(session: Session, *, day: date, prefix: str) -> int:
    """The next number of a service for a day, inside the caller's transaction.

    Same pattern as dossier codes: the counter row moves in the ticket's own transaction, so a
    crash before commit gives the number back and a committed number is never handed out again.
    """
    return int(
        session.execute(
            text(
                "INSERT INTO queue_sequence(day, prefix, last_seq) VALUES (:d, :p, 1) "
                "ON CONFLICT(day, prefix) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq"
            ),
            {"d": day.isoformat(), "p": prefix},
        ).scalar_one()
    )


def _payload(t: Ticket, **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "uid": t.uid, "day": t.day, "number": t.number, "prefix": t.prefix,
        "priority": t.priority, "status": t.status, "counter_no": t.counter_no,
    }
    return {**base, **extra}


def link_ticket(s: Session, ticket_uid: str, dossier_uid: str, *, now: datetime,
                official_id: int | None) -> Ticket:
    """The one way a ticket and a dossier are linked (both ends and the event), in the
    caller's transaction: from the queue panel after intake, or by intake itself."""
    t = QueueService._get(s, ticket_uid)
    t.dossier_uid, t.updated_at = dossier_uid, to_db(now)
    s.add(t)
    s.execute(text("UPDATE dossier SET ticket_uid = :t WHERE uid = :d"),
              {"t": ticket_uid, "d": dossier_uid})
    append_event(s, EventDraft("ticket", t.uid, "ticket.dossier_linked", _payload(
        t, dossier_uid=dossier_uid)), now=now, official_id=official_id)
    return t


class QueueService(QueueSetup):
    """The one write path for every ticket change, plus the reads the screens need."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        super().__init__(engine, clock)
        self._listeners: list[Listener] = []

    # --- listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(change)`` after each committed change (on the writing thread)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop telling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _tell(self, kind: str, ticket: TicketPublic) -> TicketPublic:
        for listener in list(self._listeners):
            try:
                listener(QueueChange(kind, ticket))
            except Exception:  # a broken screen must not undo a committed call
                log.exception("queue listener failed")
        return ticket

    # --- writes ----------------------------------------------------------------------------

    def issue(self, prefix: str, *, priority: bool = False) -> TicketPublic:
        """Take a number for a service (kiosk or CLI)."""
        prefix = check_prefix(prefix)
        now = self._clock.now()
        day = local_day(now)
        with unit_of_work(self._engine) as s:
            svc = s.exec(select(ServiceRow).where(ServiceRow.prefix == prefix)).first()
            if svc is None or not svc.active:
                raise NotFound(f"Không có dịch vụ “{prefix}”.", field="prefix")
            dev = s.get(DeviceState, 1)
            if dev is None:
                raise NotSetUp("Chưa thiết lập phần mềm.")
            seq = allocate_ticket_seq(s, day=day, prefix=prefix)
            t = Ticket(
                uid=str(uuid.uuid4()), day=day.isoformat(),
                number=format_ticket_number(prefix, seq), seq=seq, prefix=prefix,
                issued_prefix=prefix, service_name=svc.name,
                priority=priority and svc.priority_allowed, status=TicketStatus.WAITING.value,
                issued_at=to_db(now), device_id=dev.device_id, updated_at=to_db(now),
            )
            ahead = self._waiting_ahead(s, t)
            s.add(t)
            append_event(s, EventDraft("ticket", t.uid, "ticket.issued", _payload(
                t, service_name=t.service_name, issued_at=t.issued_at, seq=seq,
                waiting_ahead=ahead)), now=now, official_id=None)
            result = ticket_public(t, waiting_ahead=ahead)
        return self._tell("issued", result)

    def call_next(self, counter_no: int, *, official_id: int | None = None) -> TicketPublic | None:
        """Call the next ticket for a counter (priority rule with anti-starvation); None if empty."""
        now = self._clock.now()
        day = local_day(now).isoformat()
        rules = self.settings()
        with unit_of_work(self._engine) as s:
            self._check_free(s, day, counter_no)
            prefixes = self._served_prefixes(s, counter_no)
            rows = list(s.exec(select(Ticket).where(
                Ticket.day == day, Ticket.status == TicketStatus.WAITING.value,
                col(Ticket.prefix).in_(prefixes))))
            recent = s.exec(
                select(TicketCall.priority)
                .where(TicketCall.day == day, TicketCall.counter_no == counter_no,
                       col(TicketCall.recall).is_(False))
                .order_by(col(TicketCall.id).desc()).limit(max(rules.priority_streak, 1)))
            streak = priority_streak(list(recent))
            pick = choose_next([_waiting(r) for r in rows], counter_no=counter_no,
                               streak=streak, max_streak=rules.priority_streak)
            if pick is None:
                return None
            t = next(r for r in rows if r.uid == pick.uid)
            result = self._call(s, t, counter_no, now, official_id)
        return self._tell("called", result)

    def call(self, number: str, counter_no: int, *, official_id: int | None = None) -> TicketPublic:
        """Call a specific waiting ticket of today (out of order)."""
        prefix, seq = parse_ticket_number(number)
        now = self._clock.now()
        day = local_day(now).isoformat()
        with unit_of_work(self._engine) as s:
            self._check_free(s, day, counter_no)
            t = s.exec(select(Ticket).where(
                Ticket.day == day, Ticket.number == format_ticket_number(prefix, seq))).first()
            if t is None:
                raise NotFound(f"Không có số {number} trong hôm nay.", field="number")
            result = self._call(s, t, counter_no, now, official_id)
        return self._tell("called", result)

    def recall(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """Call the same ticket again (counted; limited by the no-show rule)."""
        rules = self.settings()
        with unit_of_work(self._engine) as s:
            t, now = self._get(s, uid), self._clock.now()
            next_status(t.number, TicketStatus(t.status), TicketAction.RECALL)
            if t.recalls >= rules.no_show_after:
                raise RecallLimitReached(t.number, rules.no_show_after)
            t.recalls += 1
            t.called_at = t.updated_at = to_db(now)
            s.add(_call_row(t, t.counter_no or 0, now, recall=True))
            append_event(s, EventDraft("ticket", t.uid, "ticket.recalled", _payload(
                t, recalls=t.recalls, called_at=t.called_at)), now=now, official_id=official_id)
            result = ticket_public(t)
        return self._tell("recalled", result)

    def start(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """The citizen sits down: service time starts."""
        return self._move(uid, TicketAction.START, "started", "started_at", official_id)

    def finish(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """Service done; a ticket never started counts from its call."""
        return self._move(uid, TicketAction.FINISH, "finished", "finished_at", official_id)

    def no_show(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """The citizen did not come after the allowed recalls."""
        needed = self.settings().no_show_after
        with read_session(self._engine) as s:
            t = self._get(s, uid)
            if t.recalls < needed:
                raise NoShowTooEarly(t.number, t.recalls, needed)
        return self._move(uid, TicketAction.NO_SHOW, "no_show", "finished_at", official_id)

    def transfer(self, uid: str, *, to_prefix: str | None = None, to_counter: int | None = None,
                 official_id: int | None = None) -> TicketPublic:
        """Send the ticket to another service and/or counter; it keeps its number and issue time."""
        with unit_of_work(self._engine) as s:
            t, now = self._get(s, uid), self._clock.now()
            status = next_status(t.number, TicketStatus(t.status), TicketAction.TRANSFER)
            from_prefix, from_counter = t.prefix, t.counter_no
            if to_prefix is not None:
                svc = s.exec(select(ServiceRow).where(
                    ServiceRow.prefix == check_prefix(to_prefix))).first()
                if svc is None:
                    raise NotFound(f"Không có dịch vụ “{to_prefix}”.", field="prefix")
                t.prefix, t.service_name = svc.prefix, svc.name
            t.status, t.target_counter, t.transfers = status.value, to_counter, t.transfers + 1
            t.called_at = t.started_at = None
            t.counter_no, t.recalls, t.updated_at = None, 0, to_db(now)
            append_event(s, EventDraft("ticket", t.uid, "ticket.transferred", _payload(
                t, from_prefix=from_prefix, from_counter=from_counter, to_prefix=t.prefix,
                to_counter=to_counter, issued_at=t.issued_at)), now=now, official_id=official_id)
            result = ticket_public(t)
        return self._tell("transferred", result)

    def link_dossier(self, uid: str, dossier_uid: str, *,
                     official_id: int | None = None) -> TicketPublic:
        """Record that the dossier received from this citizen belongs to the ticket."""
        with unit_of_work(self._engine) as s:
            t = link_ticket(s, uid, dossier_uid, now=self._clock.now(), official_id=official_id)
            result = ticket_public(t)
        return self._tell("linked", result)

    # --- reads -----------------------------------------------------------------------------

    def ticket(self, uid: str) -> TicketPublic:
        """One ticket by uid."""
        with read_session(self._engine) as s:
            return ticket_public(self._get(s, uid))

    def counter_state(self, counter_no: int) -> CounterStatePublic:
        """The counter's current ticket and the tickets it may call, oldest first."""
        day = local_day(self._clock.now()).isoformat()
        with read_session(self._engine) as s:
            cur = s.exec(select(Ticket).where(Ticket.day == day, Ticket.counter_no == counter_no,
                                              col(Ticket.status).in_(ACTIVE))).first()
            prefixes = self._served_prefixes(s, counter_no)
            rows = s.exec(select(Ticket).where(
                Ticket.day == day, Ticket.status == TicketStatus.WAITING.value,
                col(Ticket.prefix).in_(prefixes)).order_by(col(Ticket.issued_at), col(Ticket.seq)))
            waiting = tuple(ticket_public(r) for r in rows
                            if r.target_counter in (None, counter_no))
            return CounterStatePublic(counter_no, ticket_public(cur) if cur else None, waiting,
                                      tuple(prefixes))

    def board(self, limit: int | None = None) -> BoardPublic:
        """The hall display: today's latest calls (newest first) and waiting counts."""
        today = local_day(self._clock.now())
        limit = limit or self.settings().display_calls
        with read_session(self._engine) as s:
            ward = s.get(WardProfile, 1)
            calls = s.exec(select(TicketCall).where(TicketCall.day == today.isoformat())
                           .order_by(col(TicketCall.id).desc()).limit(limit))
            counts = dict(s.exec(
                select(Ticket.prefix, func.count()).where(
                    Ticket.day == today.isoformat(), Ticket.status == TicketStatus.WAITING.value)
                .group_by(Ticket.prefix)).all())
            services = [service_public(r) for r in s.exec(
                select(ServiceRow).where(col(ServiceRow.active).is_(True))
                .order_by(col(ServiceRow.position), col(ServiceRow.prefix)))]
            return BoardPublic(
                ward_name=ward.agency_name if ward else "",
                calls=tuple(call_public(c) for c in calls),
                waiting=tuple(WaitingCount(v.prefix, v.name, int(counts.get(v.prefix, 0)))
                              for v in services),
                day=today,
            )

    def stats(self, day_from: date, day_to: date | None = None) -> QueueStats:
        """Waiting and service times per service, counter and hour over a range of days."""
        return load_stats(self._engine, day_from, day_to or day_from)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _get(s: Session, uid: str) -> Ticket:
        t = s.exec(select(Ticket).where(Ticket.uid == uid)).first()
        if t is None:
            raise NotFound("Không tìm thấy số thứ tự.", field="ticket")
        return t

    @staticmethod
    def _check_free(s: Session, day: str, counter_no: int) -> None:
        busy = s.exec(select(Ticket).where(Ticket.day == day, Ticket.counter_no == counter_no,
                                           col(Ticket.status).in_(ACTIVE))).first()
        if busy is not None:
            raise CounterBusy(busy.number, counter_no)

    @staticmethod
    def _served_prefixes(s: Session, counter_no: int) -> list[str]:
        rows = s.exec(select(ServiceRow).where(col(ServiceRow.active).is_(True)))
        return [v.prefix for v in map(service_public, rows) if v.served_by(counter_no)]

    @staticmethod
    def _waiting_ahead(s: Session, t: Ticket) -> int:
        stmt = select(func.count()).select_from(Ticket).where(
            Ticket.day == t.day, Ticket.prefix == t.prefix,
            Ticket.status == TicketStatus.WAITING.value)
        if t.priority:  # only other priority tickets are served before a priority one
            stmt = stmt.where(col(Ticket.priority).is_(True))
        return int(s.exec(stmt).one())

    @staticmethod
    def _call(s: Session, t: Ticket, counter_no: int, now: datetime,
              official_id: int | None) -> TicketPublic:
        t.status = next_status(t.number, TicketStatus(t.status), TicketAction.CALL).value
        t.counter_no, t.target_counter, t.official_id = counter_no, None, official_id
        t.called_at = t.updated_at = to_db(now)
        t.first_called_at = t.first_called_at or t.called_at
        s.add(t)
        s.add(_call_row(t, counter_no, now, recall=False))
        append_event(s, EventDraft("ticket", t.uid, "ticket.called", _payload(
            t, called_at=t.called_at, issued_at=t.issued_at)), now=now, official_id=official_id)
        return ticket_public(t)

    def _move(self, uid: str, action: TicketAction, kind: str, stamp: str,
              official_id: int | None) -> TicketPublic:
        with unit_of_work(self._engine) as s:
            t, now = self._get(s, uid), self._clock.now()
            t.status = next_status(t.number, TicketStatus(t.status), action).value
            setattr(t, stamp, to_db(now))
            if action is TicketAction.FINISH and t.started_at is None:
                t.started_at = t.called_at
            t.updated_at = to_db(now)
            append_event(s, EventDraft("ticket", t.uid, f"ticket.{kind}", _payload(
                t, **{stamp: to_db(now)})), now=now, official_id=official_id)
            result = ticket_public(t)
        return self._tell(kind, result)


def _waiting(t: Ticket) -> WaitingTicket:
    return WaitingTicket(uid=t.uid, number=t.number, priority=t.priority,
                         issued_at=from_db(t.issued_at), seq=t.seq,
                         target_counter=t.target_counter)


def _call_row(t: Ticket, counter_no: int, now: datetime, *, recall: bool) -> TicketCall:
    return TicketCall(ticket_uid=t.uid, day=t.day, number=t.number, prefix=t.prefix,
                      priority=t.priority, counter_no=counter_no, recall=recall,
                      called_at=to_db(now))


__all__ = ["QueueService", "QueueServicePublic", "QueueSettings", "allocate_ticket_seq"]
