"""The data of forms 02–07, the fee receipt and the ledger, from what the store holds.

`printing.forms` renders plain dataclasses; this module is the one place that fills them from
a dossier's story (``DossierViewService.show``) and the ledger query, so the CLI
(``print form NN CODE``, ``ledger``) and the screens print the same thing. The form in force
(and so what its number means) is chosen by the dossier's received day
(``printing.forms.registry.form_numbered``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from counter_app.domain.clock import Clock
from counter_app.domain.lifecycle import Outcome
from counter_app.services.accounts import AccountService, WardPublic
from counter_app.services.dossier_views import DossierDetail, DossierViewService, StepPublic
from counter_app.services.errors import NotFound
from counter_app.services.ledger import LedgerService
from counter_app.services.read_models import DossierPublic
from printing.forms.model import (
    AgencyHeader,
    ApologyExtension,
    Applicant,
    ControlSlip,
    DossierRef,
    FeeItem,
    FeeReceipt,
    Handover,
    Ledger,
    LedgerRow,
    ProblemItem,
    Refusal,
    StopNotice,
    SupplementRequest,
)
from printing.forms.registry import FormKind, form_numbered
from printing.forms.render import FormData
from printing.text import mask_id, to_vn

METHOD_TEXT = {"cash": "Tiền mặt", "transfer": "Chuyển khoản", "online": "Trực tuyến"}
RECEIPT_SERIES = "BL"


class NoSuchStep(NotFound):
    """The form needs an action the dossier never had (form 04 before an extension, …)."""

    code = "form_without_action"


def _header(w: WardPublic) -> AgencyHeader:
    return AgencyHeader(agency_name=w.agency_name, unit_name=w.unit_name, place_name=w.place_name)


def _ref(d: DossierPublic, *, masked: bool = False) -> DossierRef:
    applicant = Applicant(d.applicant_name, d.address, d.phone, d.email,
                          mask_id(d.id_number) if masked else d.id_number)
    return DossierRef(d.code, d.procedure_name, applicant, d.received_at, d.original_due_at,
                      d.procedure_code)


_ACTION_VI = {"supplement": "yêu cầu bổ sung", "refuse": "từ chối", "extend": "gia hạn",
              "stop": "dừng giải quyết", "withdraw": "rút hồ sơ"}


def _last(detail: DossierDetail, *actions: str) -> StepPublic:
    for step in reversed(detail.steps):
        if step.action in actions:
            return step
    what = " hoặc ".join(_ACTION_VI.get(a, a) for a in actions)
    raise NoSuchStep(f"Hồ sơ {detail.dossier.code} chưa có bước {what} nên chưa in được "
                     "biểu mẫu này.", field="number")


class FormService:
    """Builds the printable data of a dossier's forms and of the ledger."""

    def __init__(self, views: DossierViewService, accounts: AccountService,
                 ledger: LedgerService, clock: Clock) -> None:
        self._views, self._accounts, self._ledger, self._clock = views, accounts, ledger, clock

    def form(self, number: str, code: str) -> FormData:
        """The data of form ``number`` (as numbered for the dossier's received day)."""
        detail = self._views.show(code)
        template = form_numbered(number, to_vn(detail.dossier.received_at).date())
        build: dict[FormKind, Callable[[DossierDetail], FormData]] = {
            FormKind.SUPPLEMENT_REQUEST: self._supplement, FormKind.REFUSAL: self._refusal,
            FormKind.APOLOGY_EXTENSION: self._apology, FormKind.STOP_NOTICE: self._stop,
            FormKind.CONTROL_SLIP: self._control_slip, FormKind.FEE_RECEIPT: self.fee_receipt,
        }
        if template.kind is FormKind.LEDGER:
            day = to_vn(detail.dossier.received_at).date()
            return self.ledger(day, day)
        return build[template.kind](detail)

    def _now(self) -> datetime:
        return self._clock.now()

    def _supplement(self, detail: DossierDetail) -> SupplementRequest:
        step = _last(detail, "supplement")
        items = tuple(ProblemItem(str(i)) for i in step.detail.get("items", ()))
        return SupplementRequest(_header(self._accounts.ward()), _ref(detail.dossier), items,
                                 step.official_name, self._now(), reason=step.reason,
                                 contact=f"Quầy số {step.counter_no}" if step.counter_no else "")

    def _refusal(self, detail: DossierDetail) -> Refusal:
        step = _last(detail, "refuse")
        return Refusal(_header(self._accounts.ward()), _ref(detail.dossier), (step.reason,),
                       step.official_name, self._now())

    def _apology(self, detail: DossierDetail) -> ApologyExtension:
        step = _last(detail, "extend")
        unit = str(step.detail.get("unit", ""))
        new_due = datetime.fromisoformat(str(step.detail["new_due"]))
        return ApologyExtension(_header(self._accounts.ward()), _ref(detail.dossier), new_due,
                                (step.reason,), unit, f"TRƯỞNG {unit.upper()}" if unit else "",
                                "", self._now())

    def _stop(self, detail: DossierDetail) -> StopNotice:
        step = _last(detail, "stop", "withdraw")
        basis = ("Theo đề nghị rút hồ sơ của người nộp hồ sơ." if step.action == "withdraw"
                 else "")
        return StopNotice(_header(self._accounts.ward()), _ref(detail.dossier), (step.reason,),
                          step.at, "TRƯỞNG BỘ PHẬN MỘT CỬA", "", self._now(), basis=basis)

    def _control_slip(self, detail: DossierDetail) -> ControlSlip:
        rows = tuple(
            Handover(s.from_party, s.to_party, s.at, from_person=s.official_name,
                     result=Outcome(s.outcome) if s.outcome else None, note=s.reason)
            for s in detail.steps if s.action in ("handover", "ready"))
        lead = next((s.to_party for s in detail.steps if s.action == "handover"), "")
        return ControlSlip(_header(self._accounts.ward()), _ref(detail.dossier, masked=True),
                           lead, rows, self._now())

    def fee_receipt(self, detail: DossierDetail, receipt_no: str = "") -> FeeReceipt:
        """The receipt of one payment (the newest when ``receipt_no`` is empty)."""
        pays = [p for p in detail.payments if not receipt_no or p.receipt_no == receipt_no]
        if not pays:
            raise NoSuchStep(f"Hồ sơ {detail.dossier.code} chưa có khoản thu nào.",
                             field="receipt")
        pay, d = pays[-1], detail.dossier
        item = FeeItem(f"Phí, lệ phí: {d.procedure_name}", pay.amount)
        return FeeReceipt(_header(self._accounts.ward()), pay.receipt_no,
                          f"{RECEIPT_SERIES}-{to_vn(pay.paid_at).year}", d.applicant_name,
                          _ref(d), (item,), METHOD_TEXT.get(pay.method, pay.method),
                          pay.official_name, pay.paid_at, payer_address=d.address)

    def ledger(self, first: date, last: date) -> Ledger:
        """The ledger of the dossiers received from ``first`` to ``last`` (both included)."""
        ward = self._accounts.ward()
        rows = tuple(
            LedgerRow(r.no, r.code, r.procedure_name, r.sets_count, r.applicant_name, r.address,
                      r.phone, r.lead_unit, r.received_at, r.due_at, r.sent_at,
                      r.result_received_at, r.returned_at, r.returned_to, r.note)
            for r in self._ledger.rows(first, last))
        return Ledger(_header(ward), first, last, rows, self._now(), book=ward.ledger_book)
