"""Reading a dossier's whole life (``dossier show``) and streaming every dossier's statistics
(``dossiers --json``) in flat memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import select

from counter_app.domain.clock import Clock, from_db, local_day
from counter_app.domain.lifecycle import Outcome
from counter_app.services.calendar import load_calendar
from counter_app.services.lifecycle import load_dossier
from counter_app.services.outcomes import effective_due, outcome
from counter_app.services.read_models import DossierPublic, dossier_public
from db.engine import READ_ONLY, read_session
from db.models import DossierComponent, DossierRating, DossierStep, FeePayment


@dataclass(frozen=True)
class StepPublic:
    """One timeline entry (hand-overs are the control slip's rows)."""

    action: str
    from_status: int
    to_status: int
    at: datetime
    official_name: str
    counter_no: int
    from_party: str
    to_party: str
    outcome: str
    reason: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class PaymentPublic:
    """A fee collected, with its receipt number."""

    receipt_no: str
    amount: int
    method: str
    paid_at: datetime
    official_name: str
    counter_no: int


@dataclass(frozen=True)
class RatingPublic:
    """The citizen's rating (level None when skipped)."""

    level: int | None
    scores: dict[str, int]
    skipped: bool
    official_name: str
    counter_no: int
    channel: str
    rated_at: datetime


@dataclass(frozen=True)
class DossierDetail:
    """A dossier with its timeline, payments, rating and statistics as of ``as_of``."""

    dossier: DossierPublic
    steps: tuple[StepPublic, ...]
    payments: tuple[PaymentPublic, ...]
    rating: RatingPublic | None
    effective_due_at: datetime
    outcome: Outcome
    paid: int
    as_of: datetime

    @property
    def owed(self) -> int:
        """Fees still to collect."""
        return self.dossier.fee_amount - self.paid


def _step(r: DossierStep) -> StepPublic:
    return StepPublic(r.action, r.from_status, r.to_status, from_db(r.at), r.official_name,
                      r.counter_no, r.from_party, r.to_party, r.outcome, r.reason,
                      json.loads(r.detail or "{}"))


def _rating(r: DossierRating | None) -> RatingPublic | None:
    if r is None:
        return None
    return RatingPublic(r.level, json.loads(r.scores or "{}"), r.skipped, r.official_name,
                        r.counter_no, r.channel, from_db(r.rated_at))


class DossierViewService:
    """Read-only views over a dossier's life."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def show(self, code: str) -> DossierDetail:
        """Everything about one dossier; NotFound for an unknown code."""
        now = self._clock.now()
        with read_session(self._engine) as s:
            d = load_dossier(s, code)
            comps = list(s.exec(select(DossierComponent).where(
                DossierComponent.dossier_id == d.id)))
            steps = s.exec(select(DossierStep).where(DossierStep.dossier_id == d.id)
                           .order_by(DossierStep.id))  # type: ignore[arg-type]
            pays = s.exec(select(FeePayment).where(FeePayment.dossier_id == d.id)
                          .order_by(FeePayment.id))  # type: ignore[arg-type]
            rating = s.exec(select(DossierRating).where(DossierRating.dossier_id == d.id)).first()
            cal = load_calendar(s, on=local_day(now))
            payments = tuple(PaymentPublic(p.receipt_no, p.amount, p.method, from_db(p.paid_at),
                                           p.official_name, p.counter_no) for p in pays)
            pub = dossier_public(d, comps)
            return DossierDetail(
                dossier=pub, steps=tuple(_step(r) for r in steps), payments=payments,
                rating=_rating(rating),
                effective_due_at=effective_due(pub.original_due_at, pub.paused_hours, cal),
                outcome=outcome(original_due=pub.original_due_at, paused_hours=pub.paused_hours,
                                ended_at=pub.finished_at, paused=pub.paused_since is not None,
                                now=now, calendar=cal),
                paid=sum(p.amount for p in payments), as_of=now)

    def stream(self, *, limit: int | None = None, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """Every dossier as one flat dict (``dossiers --json``), oldest first, flat memory.

        Keyset pages of ``batch`` rows, each page its own short read: memory stays flat at a
        million rows and no read transaction stays open while the caller writes the output.
        """
        now = self._clock.now()
        with read_session(self._engine) as s:
            cal = load_calendar(s, on=local_day(now))
        last, left = 0, limit if limit is not None else -1
        conn_engine = self._engine.execution_options(**{READ_ONLY: True})
        while left != 0:
            n = batch if left < 0 else min(batch, left)
            with conn_engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT id, code, status, procedure_code, field_code, channel, received_at, "
                    "due_at, original_due_at, finished_at, paused_hours, paused_since "
                    "FROM dossier WHERE id > :a ORDER BY id LIMIT :n"), {"a": last, "n": n}).all()
                conn.rollback()
            if not rows:
                return
            for r in rows:
                yield _flat(r, cal, now)
            last = int(rows[-1][0])
            left = left - len(rows) if left > 0 else left


_VN_FIXED = timezone(timedelta(hours=7))
"""Vietnam's offset, fixed since 1975: converting to it is several times cheaper than through
the zone database, which matters at a million rows."""


def _iso(db_text: str | None) -> str | None:
    return datetime.fromisoformat(db_text).astimezone(_VN_FIXED).isoformat() if db_text else None


def _flat(r: Any, cal: Any, now: datetime) -> dict[str, Any]:
    original = from_db(r[8])
    eff = effective_due(original, float(r[10]), cal)
    ended = from_db(r[9]) if r[9] else None
    out = outcome(original_due=original, paused_hours=float(r[10]), ended_at=ended,
                  paused=r[11] is not None, now=now, calendar=cal)
    return {
        "code": r[1], "status": int(r[2]), "procedure_code": r[3], "field_code": r[4],
        "channel": int(r[5]), "received_at": _iso(r[6]), "due_at": _iso(r[7]),
        "original_due_at": original.astimezone(_VN_FIXED).isoformat(),
        "effective_due_at": eff.astimezone(_VN_FIXED).isoformat(), "ended_at": _iso(r[9]),
        "outcome": str(out),
    }
