"""First-run setup, officials and login (argon2 password hashes)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from counter_app.domain.clock import Clock, to_db
from counter_app.domain.codes import AGENCY_CODE_RE, DEVICE_COUNTERS, CodeRange
from counter_app.domain.errors import DomainError
from counter_app.domain.text import clean_text
from counter_app.services.errors import LoginFailed, NotSetUp, PermissionDenied, ValidationFailed
from db.engine import read_session, unit_of_work
from db.models import Counter, DeviceState, Official, WardProfile
from db.outbox import EventDraft, append_event

_hasher = PasswordHasher()
MIN_PASSWORD = 6


@dataclass(frozen=True)
class OfficialPublic:
    """A logged-in official as the rest of the app sees them."""

    id: int
    username: str
    full_name: str
    role: str

    @property
    def is_admin(self) -> bool:
        """Admins manage officials, the catalogue and the calendar."""
        return self.role == "admin"


def require_admin(by: OfficialPublic, what: str) -> None:
    """Raise PermissionDenied ("Chỉ quản trị viên được <what>.") unless ``by`` is an admin."""
    if not by.is_admin:
        raise PermissionDenied(f"Chỉ quản trị viên được {what}.")


@dataclass(frozen=True)
class WardSetup:
    """What first-run setup asks for."""

    agency_code: str
    agency_name: str
    place_name: str
    lookup_url_base: str
    address: str = ""
    phone: str = ""
    counter_no: int = 1


@dataclass(frozen=True)
class WardPublic:
    """The ward profile, for form headers and the lookup URL."""

    agency_code: str
    agency_name: str
    unit_name: str
    place_name: str
    address: str
    lookup_url_base: str
    ledger_book: str
    counter_no: int
    device_id: str
    code_range: CodeRange


def _public(o: Official) -> OfficialPublic:
    assert o.id is not None
    return OfficialPublic(id=o.id, username=o.username, full_name=o.full_name, role=o.role)


def _validate_ward(w: WardSetup) -> WardSetup:
    errors: dict[str, str] = {}
    code = w.agency_code.strip()
    if not AGENCY_CODE_RE.fullmatch(code):
        errors["agency_code"] = "Mã định danh cơ quan không đúng dạng (ví dụ 000.00.12.H62)."
    if not w.lookup_url_base.startswith(("https://", "http://")):
        errors["lookup_url_base"] = "Địa chỉ tra cứu phải bắt đầu bằng https://"
    if not 1 <= w.counter_no <= DEVICE_COUNTERS:
        # Block 10 (9000–9999) numbers the dossiers registered online upstream.
        errors["counter_no"] = f"Số quầy phải từ 1 đến {DEVICE_COUNTERS}."
    try:
        name = clean_text(w.agency_name, field="agency_name", max_len=120, required=True)
        place = clean_text(w.place_name, field="place_name", max_len=60, required=True)
        address = clean_text(w.address, field="address", max_len=200, required=False)
    except DomainError as exc:
        errors[exc.field or "agency_name"] = exc.message_vi
        raise ValidationFailed(errors) from exc
    if errors:
        raise ValidationFailed(errors)
    base = w.lookup_url_base.strip()
    return WardSetup(
        code,
        name.upper(),
        place,
        base if base.endswith("/") else base + "/",
        address,
        w.phone.strip(),
        w.counter_no,
    )


class AccountService:
    """Setup, officials, login."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def is_set_up(self) -> bool:
        """Whether the ward profile and a first admin exist (an enrolled store may lack admins)."""
        with read_session(self._engine) as s:
            return s.get(WardProfile, 1) is not None and s.exec(
                select(Official.id).where(Official.role == "admin")).first() is not None

    def enrolled_ward(self) -> WardSetup | None:
        """The ward an enrolment already wrote (from the upstream server), if any."""
        with read_session(self._engine) as s:
            w, d = s.get(WardProfile, 1), s.get(DeviceState, 1)
            if w is None or d is None:
                return None
            return WardSetup(w.agency_code, w.agency_name, w.place_name, w.lookup_url_base,
                             w.address, w.phone, d.counter_no)

    def set_up(
        self, ward: WardSetup, *, admin_username: str, admin_full_name: str, admin_password: str
    ) -> OfficialPublic:
        """First run: ward profile, this device's identity and code range, the first admin."""
        if self.is_set_up():
            raise PermissionDenied("Phần mềm đã được thiết lập.")
        if self.enrolled_ward() is not None:
            # Enrolled before anyone could log in: the ward came from upstream; add the admin.
            with unit_of_work(self._engine) as s:
                return self._add_official(s, admin_username, admin_full_name, admin_password,
                                          "admin", by=None)
        ward = _validate_ward(ward)
        now = self._clock.now()
        rng = CodeRange.for_counter(ward.counter_no)
        with unit_of_work(self._engine) as s:
            s.add(
                WardProfile(
                    agency_code=ward.agency_code,
                    agency_name=ward.agency_name,
                    place_name=ward.place_name,
                    address=ward.address,
                    phone=ward.phone,
                    lookup_url_base=ward.lookup_url_base,
                    created_at=to_db(now),
                )
            )
            s.add(
                DeviceState(
                    device_id=str(uuid.uuid4()),
                    counter_no=ward.counter_no,
                    code_range_start=rng.start,
                    code_range_end=rng.end,
                    created_at=to_db(now),
                )
            )
            s.add(Counter(number=ward.counter_no, name=f"Quầy số {ward.counter_no}"))
            s.flush()
            admin = self._add_official(
                s, admin_username, admin_full_name, admin_password, "admin", by=None
            )
            append_event(
                s,
                EventDraft(
                    "ward",
                    ward.agency_code,
                    "ward.set_up",
                    {
                        "agency_code": ward.agency_code,
                        "agency_name": ward.agency_name,
                        "place_name": ward.place_name,
                        "counter_no": ward.counter_no,
                    },
                ),
                now=now,
                official_id=admin.id,
            )
        return admin

    def create_official(
        self,
        by: OfficialPublic,
        *,
        username: str,
        full_name: str,
        password: str,
        role: str = "official",
    ) -> OfficialPublic:
        """An admin adds an official."""
        require_admin(by, "thêm cán bộ")
        with unit_of_work(self._engine) as s:
            return self._add_official(s, username, full_name, password, role, by=by.id)

    def _add_official(
        self,
        s: Session,
        username: str,
        full_name: str,
        password: str,
        role: str,
        *,
        by: int | None,
    ) -> OfficialPublic:
        user = username.strip().lower()
        errors: dict[str, str] = {}
        if not user or not user.replace(".", "").replace("_", "").isalnum() or not user.isascii():
            errors["username"] = "Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch dưới."
        if len(password) < MIN_PASSWORD:
            errors["password"] = f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
        if role not in ("admin", "official"):
            errors["role"] = "Vai trò không hợp lệ."
        if not errors and s.exec(select(Official).where(Official.username == user)).first():
            errors["username"] = "Tên đăng nhập đã tồn tại."
        try:
            name = clean_text(full_name, field="full_name", max_len=100, required=True)
        except DomainError as exc:
            errors["full_name"] = exc.message_vi
        if errors:
            raise ValidationFailed(errors)
        now = self._clock.now()
        o = Official(
            username=user,
            full_name=name,
            password_hash=_hasher.hash(password),
            role=role,
            created_at=to_db(now),
        )
        s.add(o)
        s.flush()
        append_event(
            s,
            EventDraft(
                "official",
                user,
                "official.created",
                {"username": user, "full_name": name, "role": role},
            ),
            now=now,
            official_id=by if by is not None else o.id,
        )
        return _public(o)

    def login(self, username: str, password: str) -> OfficialPublic:
        """Check the password; raise LoginFailed with one message for every failure."""
        with read_session(self._engine) as s:
            if s.get(WardProfile, 1) is None:
                raise NotSetUp("Chưa thiết lập phần mềm.")
            o = s.exec(
                select(Official).where(Official.username == username.strip().lower())
            ).first()
        if o is None or not o.active:
            _hasher.hash(password)  # same work either way: no user-name probing by timing
            raise LoginFailed("Sai tên đăng nhập hoặc mật khẩu.")
        try:
            _hasher.verify(o.password_hash, password)
        except (VerificationError, InvalidHashError) as exc:
            raise LoginFailed("Sai tên đăng nhập hoặc mật khẩu.") from exc
        return _public(o)

    def list_officials(self) -> list[OfficialPublic]:
        """Active officials, by name."""
        with read_session(self._engine) as s:
            rows = s.exec(select(Official).where(Official.active == True)).all()  # noqa: E712
            return sorted((_public(o) for o in rows), key=lambda o: o.full_name)

    def ward(self) -> WardPublic:
        """The ward profile and this device's identity."""
        with read_session(self._engine) as s:
            w = s.get(WardProfile, 1)
            d = s.get(DeviceState, 1)
            if w is None or d is None:
                raise NotSetUp("Chưa thiết lập phần mềm.")
            return WardPublic(
                w.agency_code,
                w.agency_name,
                w.unit_name,
                w.place_name,
                w.address,
                w.lookup_url_base,
                w.ledger_book,
                d.counter_no,
                d.device_id,
                CodeRange(d.code_range_start, d.code_range_end),
            )
