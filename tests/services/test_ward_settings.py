"""Issue 11: the ward profile, this PC's counter number and the two copies of form 01."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from counter_app.domain.clock import FixedClock
from counter_app.services.accounts import AccountService, OfficialPublic
from counter_app.services.errors import PermissionDenied, ValidationFailed
from counter_app.services.ward_settings import WardSettingsService


def test_admin_saves_profile_counter_and_copies(engine: Engine, clock: FixedClock,
                                                admin: OfficialPublic) -> None:
    svc = WardSettingsService(engine, clock)
    before = svc.load()
    assert not before.two_copies
    saved = svc.save(admin, replace(before, agency_name="Ubnd phường Ngọc Hà", counter_no=4,
                                    two_copies=True, lookup_url_base="https://tra.vn/h"))
    assert saved == svc.load()
    assert (saved.agency_name, saved.counter_no, saved.lookup_url_base) == (
        "UBND PHƯỜNG NGỌC HÀ", 4, "https://tra.vn/h/")
    ward = AccountService(engine, clock).ward()
    assert (ward.agency_name, ward.counter_no) == ("UBND PHƯỜNG NGỌC HÀ", 4)
    with engine.connect() as c:
        types = c.execute(text("SELECT type FROM event ORDER BY id")).scalars().all()
    assert types[-1] == "ward.profile_changed"


def test_counter_number_is_checked(engine: Engine, clock: FixedClock,
                                   admin: OfficialPublic) -> None:
    svc = WardSettingsService(engine, clock)
    with pytest.raises(ValidationFailed) as info:
        svc.save(admin, replace(svc.load(), counter_no=0))
    assert "counter_no" in info.value.errors


def test_only_an_admin_saves(engine: Engine, clock: FixedClock, admin: OfficialPublic) -> None:
    svc = WardSettingsService(engine, clock)
    clerk = OfficialPublic(id=99, username="x", full_name="X", role="official")
    with pytest.raises(PermissionDenied):
        svc.save(clerk, svc.load())

