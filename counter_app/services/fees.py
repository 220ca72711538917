"""Fees and financial obligations of a dossier: collected with a numbered receipt, counted
per official for the cash count at closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, text
from sqlmodel import Session

from counter_app.domain.clock import VN_TZ, Clock, to_db
from counter_app.domain.lifecycle import Action, Status
from counter_app.services.errors import ValidationFailed
from counter_app.services.lifecycle import (
    ActionContext,
    ActionResult,
    Actor,
    StepDraft,
    run_action,
)
from counter_app.services.lifecycle_errors import AmountInvalid, PaymentNotAllowed
from db.engine import read_session
from db.models import Dossier, FeePayment

METHODS = ("cash", "transfer", "online")
_PAYABLE = frozenset({Status.NEW_ONLINE, Status.RECEIVED, Status.PROCESSING,
                      Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION,
                      Status.PROCESSED, Status.RETURNED})


@dataclass(frozen=True)
class Collection:
    """What one official collected on one day, per method (the cash count at closing)."""

    official_name: str
    method: str
    count: int
    amount: int


def paid_total(s: Session, dossier_id: int) -> int:
    """The sum of the fees paid for a dossier."""
    return int(s.execute(text("SELECT COALESCE(SUM(amount), 0) FROM fee_payment "
                              "WHERE dossier_id = :d"), {"d": dossier_id}).scalar_one())


def next_receipt_no(s: Session, year: int) -> str:
    """The next fee receipt number of the year ("000123/2026"), in the caller's transaction.

    The counter lives in ``setting`` and moves in the same transaction as the payment, so a
    rolled-back payment hands its number back and a committed one is never reused.
    """
    n = s.execute(text(
        "INSERT INTO setting(key, value) VALUES (:k, '1') ON CONFLICT(key) DO UPDATE "
        "SET value = CAST(value AS INTEGER) + 1 RETURNING value"), {"k": f"fee_receipt:{year}"}
    ).scalar_one()
    return f"{int(n):06d}/{year}"


class FeeService:
    """Collecting fees and asking for financial obligations."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def request_financial(self, code: str, *, amount: int, actor: Actor,
                          reason: str = "") -> ActionResult:
        """Ask the citizen to fulfil a financial obligation (status 6) of ``amount``."""
        if amount <= 0:
            raise AmountInvalid(amount)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            d.fee_amount += amount
            step.reason, step.detail = reason.strip(), {"amount": amount}

        return run_action(self._engine, self._clock, code, Action.REQUEST_FINANCIAL, actor,
                          apply, fees=True)

    def pay(self, code: str, *, amount: int, method: str, actor: Actor) -> ActionResult:
        """Collect ``amount`` with a numbered receipt; settles a financial obligation (6 → 4)."""
        if method not in METHODS:
            raise ValidationFailed({"method": "Hình thức nộp phải là tiền mặt, chuyển khoản "
                                              "hoặc trực tuyến."})
        if amount <= 0:
            raise AmountInvalid(amount)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            if Status(d.status) not in _PAYABLE:
                raise PaymentNotAllowed(d.status)
            owed = d.fee_amount - paid_total(ctx.session, d.id or 0)
            if amount > owed:
                raise AmountInvalid(amount, owed)
            receipt = next_receipt_no(ctx.session, ctx.now.astimezone(VN_TZ).year)
            ctx.session.add(FeePayment(
                dossier_id=d.id or 0, receipt_no=receipt, amount=amount, method=method,
                paid_at=to_db(ctx.now), official_id=ctx.actor.official.id,
                official_name=ctx.actor.official.full_name, counter_no=ctx.counter_no))
            step.detail = {"amount": amount, "method": method, "receipt_no": receipt,
                           "owed_after": owed - amount}
            if owed == amount and Status(d.status) is Status.FINANCIAL_OBLIGATION:
                step.then = Action.FINANCIAL_DONE  # paid in full: processing goes on (6 -> 4)

        return run_action(self._engine, self._clock, code, "pay", actor, apply, fees=True)

    def collections(self, day: date) -> list[Collection]:
        """Fees collected on a Vietnam calendar day, per official and method."""
        start = datetime.combine(day, time(0), VN_TZ)
        with read_session(self._engine) as s:
            rows = s.execute(text(
                "SELECT official_name, method, COUNT(*), SUM(amount) FROM fee_payment "
                "WHERE paid_at >= :a AND paid_at < :b GROUP BY official_name, method "
                "ORDER BY official_name, method"),
                {"a": to_db(start), "b": to_db(start + timedelta(days=1))}).all()
        return [Collection(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]
