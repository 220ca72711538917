"""On the hub: queue actions applied once per idempotency key.

A counter that loses the hub's reply resends the same action with the same key. The key is
recorded in the *same transaction* as the ticket change (a ``before_commit`` hook on the
session writes the ``hub_request`` row next to the ticket's outbox event), so "applied" and
"remembered" commit together or not at all: a hub killed between the two cannot exist, and a
replay returns the ticket the first attempt acted on instead of calling another one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine, event, text
from sqlmodel import Session

from counter_app.domain.clock import Clock, to_db
from counter_app.services.errors import NotFound, ValidationFailed
from counter_app.services.queue import QueueService
from counter_app.services.queue_models import TicketPublic
from db.models import Event

T = TypeVar("T")
ACTIONS = ("issue", "call-next", "call", "recall", "start", "finish", "no-show", "transfer",
           "link")


@dataclass
class _Pending:
    key: str
    peer_id: str
    action: str
    at: str
    ticket_uid: str | None = None
    touched: list[str] | None = None


_CURRENT: ContextVar[_Pending | None] = ContextVar("hub_request", default=None)


def _note_ticket_events(session: Session, _flush: object) -> None:
    # After a flush ``session.new`` still lists what it inserted: the ticket's outbox event.
    pending = _CURRENT.get()
    if pending is not None:
        pending.touched = (pending.touched or []) + [
            o.entity_uid for o in session.new if isinstance(o, Event) and o.entity_type == "ticket"]


def _remember_in_tx(session: Session) -> None:
    pending = _CURRENT.get()
    if pending is None or pending.ticket_uid is not None:
        return
    session.flush()
    if not pending.touched:
        return  # a transaction of this request that changed no ticket
    pending.ticket_uid = pending.touched[-1]
    session.execute(text("INSERT INTO hub_request(key, peer_id, action, ticket_uid, created_at) "
                         "VALUES (:k, :p, :a, :u, :t)"),
                    {"k": pending.key, "p": pending.peer_id, "a": pending.action,
                     "u": pending.ticket_uid, "t": pending.at})


event.listen(Session, "after_flush", _note_ticket_events)
event.listen(Session, "before_commit", _remember_in_tx)


@dataclass(frozen=True)
class QueueRequest:
    """One queue action as it arrives over HTTP (or from the CLI of the hub's own PC)."""

    action: str
    counter: int | None = None
    number: str | None = None
    prefix: str | None = None
    priority: bool = False
    to_prefix: str | None = None
    to_counter: int | None = None
    uid: str | None = None
    dossier_uid: str | None = None


class HubQueue:
    """The hub's single write path for the queue: one action at a time, each once per key."""

    def __init__(self, engine: Engine, queue: QueueService, clock: Clock) -> None:
        self._engine, self._queue, self._clock = engine, queue, clock
        self._lock = threading.Lock()

    def apply(self, req: QueueRequest, *, key: str, peer_id: str) -> TicketPublic | None:
        """Apply ``req`` unless ``key`` was applied before; the ticket acted on (or None)."""
        full_key = f"{peer_id}:{key}"
        with self._lock:
            done = self._replayed(full_key)
            if done is not None:
                return self._queue.ticket(done) if done else None
            token = _CURRENT.set(_Pending(full_key, peer_id, req.action, to_db(self._clock.now())))
            try:
                return self._dispatch(req)
            finally:
                _CURRENT.reset(token)

    def _replayed(self, key: str) -> str | None:
        with self._engine.connect() as c:
            row = c.execute(text("SELECT ticket_uid FROM hub_request WHERE key = :k"),
                            {"k": key}).first()
            c.rollback()
        return None if row is None else (row[0] or "")

    def _dispatch(self, req: QueueRequest) -> TicketPublic | None:
        q = self._queue
        if req.action == "issue":
            return q.issue(_need(req.prefix, "prefix"), priority=req.priority)
        if req.action == "link":
            return q.link_dossier(_need(req.uid, "uid"), _need(req.dossier_uid, "dossier_uid"))
        if req.action == "call-next":
            return q.call_next(_need(req.counter, "counter"))
        if req.action == "call":
            return q.call(_need(req.number, "number"), _need(req.counter, "counter"))
        uid = req.uid or self.current_uid(_need(req.counter, "counter"))
        moves: dict[str, Callable[[str], TicketPublic]] = {
            "recall": q.recall, "start": q.start, "finish": q.finish, "no-show": q.no_show}
        if req.action in moves:
            return moves[req.action](uid)
        if req.action == "transfer":
            return q.transfer(uid, to_prefix=req.to_prefix, to_counter=req.to_counter)
        raise ValidationFailed({"action": f"Thao tác không hợp lệ: {req.action}"})

    def current_uid(self, counter: int) -> str:
        """The ticket the counter has called or is serving."""
        cur = self._queue.counter_state(counter).current
        if cur is None:
            raise NotFound(f"Quầy {counter} không có số nào đang gọi.", field="ticket")
        return cur.uid

    def forget_before(self, cutoff: datetime) -> int:
        """Drop request keys older than ``cutoff`` (a retry never comes a day later)."""
        with self._engine.begin() as c:
            n = c.execute(text("DELETE FROM hub_request WHERE created_at < :c"),
                          {"c": to_db(cutoff)}).rowcount
        return int(n or 0)


def _need(value: T | None, name: str) -> T:
    if value is None:
        raise ValidationFailed({name: f"Thiếu tham số {name}."})
    return value
