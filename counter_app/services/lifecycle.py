"""A dossier's life after intake: each action one method, one transaction with its event.

``run_action`` is the one write path: it loads the dossier, asks the state machine
(``counter_app.domain.lifecycle``) whether the action is allowed, applies the change, writes a
``dossier_step`` row (the timeline; hand-overs are the control slip) and the
``dossier.<action>`` outbox event, all in one transaction. A refusal raises a typed error
before anything is written, and the transaction rolls back: nothing changed.
See docs/lifecycle.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from counter_app.domain.calendar import WorkingCalendar, to_vn
from counter_app.domain.cccd import check_cccd_number
from counter_app.domain.clock import Clock, from_db, local_day, to_db
from counter_app.domain.lifecycle import (
    END_STATUSES,
    MAX_EXTENSIONS,
    Action,
    Status,
    require_reason,
    transition,
)
from counter_app.domain.text import clean_text
from counter_app.services.accounts import OfficialPublic
from counter_app.services.calendar import load_calendar
from counter_app.services.changes import Changes
from counter_app.services.errors import NotFound, ValidationFailed
from counter_app.services.lifecycle_errors import ExtensionLimitReached, NewDueNotLater
from counter_app.services.read_models import DossierPublic, dossier_public
from db.engine import unit_of_work
from db.models import DeviceState, Dossier, DossierStep
from db.outbox import EventDraft, append_event

RECEPTION = "Bộ phận Một cửa"
"""Who holds a dossier that is at the reception counter (``Dossier.holder`` = "")."""


STEP_NAMES: Mapping[Action, str] = {
    Action.HANDOVER: "handover", Action.REQUEST_SUPPLEMENT: "supplement",
    Action.SUPPLEMENT_RECEIVED: "resubmit", Action.REFUSE: "refuse",
    Action.REAPPOINT: "extend", Action.STOP: "stop", Action.REQUEST_WITHDRAWAL: "withdraw",
    Action.MARK_PROCESSED: "ready", Action.RETURN_RESULT: "return",
    Action.REQUEST_FINANCIAL: "financial", Action.FINANCIAL_DONE: "financial_done",
}
"""Step and event names (``dossier.<name>``) of the state-machine actions; plain names (pay,
rate) need no entry."""


@dataclass(frozen=True)
class Actor:
    """Who acts and at which counter (every action is attributed)."""

    official: OfficialPublic
    counter_no: int | None = None


@dataclass(frozen=True)
class ActionResult:
    """The dossier after the action, what changed, and extra data (e.g. a receipt number)."""

    dossier: DossierPublic
    changes: Changes
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class StepDraft:
    """What an action's callback fills in for the timeline row and the event."""

    reason: str = ""
    from_party: str = ""
    to_party: str = ""
    outcome: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    then: Action | None = None  # a state-machine action the callback decided on (full payment)


@dataclass(frozen=True)
class ActionContext:
    """What an action's callback may use: the session, the time, the calendar, the actor."""

    session: Session
    now: datetime
    calendar: WorkingCalendar
    actor: Actor
    counter_no: int


Apply = Callable[[ActionContext, Dossier, StepDraft], None]


def load_dossier(s: Session, code: str) -> Dossier:
    """The dossier row with this code, or NotFound."""
    d = s.exec(select(Dossier).where(Dossier.code == code.strip().upper())).first()
    if d is None:
        raise NotFound(f"Không tìm thấy hồ sơ {code}.", field="code")
    return d


def run_action(engine: Engine, clock: Clock, code: str, action: Action | str, actor: Actor,
               apply: Apply, *, fees: bool = False) -> ActionResult:
    """Check, apply and record one action in one transaction (the one lifecycle write path).

    ``action`` names the step and the event (``dossier.<action>``); an ``Action`` goes
    through the state machine, a plain name (pay, rate) leaves the status as it is unless the
    callback sets ``step.then``.
    """
    now = clock.now()
    name = STEP_NAMES.get(action, str(action)) if isinstance(action, Action) else action
    machine = action if isinstance(action, Action) else None
    with unit_of_work(engine) as s:
        d = load_dossier(s, code)
        before = Status(d.status)
        after = (transition(before, machine, supplements_so_far=d.supplements)
                 if machine is not None else before)
        dev = s.get(DeviceState, 1)
        ctx = ActionContext(s, now, load_calendar(s, on=local_day(now)), actor,
                            actor.counter_no or (dev.counter_no if dev else 0))
        step = StepDraft()
        apply(ctx, d, step)
        if step.then is not None:
            after = transition(after, step.then, supplements_so_far=d.supplements)
        d.status = int(after)
        if after in END_STATUSES and d.finished_at is None:
            d.finished_at = to_db(now)  # the END: the first time only
        d.updated_at = to_db(now)
        s.add(d)
        payload = _payload(d, name, before, after, ctx, step)
        ev = append_event(s, EventDraft("dossier", d.uid, f"dossier.{name}", payload),
                          now=now, official_id=actor.official.id)
        s.add(DossierStep(
            dossier_id=d.id or 0, action=name, from_status=int(before), to_status=int(after),
            at=to_db(now), official_id=actor.official.id,
            official_name=actor.official.full_name, counter_no=ctx.counter_no,
            from_party=step.from_party, to_party=step.to_party, outcome=step.outcome,
            reason=step.reason, detail=json.dumps(step.detail, ensure_ascii=False,
                                                  sort_keys=True), event_id=ev.event_id))
        s.flush()
        return ActionResult(dossier_public(d), Changes.dossier(d.uid, fees=fees),
                            dict(step.detail))


def _payload(d: Dossier, name: str, before: Status, after: Status, ctx: ActionContext,
             step: StepDraft) -> dict[str, Any]:
    return {
        "uid": d.uid, "code": d.code, "action": name, "from_status": int(before),
        "to_status": int(after), "at": to_db(ctx.now),
        "official_name": ctx.actor.official.full_name, "counter_no": ctx.counter_no,
        "reason": step.reason, "from_party": step.from_party, "to_party": step.to_party,
        "outcome": step.outcome, "detail": step.detail,
        "due_at": d.due_at, "original_due_at": d.original_due_at,
        "paused_hours": d.paused_hours, "paused_since": d.paused_since,
        "finished_at": d.finished_at if d.finished_at else (
            to_db(ctx.now) if after in END_STATUSES else None),
    }


def day_outcome(at: datetime, due: datetime) -> str:
    """early / on_time / late of an instant against a due time, by Vietnam calendar day."""
    a, b = to_vn(at).date(), to_vn(due).date()
    return "early" if a < b else ("on_time" if a == b else "late")


def _text(value: str, name: str, *, required: bool = True, max_len: int = 300) -> str:
    return clean_text(value, field=name, max_len=max_len, required=required)


class LifecycleService:
    """The lifecycle actions: hand-over, supplement, refusal, extension, stop, return, …"""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def _run(self, code: str, action: Action | str, actor: Actor, apply: Apply,
             **kw: Any) -> ActionResult:
        return run_action(self._engine, self._clock, code, action, actor, apply, **kw)

    def handover(self, code: str, *, to: str, actor: Actor, note: str = "") -> ActionResult:
        """Hand the dossier to a unit or official, or back to the counter (control slip)."""
        to_party = _text(to, "to", max_len=200)
        note_ = _text(note, "note", required=False, max_len=500)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            step.from_party = d.holder or RECEPTION
            step.to_party = to_party
            step.outcome = day_outcome(ctx.now, from_db(d.due_at))
            step.reason = note_
            if step.from_party == to_party:
                raise ValidationFailed({"to": "Người nhận trùng với người đang giữ hồ sơ."})
            d.holder = "" if to_party == RECEPTION else to_party

        return self._run(code, Action.HANDOVER, actor, apply)

    def request_supplement(self, code: str, *, items: list[str], actor: Actor,
                           reason: str = "") -> ActionResult:
        """Ask for the papers listed (form 02), once after receipt; the clock stops."""
        clean = [_text(i, "items") for i in items if i.strip()]
        if not clean:
            raise ValidationFailed({"items": "Phải ghi rõ giấy tờ cần bổ sung, hoàn thiện."})
        why = _text(reason, "reason", required=False, max_len=2000)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            d.supplements += 1
            d.paused_since = to_db(ctx.now)
            step.reason, step.detail = why, {"items": clean}

        return self._run(code, Action.REQUEST_SUPPLEMENT, actor, apply)

    def resubmit(self, code: str, *, actor: Actor) -> ActionResult:
        """The citizen brought the papers: the clock runs again, due moved by the pause."""

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            since = from_db(d.paused_since) if d.paused_since else ctx.now
            paused = max(0.0, ctx.calendar.working_hours_between(since, ctx.now))
            d.paused_hours += paused
            if paused:
                d.due_at = to_db(ctx.calendar.add_working_hours(from_db(d.due_at), paused))
            d.paused_since = None
            step.detail = {"paused_from": to_db(since), "paused_hours": paused}

        return self._run(code, Action.SUPPLEMENT_RECEIVED, actor, apply)

    def refuse(self, code: str, *, reason: str, actor: Actor) -> ActionResult:
        """Refuse the dossier with a written reason (form 03)."""
        return self._reasoned(code, Action.REFUSE, reason, actor)

    def withdraw(self, code: str, *, reason: str, actor: Actor) -> ActionResult:
        """The citizen asks to withdraw the dossier (status 7), with a reason."""
        return self._reasoned(code, Action.REQUEST_WITHDRAWAL, reason, actor)

    def stop(self, code: str, *, reason: str, actor: Actor) -> ActionResult:
        """Stop processing (status 8) with a reason (the stop notice of TT 03/2025)."""
        return self._reasoned(code, Action.STOP, reason, actor)

    def _reasoned(self, code: str, action: Action, reason: str, actor: Actor) -> ActionResult:
        why = require_reason(reason)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            step.reason = why
            d.paused_since = None  # an ended dossier's clock no longer matters

        return self._run(code, action, actor, apply)

    def extend(self, code: str, *, new_due: datetime, reason: str, unit: str,
               actor: Actor) -> ActionResult:
        """Apologise and set a new date (form 04), once; the original due is kept."""
        why = require_reason(reason)
        unit_ = _text(unit, "unit", max_len=200)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            if d.extensions >= MAX_EXTENSIONS:
                raise ExtensionLimitReached()
            if new_due <= from_db(d.due_at):
                raise NewDueNotLater(to_vn(from_db(d.due_at)).strftime("%H:%M %d/%m/%Y"))
            step.detail = {"old_due": d.due_at, "new_due": to_db(new_due), "unit": unit_}
            step.reason = why
            d.extensions += 1
            d.due_at = to_db(new_due)

        return self._run(code, Action.REAPPOINT, actor, apply)

    def ready(self, code: str, *, actor: Actor) -> ActionResult:
        """The result is ready at the counter (status 9)."""

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            step.from_party, step.to_party = d.holder or RECEPTION, RECEPTION
            d.holder = ""

        return self._run(code, Action.MARK_PROCESSED, actor, apply)

    def return_result(self, code: str, *, actor: Actor, receiver: str = "citizen",
                      receiver_name: str = "", receiver_id: str = "",
                      tracking_no: str = "") -> ActionResult:
        """Hand the result over (status 10): in person (ID checked) or by post (tracking)."""
        detail = _receiver(receiver, receiver_name, receiver_id, tracking_no)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            if receiver == "citizen" and not detail.get("receiver_name"):
                detail["receiver_name"] = d.applicant_name
            step.detail = detail
            step.to_party = str(detail.get("receiver_name") or detail.get("tracking_no", ""))
            d.returned_at = to_db(ctx.now)

        return self._run(code, Action.RETURN_RESULT, actor, apply)


def _receiver(receiver: str, name: str, id_number: str, tracking: str) -> dict[str, Any]:
    if receiver not in ("citizen", "authorised", "post"):
        raise ValidationFailed({"receiver": "Người nhận phải là công dân, người được ủy quyền "
                                            "hoặc bưu chính."})
    if receiver == "post":
        t = _text(tracking, "tracking_no", max_len=60)
        return {"receiver": receiver, "tracking_no": t}
    number = "".join(id_number.split())
    if receiver == "authorised" or number:
        check_cccd_number(number)  # CccdNumberInvalid (typed) when wrong or missing
    out: dict[str, Any] = {"receiver": receiver, "receiver_id": number}
    nm = _text(name, "receiver_name", required=receiver == "authorised", max_len=100)
    if nm:
        out["receiver_name"] = nm
    return out
