"""Administration the settings dialog needs beyond accounts.py and calendar.py.

Added next to those services rather than inside them: disabling and re-enabling officials,
resetting a password, removing a calendar override, listing and ending no-appointment rules,
and checking working hours with per-field messages. Every change is one transaction with an
outbox event, admin only (`PermissionDenied`), validated (`ValidationFailed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from counter_app.domain.calendar import WorkingHours
from counter_app.domain.clock import Clock
from counter_app.services.accounts import MIN_PASSWORD, OfficialPublic, require_admin
from counter_app.services.errors import NotFound, ValidationFailed
from db.engine import read_session, unit_of_work
from db.models import CalendarOverride as OverrideRow
from db.models import NoAppointmentRule, Official
from db.outbox import EventDraft, append_event

_hasher = PasswordHasher()
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class OfficialAccountPublic:
    """An official as the administrator sees them, disabled ones included."""

    id: int
    username: str
    full_name: str
    role: str
    active: bool


@dataclass(frozen=True)
class NoAppointmentPublic:
    """A "ngày không hẹn" rule in force."""

    id: int
    weekday: int
    procedure_code: str
    effective_from: date


def validate_working_hours(
    *,
    morning_start: time,
    morning_end: time,
    afternoon_start: time,
    afternoon_end: time,
    same_day_cutoff: time,
) -> WorkingHours:
    """Build WorkingHours, or raise ValidationFailed naming the field that is out of order."""
    errors: dict[str, str] = {}
    if not morning_start < morning_end:
        errors["morning_end"] = "Giờ kết thúc buổi sáng phải sau giờ bắt đầu."
    elif not morning_end <= afternoon_start:
        errors["afternoon_start"] = "Buổi chiều phải bắt đầu sau khi buổi sáng kết thúc."
    if not afternoon_start < afternoon_end:
        errors["afternoon_end"] = "Giờ kết thúc buổi chiều phải sau giờ bắt đầu."
    if not morning_start <= same_day_cutoff <= afternoon_end:
        errors["same_day_cutoff"] = "Giờ nhận trả trong ngày phải nằm trong giờ làm việc."
    if errors:
        raise ValidationFailed(errors)
    return WorkingHours(morning_start, morning_end, afternoon_start, afternoon_end, same_day_cutoff)


class AdminService:
    """Officials' accounts and calendar clean-up; every change is one unit of work."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    # --- officials ----------------------------------------------------------------------

    def list_accounts(self) -> list[OfficialAccountPublic]:
        """Every official, active first, then by name."""
        with read_session(self._engine) as s:
            rows = s.exec(select(Official)).all()
            out = [
                OfficialAccountPublic(o.id or 0, o.username, o.full_name, o.role, o.active)
                for o in rows
            ]
        return sorted(out, key=lambda o: (not o.active, o.full_name))

    def set_active(self, by: OfficialPublic, username: str, active: bool) -> None:
        """Disable an official (they can no longer log in) or enable them again."""
        require_admin(by, "khoá hoặc mở khoá tài khoản")
        with unit_of_work(self._engine) as s:
            o = self._official(s, username)
            if not active and o.id == by.id:
                raise ValidationFailed({"account": "Không thể tự khoá tài khoản đang dùng."})
            if not active and o.role == "admin" and self._active_admins(s) <= 1:
                raise ValidationFailed({"account": "Phải còn ít nhất một quản trị viên."})
            if o.active == active:
                return
            o.active = active
            s.add(o)
            kind = "official.enabled" if active else "official.disabled"
            self._event(s, by, o.username, kind, {"username": o.username, "active": active})

    def reset_password(self, by: OfficialPublic, username: str, password: str) -> None:
        """Give an official a new password (they are told it at the counter)."""
        require_admin(by, "đặt lại mật khẩu")
        if len(password) < MIN_PASSWORD:
            raise ValidationFailed({"password": f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."})
        with unit_of_work(self._engine) as s:
            o = self._official(s, username)
            o.password_hash = _hasher.hash(password)
            s.add(o)
            # The hash never leaves the PC: the event only says that a reset happened.
            self._event(s, by, o.username, "official.password_reset", {"username": o.username})

    @staticmethod
    def _official(s: Session, username: str) -> Official:
        o = s.exec(select(Official).where(Official.username == username.strip().lower())).first()
        if o is None:
            raise NotFound("Không tìm thấy cán bộ.", field="account")
        return o

    @staticmethod
    def _active_admins(s: Session) -> int:
        stmt = (
            select(func.count())
            .select_from(Official)
            .where(Official.role == "admin", col(Official.active).is_(True))
        )
        return int(s.exec(stmt).one())

    # --- calendar -----------------------------------------------------------------------

    def remove_override(self, by: OfficialPublic, day: date) -> bool:
        """Drop the override of one day; False if the day had none."""
        require_admin(by, "sửa lịch làm việc")
        with unit_of_work(self._engine) as s:
            row = s.get(OverrideRow, day.isoformat())
            if row is None:
                return False
            s.delete(row)
            payload = {"day": day.isoformat()}
            self._event(
                s, by, day.isoformat(), "calendar.override_removed", payload, entity="calendar"
            )
        return True

    def no_appointment_rules(self, *, on: date) -> list[NoAppointmentPublic]:
        """The no-appointment rules in force on `on`, by weekday then code."""
        iso = on.isoformat()
        with read_session(self._engine) as s:
            rows = s.exec(select(NoAppointmentRule)).all()
            out = [
                NoAppointmentPublic(
                    r.id or 0, r.weekday, r.procedure_code, date.fromisoformat(r.effective_from)
                )
                for r in rows
                if r.effective_from <= iso and (r.effective_to is None or iso < r.effective_to)
            ]
        return sorted(out, key=lambda r: (r.weekday, r.procedure_code))

    def end_no_appointment(self, by: OfficialPublic, rule_id: int, *, on: date) -> None:
        """Stop a rule from `on` on; a rule not yet in force is simply deleted."""
        require_admin(by, "sửa lịch làm việc")
        with unit_of_work(self._engine) as s:
            rule = s.get(NoAppointmentRule, rule_id)
            if rule is None:
                raise NotFound("Không tìm thấy ngày không hẹn này.", field="no_appointment")
            uid = f"noappt:{rule.weekday}:{rule.procedure_code}"
            payload = {
                "weekday": rule.weekday,
                "procedure_code": rule.procedure_code,
                "effective_to": on.isoformat(),
            }
            if rule.effective_from >= on.isoformat():
                s.delete(rule)
            else:
                rule.effective_to = on.isoformat()
                s.add(rule)
            self._event(s, by, uid, "calendar.no_appointment_ended", payload, entity="calendar")

    def _event(
        self,
        s: Session,
        by: OfficialPublic,
        uid: str,
        kind: str,
        payload: Mapping[str, object],
        *,
        entity: str = "official",
    ) -> None:
        append_event(
            s, EventDraft(entity, uid, kind, payload), now=self._clock.now(), official_id=by.id
        )
