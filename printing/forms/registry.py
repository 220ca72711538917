"""Form templates as dated data: which number, title and wording is in force for a dossier.

`form_for(kind, received_on)` returns the template of the circular in force on the day the
dossier was received (Circular 01/2018/TT-VPCP before 15/09/2025, Circular 03/2025/TT-VPCP
from that day; see docs/forms.md). The templates themselves are in `printing.forms.catalog`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from counter_app.domain.errors import DomainError
from printing.text import to_vn


class FormKind(StrEnum):
    """What a printed form is for, independent of its number in one circular or another."""

    SUPPLEMENT_REQUEST = "supplement_request"
    REFUSAL = "refusal"
    APOLOGY_EXTENSION = "apology_extension"
    STOP_NOTICE = "stop_notice"
    CONTROL_SLIP = "control_slip"
    LEDGER = "ledger"
    FEE_RECEIPT = "fee_receipt"


@dataclass(frozen=True)
class FormTemplate:
    """One form as a circular defines it, in force from `effective_from` until replaced.

    `wording` holds the fixed texts of the form by key (labels, sentences with `{name}`
    slots that the renderer fills); `copies` names each copy printed (one page set each),
    an empty tuple meaning a single unlabelled copy.
    """

    kind: FormKind
    basis: str  # "Thông tư số 01/2018/TT-VPCP"; "" when no circular numbers the form
    effective_from: date
    number: str  # "02"; "" when not a numbered form
    title: str  # printed in capitals
    wording: tuple[tuple[str, str], ...]
    copies: tuple[str, ...] = ()

    def text(self, key: str) -> str:
        """Return the wording stored under key (KeyError if this template has none)."""
        for name, value in self.wording:
            if name == key:
                return value
        raise KeyError(f"{self.kind}/{self.number}: no wording {key!r}")

    @property
    def caption(self) -> str:
        """Return the form's reference line, e.g. 'Mẫu số 02 - Thông tư số 03/2025/TT-VPCP'."""
        if not self.number:
            return self.basis
        return f"Mẫu số {self.number} - {self.basis}" if self.basis else f"Mẫu số {self.number}"


class FormNotInForce(DomainError):
    """No template of this kind was in force on the dossier's received date."""

    code = "form_not_in_force"

    def __init__(self, *, kind: FormKind, received_on: date) -> None:
        self.kind = kind
        self.received_on = received_on
        super().__init__(field="kind")

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return (f"Không có biểu mẫu áp dụng cho hồ sơ tiếp nhận ngày "
                f"{self.received_on:%d/%m/%Y} (loại: {self.kind.value}).")


class FormNumberUnknown(DomainError):
    """No form bears this number in the set in force on the dossier's received date."""

    code = "form_number_unknown"

    def __init__(self, *, number: str, received_on: date) -> None:
        self.number = number
        self.received_on = received_on
        super().__init__(field="number")

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return (f"Không có mẫu số {self.number} áp dụng cho hồ sơ tiếp nhận ngày "
                f"{self.received_on:%d/%m/%Y}.")


def pick(templates: Iterable[FormTemplate], kind: FormKind, received_on: date) -> FormTemplate:
    """Return the template of kind with the latest effective_from on or before received_on."""
    in_force = [t for t in templates if t.kind is kind and t.effective_from <= received_on]
    if not in_force:
        raise FormNotInForce(kind=kind, received_on=received_on)
    return max(in_force, key=lambda t: t.effective_from)


def form_for(kind: FormKind | str, received_on: date) -> FormTemplate:
    """Return the template in force for a dossier received on received_on (Vietnam date)."""
    from printing.forms.catalog import TEMPLATES  # the data, kept apart from the mechanism

    if isinstance(received_on, datetime):  # a datetime is a date too: take its Vietnam day
        received_on = to_vn(received_on).date()
    return pick(TEMPLATES, FormKind(kind), received_on)


def form_numbered(number: str, received_on: date) -> FormTemplate:
    """Return the template numbered number ('05') in the set in force on received_on.

    The same number means different forms in different circulars (05 is the control slip
    under TT 01/2018, the stop notice under TT 03/2025): this is what `print form NN` needs.
    """
    from printing.forms.catalog import TEMPLATES

    wanted = number.strip().zfill(2)
    for kind in FormKind:
        try:
            template = pick(TEMPLATES, kind, received_on)
        except FormNotInForce:
            continue
        if template.number == wanted:
            return template
    raise FormNumberUnknown(number=number, received_on=received_on)

