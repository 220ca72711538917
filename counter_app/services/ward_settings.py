"""What an administrator sets for the ward and this PC: profile, counter number, form copies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from counter_app.domain.clock import Clock
from counter_app.domain.errors import DomainError
from counter_app.domain.text import clean_text
from counter_app.services.accounts import OfficialPublic, require_admin
from counter_app.services.errors import NotSetUp, ValidationFailed
from db.engine import read_session, unit_of_work
from db.models import DeviceState, Setting, WardProfile
from db.outbox import EventDraft, append_event

TWO_COPIES_KEY = "receipt.two_copies"
MAX_COUNTER = 99  # the physical counter (quầy) this PC serves; not the dossier-code block


@dataclass(frozen=True)
class WardSettingsPublic:
    """The editable part of the ward profile, this PC's counter and the receipt copies."""

    agency_name: str
    unit_name: str
    place_name: str
    address: str
    phone: str
    lookup_url_base: str
    ledger_book: str
    counter_no: int
    two_copies: bool  # form 01 twice: one for the citizen, one for the file


def two_copies(session: Session) -> bool:
    """Whether the ward prints form 01 twice (inside the caller's session)."""
    row = session.get(Setting, TWO_COPIES_KEY)
    return row is not None and row.value == "1"


def _clean(w: WardSettingsPublic) -> WardSettingsPublic:
    errors: dict[str, str] = {}

    def text(value: str, field: str, max_len: int, required: bool) -> str:
        try:
            return clean_text(value, field=field, max_len=max_len, required=required)
        except DomainError as exc:
            errors[field] = exc.message_vi
            return value

    out = WardSettingsPublic(
        agency_name=text(w.agency_name, "agency_name", 120, True).upper(),
        unit_name=text(w.unit_name, "unit_name", 120, True).upper(),
        place_name=text(w.place_name, "place_name", 60, True),
        address=text(w.address, "address", 200, False),
        phone=text(w.phone, "phone", 30, False),
        lookup_url_base=w.lookup_url_base.strip(),
        ledger_book=text(w.ledger_book, "ledger_book", 20, True),
        counter_no=w.counter_no,
        two_copies=w.two_copies,
    )
    if not out.lookup_url_base.startswith(("https://", "http://")):
        errors["lookup_url_base"] = "Địa chỉ tra cứu phải bắt đầu bằng https://"
    if not 1 <= w.counter_no <= MAX_COUNTER:
        errors["counter_no"] = f"Số quầy phải từ 1 đến {MAX_COUNTER}."
    if errors:
        raise ValidationFailed(errors)
    base = out.lookup_url_base
    return WardSettingsPublic(**{**out.__dict__, "lookup_url_base": base.rstrip("/") + "/"})


class WardSettingsService:
    """Reads and saves the administrator's ward and counter settings."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def load(self) -> WardSettingsPublic:
        """The current settings."""
        with read_session(self._engine) as s:
            w, d = s.get(WardProfile, 1), s.get(DeviceState, 1)
            if w is None or d is None:
                raise NotSetUp("Chưa thiết lập phần mềm.")
            return WardSettingsPublic(w.agency_name, w.unit_name, w.place_name, w.address,
                                      w.phone, w.lookup_url_base, w.ledger_book, d.counter_no,
                                      two_copies(s))

    def save(self, by: OfficialPublic, new: WardSettingsPublic) -> WardSettingsPublic:
        """An admin saves them: one transaction with its event (the ward's profile upstream).

        The counter number names the quầy on forms, slips and queue calls; the dossier-code
        block given at setup or enrolment does not change with it.
        """
        require_admin(by, "sửa thông tin đơn vị")
        clean = _clean(new)
        with unit_of_work(self._engine) as s:
            w, d = s.get(WardProfile, 1), s.get(DeviceState, 1)
            if w is None or d is None:
                raise NotSetUp("Chưa thiết lập phần mềm.")
            w.agency_name, w.unit_name, w.place_name = (clean.agency_name, clean.unit_name,
                                                        clean.place_name)
            w.address, w.phone, w.lookup_url_base, w.ledger_book = (
                clean.address, clean.phone, clean.lookup_url_base, clean.ledger_book)
            d.counter_no = clean.counter_no
            row = s.get(Setting, TWO_COPIES_KEY) or Setting(key=TWO_COPIES_KEY, value="0")
            row.value = "1" if clean.two_copies else "0"
            s.add_all([w, d, row])
            append_event(s, EventDraft("ward", w.agency_code, "ward.profile_changed",
                                       {**clean.__dict__, "agency_code": w.agency_code}),
                         now=self._clock.now(), official_id=by.id)
        return clean
