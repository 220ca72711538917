"""AdminService (counter_app/services/admin.py), which the settings dialog adds: no Qt needed."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import Session, select

from counter_app.domain.calendar import CalendarOverride, OverrideKind
from counter_app.services.admin import AdminService, validate_working_hours
from counter_app.services.errors import LoginFailed, PermissionDenied, ValidationFailed
from db.models import Event


@pytest.fixture
def admin_svc(ui_services):  # type: ignore[no-untyped-def]
    return AdminService(ui_services.engine, ui_services.clock)


@pytest.fixture
def admin(ui_services):  # type: ignore[no-untyped-def]
    return ui_services.accounts.login("admin", "admin123")


def _event_types(ui_services) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(ui_services.engine) as s:
        return [e.type for e in s.exec(select(Event).order_by(Event.device_seq))]


def test_only_admins(admin_svc, official) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        admin_svc.set_active(official, "canbo", False)
    with pytest.raises(PermissionDenied):
        admin_svc.reset_password(official, "canbo", "abcdef12")
    with pytest.raises(PermissionDenied):
        admin_svc.remove_override(official, date(2026, 11, 28))
    with pytest.raises(PermissionDenied):
        admin_svc.end_no_appointment(official, 1, on=date(2026, 11, 24))


def test_disable_enable_reset_each_an_event(admin_svc, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    admin_svc.set_active(admin, "canbo", False)
    with pytest.raises(LoginFailed):
        ui_services.accounts.login("canbo", "canbo123")
    assert [o.active for o in admin_svc.list_accounts() if o.username == "canbo"] == [False]
    admin_svc.set_active(admin, "canbo", True)
    admin_svc.reset_password(admin, "CanBo ", "mat-khau-moi")
    assert ui_services.accounts.login("canbo", "mat-khau-moi").username == "canbo"
    assert _event_types(ui_services)[-3:] == [
        "official.disabled",
        "official.enabled",
        "official.password_reset",
    ]


def test_refusals(admin_svc, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as short:
        admin_svc.reset_password(admin, "canbo", "123")
    assert "password" in short.value.errors
    with pytest.raises(ValidationFailed):
        admin_svc.set_active(admin, "admin", False)  # oneself
    second = ui_services.accounts.create_official(
        admin, username="qt2", full_name="Quản Trị Hai", password="qt2-pass", role="admin"
    )
    admin_svc.set_active(second, "admin", False)  # another admin remains: allowed
    with pytest.raises(ValidationFailed) as last:
        admin_svc.set_active(admin, "qt2", False)  # would leave no active admin
    assert "account" in last.value.errors


def test_remove_override_and_end_rule(admin_svc, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 11, 28)
    ui_services.calendar.set_override(admin, CalendarOverride(day, OverrideKind.WORKING_DAY, "Bù"))
    assert admin_svc.remove_override(admin, day) is True
    assert admin_svc.remove_override(admin, day) is False
    assert ui_services.calendar.overrides() == []
    today = date(2026, 11, 24)
    ui_services.calendar.set_no_appointment(
        admin, weekday=0, procedure_code="2.000815", effective_from=date(2026, 11, 1)
    )
    [rule] = admin_svc.no_appointment_rules(on=today)
    admin_svc.end_no_appointment(admin, rule.id, on=today)
    assert admin_svc.no_appointment_rules(on=today) == []
    assert [r.id for r in admin_svc.no_appointment_rules(on=date(2026, 11, 10))] == [rule.id]
    assert _event_types(ui_services)[-1] == "calendar.no_appointment_ended"


def test_working_hours_field_errors() -> None:
    ok = dict(
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13),
        afternoon_end=time(17),
        same_day_cutoff=time(15),
    )
    assert validate_working_hours(**ok).hours_per_day() == 8
    with pytest.raises(ValidationFailed) as bad:
        validate_working_hours(**{**ok, "afternoon_start": time(11), "same_day_cutoff": time(18)})
    assert set(bad.value.errors) == {"afternoon_start", "same_day_cutoff"}
