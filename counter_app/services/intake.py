"""Receiving a dossier at the counter: validate, number, date, store, record the event."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from counter_app.domain.calendar import DurationKind
from counter_app.domain.cccd import Sex, check_cccd_number, check_person_name
from counter_app.domain.clock import Clock, local_day, to_db
from counter_app.domain.codes import (
    CodeRange,
    CodeRangeExhausted,
    format_dossier_code,
    new_verify_token,
)
from counter_app.domain.errors import DomainError
from counter_app.domain.fees import FeeRule, compute_fee
from counter_app.domain.lifecycle import Channel, Status
from counter_app.domain.text import clean_email, clean_phone, clean_text, fold
from counter_app.services.accounts import OfficialPublic
from counter_app.services.calendar import load_calendar
from counter_app.services.catalogue import processing_time_text
from counter_app.services.errors import NotFound, NotSetUp, ValidationFailed
from counter_app.services.queue import link_ticket
from counter_app.services.read_models import DossierPublic, dossier_public
from db.dossiers import NewDossier, dossier_payload, insert_dossiers
from db.engine import unit_of_work
from db.models import (
    DeviceState,
    Dossier,
    DossierComponent,
    Procedure,
    ProcedureComponent,
    WardProfile,
)
from db.outbox import EventDraft, append_event

MAX_COUNT = 99


@dataclass(frozen=True)
class ComponentInput:
    """A document the official ticked, with counts."""

    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


@dataclass(frozen=True)
class IntakeRequest:
    """Everything the intake form collects, as typed or scanned."""

    procedure_id: int
    applicant_name: str
    id_number: str
    address: str
    birth_date: date | None = None
    sex: str = ""
    phone: str = ""
    email: str = ""
    components: tuple[ComponentInput, ...] = ()
    sets_count: int = 1
    channel: Channel = Channel.DIRECT
    result_delivery: str = "counter"
    fee_pages: int = 1
    fee_copies: int = 1
    note: str = ""
    ticket_uid: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Clean:
    name: str
    id_number: str
    address: str
    sex: str
    phone: str
    email: str
    note: str


def _collect(errors: dict[str, str], fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return fn(*args, **kwargs)
    except DomainError as exc:
        errors[exc.field or kwargs.get("field", "") or "form"] = exc.message_vi
        return ""


def _validate(req: IntakeRequest, *, today: date) -> _Clean:
    errors: dict[str, str] = {}
    name = _collect(
        errors, clean_text, req.applicant_name, field="applicant_name", max_len=100, required=True
    )
    if name:  # a stray scan or digits in the name field: never saved, whatever the screen
        _collect(errors, check_person_name, name, field="applicant_name")
    address = _collect(errors, clean_text, req.address, field="address", max_len=250, required=True)
    note = _collect(errors, clean_text, req.note, field="note", max_len=500, required=False)
    id_number = "".join(req.id_number.split())
    sex = Sex(req.sex) if req.sex in (Sex.MALE.value, Sex.FEMALE.value) else None
    try:
        check_cccd_number(id_number, birth_date=req.birth_date, sex=sex)
    except DomainError as exc:
        errors["id_number"] = exc.message_vi
    phone = _collect(errors, clean_phone, req.phone)
    email = _collect(errors, clean_email, req.email)
    if not 1 <= req.sets_count <= MAX_COUNT:
        errors["sets_count"] = f"Số bộ hồ sơ phải từ 1 đến {MAX_COUNT}."
    if req.channel not in (Channel.DIRECT, Channel.POST):
        errors["channel"] = "Tại quầy chỉ tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính."
    if req.result_delivery not in ("counter", "post"):
        errors["result_delivery"] = "Nơi nhận kết quả không hợp lệ."
    for c in req.components:
        counts = (c.originals, c.certified_copies, c.photocopies)
        if any(n < 0 or n > MAX_COUNT for n in counts):
            errors["components"] = f"Số lượng giấy tờ phải từ 0 đến {MAX_COUNT}."
    if req.birth_date is not None and req.birth_date > today:
        errors["birth_date"] = "Ngày sinh không được ở tương lai."
    if errors:
        raise ValidationFailed(errors)
    return _Clean(name, id_number, address, sex.value if sex else "", phone, email, note)


def _check_components(req: IntakeRequest, required: list[ProcedureComponent]) -> None:
    given = {
        clean_text(c.name, field="components", max_len=300, required=False): c
        for c in req.components
    }
    missing = [
        p.name
        for p in required
        if p.required
        and (
            p.name not in given
            or not any(
                (given[p.name].originals, given[p.name].certified_copies, given[p.name].photocopies)
            )
        )
    ]
    if missing:
        raise ValidationFailed({"components": "Thiếu giấy tờ bắt buộc: " + "; ".join(missing)})
    if not any(c.originals or c.certified_copies or c.photocopies for c in req.components):
        raise ValidationFailed({"components": "Hồ sơ chưa có giấy tờ nào."})


def allocate_code(session: Session, *, agency_code: str, day: date) -> str:
    """The next dossier code of this device's range for a day, inside the caller's transaction.

    The per-day counter lives in the same transaction as the dossier, so a crash before commit
    hands the number back unused, and a committed number is never handed out again.
    """
    dev = session.get(DeviceState, 1)
    if dev is None:
        raise NotSetUp("Chưa thiết lập phần mềm.")
    rng = CodeRange(dev.code_range_start, dev.code_range_end)
    key = day.strftime("%y%m%d")
    while True:
        seq = session.execute(
            text(
                "INSERT INTO code_sequence(day, last_seq) VALUES (:d, :s) "
                "ON CONFLICT(day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq"
            ),
            {"d": key, "s": rng.start},
        ).scalar_one()
        if not rng.contains(seq):
            raise CodeRangeExhausted(rng.start, rng.end)
        code = format_dossier_code(agency_code, day, seq)
        # A database restored from an older backup may lag behind codes already issued.
        if session.exec(select(Dossier.id).where(Dossier.code == code)).first() is None:
            return code


def _next_ledger_line(session: Session, book: str, year: int) -> int:
    key = f"ledger:{book}:{year}"
    return int(
        session.execute(
            text(
                "INSERT INTO setting(key, value) VALUES (:k, '1') ON CONFLICT(key) DO UPDATE "
                "SET value = CAST(value AS INTEGER) + 1 RETURNING value"
            ),
            {"k": key},
        ).scalar_one()
    )


class IntakeService:
    """The one write path for receiving a dossier."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def receive(
        self, req: IntakeRequest, *, official: OfficialPublic, counter_no: int | None = None
    ) -> DossierPublic:
        """Validate, then in one transaction write dossier, components and event."""
        now = self._clock.now()
        day = local_day(now)
        clean = _validate(req, today=day)
        with unit_of_work(self._engine) as s:
            ward = s.get(WardProfile, 1)
            dev = s.get(DeviceState, 1)
            if ward is None or dev is None:
                raise NotSetUp("Chưa thiết lập phần mềm.")
            proc = self._procedure_in_force(s, req.procedure_id, day)
            comps = list(
                s.exec(select(ProcedureComponent).where(ProcedureComponent.procedure_id == proc.id))
            )
            _check_components(req, comps)
            cal = load_calendar(s, on=day)
            due = cal.due_at(
                now,
                kind=DurationKind(proc.duration_kind),
                hours=proc.duration_hours,
                procedure_code=proc.code,
            )
            fee = compute_fee(
                FeeRule.from_dict(json.loads(proc.fee_rule)),
                channel=req.channel,
                pages=max(1, req.fee_pages),
                copies=max(1, req.fee_copies),
            )
            code = allocate_code(s, agency_code=ward.agency_code, day=day)
            values: dict[str, object] = dict(
                uid=str(uuid.uuid4()),
                code=code,
                verify_token=new_verify_token(),
                procedure_id=proc.id or 0,
                procedure_code=proc.code,
                procedure_name=proc.name,
                field_code=proc.field_code,
                status=int(Status.RECEIVED),
                channel=int(req.channel),
                applicant_name=clean.name,
                applicant_folded=fold(clean.name),
                id_number=clean.id_number,
                birth_date=req.birth_date.isoformat() if req.birth_date else None,
                sex=clean.sex,
                address=clean.address,
                phone=clean.phone,
                email=clean.email,
                sets_count=req.sets_count,
                processing_text=processing_time_text(proc.duration_kind, proc.duration_hours),
                duration_kind=proc.duration_kind,
                duration_hours=proc.duration_hours,
                received_at=to_db(now),
                due_at=to_db(due),
                original_due_at=to_db(due),
                result_delivery=req.result_delivery,
                fee_amount=fee,
                fee_pages=max(1, req.fee_pages),
                fee_copies=max(1, req.fee_copies),
                ledger_book=ward.ledger_book,
                ledger_line=_next_ledger_line(s, ward.ledger_book, day.year),
                official_id=official.id,
                official_name=official.full_name,
                counter_no=counter_no or dev.counter_no,
                device_id=dev.device_id,
                ticket_uid=req.ticket_uid,
                note=clean.note,
                created_at=to_db(now),
                updated_at=to_db(now),
            )
            papers: list[dict[str, Any]] = [
                {"name": clean_text(c.name, field="components", max_len=300, required=True),
                 "originals": c.originals, "certified_copies": c.certified_copies,
                 "photocopies": c.photocopies}
                for c in req.components
                if c.originals or c.certified_copies or c.photocopies
            ]
            (did,) = insert_dossiers(s.connection(), [NewDossier(values, papers)])
            append_event(
                s,
                EventDraft("dossier", str(values["uid"]), "dossier.received",
                           dossier_payload(values, papers)),
                now=now,
                official_id=official.id,
            )
            if req.ticket_uid:
                link_ticket(s, req.ticket_uid, str(values["uid"]), now=now,
                            official_id=official.id)
            d = Dossier.model_validate({**values, "id": did})
            rows = [DossierComponent(dossier_id=did, position=i, **c) for i, c in enumerate(papers)]
            return dossier_public(d, rows)

    @staticmethod
    def _procedure_in_force(s: Session, procedure_id: int, day: date) -> Procedure:
        proc = s.get(Procedure, procedure_id)
        iso = day.isoformat()
        if proc is None or not proc.active:
            raise NotFound("Không tìm thấy thủ tục.", field="procedure")
        if proc.effective_from > iso or (
            proc.effective_to is not None and proc.effective_to <= iso
        ):
            raise ValidationFailed(
                {"procedure": "Thủ tục này không còn hiệu lực vào ngày tiếp nhận."}
            )
        return proc

