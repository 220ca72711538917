"""Tables of a dossier's life after intake: its timeline, fees paid and the citizen's rating.

Each row is written by one lifecycle service method in the same transaction as the dossier's
new state and its outbox event (counter_app/services/lifecycle.py).
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class DossierStep(SQLModel, table=True):
    """One action on a dossier: the timeline, and (kind handover) a row of the control slip."""

    __tablename__ = "dossier_step"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    action: str  # handover, supplement, resubmit, refuse, extend, stop, withdraw, ready, ...
    from_status: int
    to_status: int
    at: str = Field(index=True)
    official_id: int | None = None
    official_name: str = ""
    counter_no: int = 0
    from_party: str = ""  # hand-over: who gave the dossier
    to_party: str = ""  # hand-over: who took it
    outcome: str = ""  # hand-over: early | on_time | late against the current due date
    reason: str = ""
    detail: str = "{}"  # JSON: items, new due, receiver, tracking number, ...
    event_id: str = ""


class FeePayment(SQLModel, table=True):
    """A fee collected, with its numbered receipt (biên lai)."""

    __tablename__ = "fee_payment"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    receipt_no: str = Field(unique=True)  # "000123/2026"
    amount: int
    method: str  # cash | transfer | online
    paid_at: str = Field(index=True)
    official_id: int | None = None
    official_name: str = ""
    counter_no: int = 0


class DossierRating(SQLModel, table=True):
    """The citizen's satisfaction at return (or that they skipped it); one per dossier."""

    __tablename__ = "dossier_rating"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", unique=True)
    level: int | None = None  # 1 rất hài lòng, 2 hài lòng, 3 không hài lòng; None = skipped
    scores: str = "{}"  # JSON: indicator -> 0..2 (DOMAIN §6)
    skipped: bool = False
    official_id: int | None = None
    official_name: str = ""
    counter_no: int = 0
    channel: str = "counter"  # counter | tablet | qr
    rated_at: str
