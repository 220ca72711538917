"""First-run setup and login, including a store enrolled before anyone could log in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from counter_app.domain.clock import FixedClock, to_db, vn_datetime
from counter_app.services.context import open_services
from counter_app.services.demo import DEMO_WARD
from counter_app.services.errors import LoginFailed, PermissionDenied, ValidationFailed
from db.engine import unit_of_work
from db.models import DeviceState, WardProfile


def test_setup_then_login(tmp_path: Path) -> None:
    svc = open_services(tmp_path / "c.db", FixedClock(vn_datetime(2026, 11, 20, 8)))
    assert not svc.accounts.is_set_up()
    svc.accounts.set_up(DEMO_WARD, admin_username="Lan", admin_full_name="Nguyễn Thị Lan",
                        admin_password="matkhau1")
    assert svc.accounts.is_set_up()
    assert svc.accounts.login("lan", "matkhau1").is_admin
    with pytest.raises(LoginFailed):
        svc.accounts.login("lan", "sai-mat-khau")
    with pytest.raises(LoginFailed):
        svc.accounts.login("khong-co", "matkhau1")
    with pytest.raises(PermissionDenied):
        svc.accounts.set_up(DEMO_WARD, admin_username="x", admin_full_name="X Y",
                            admin_password="matkhau1")
    svc.close()


def test_counter_10_is_kept_for_online_dossiers(tmp_path: Path) -> None:
    """Block 10 (9000–9999) numbers the dossiers registered online upstream: a counter set up
    offline as number 10 could never be enrolled on its block."""
    svc = open_services(tmp_path / "c.db", FixedClock(vn_datetime(2026, 11, 20, 8)))
    with pytest.raises(ValidationFailed) as refused:
        svc.accounts.set_up(replace(DEMO_WARD, counter_no=10), admin_username="lan",
                            admin_full_name="Nguyễn Thị Lan", admin_password="matkhau1")
    assert refused.value.errors["counter_no"] == "Số quầy phải từ 1 đến 9."
    assert not svc.accounts.is_set_up()
    svc.accounts.set_up(replace(DEMO_WARD, counter_no=9), admin_username="lan",
                        admin_full_name="Nguyễn Thị Lan", admin_password="matkhau1")
    assert svc.accounts.is_set_up()
    svc.close()


def test_enrolled_store_without_officials_asks_only_for_the_admin(tmp_path: Path) -> None:
    clock = FixedClock(vn_datetime(2026, 11, 20, 8))
    svc = open_services(tmp_path / "c.db", clock)
    with unit_of_work(svc.engine) as s:  # what an enrolment writes: ward and block from upstream
        s.add(WardProfile(agency_code="000.00.31.H26", agency_name="UBND PHƯỜNG YÊN PHỤ",
                          place_name="Hà Nội", lookup_url_base="https://up.example.vn/h/",
                          created_at=to_db(clock.now())))
        s.add(DeviceState(device_id="dev-1", counter_no=3, code_range_start=2000,
                          code_range_end=2999, created_at=to_db(clock.now())))
    assert not svc.accounts.is_set_up()
    assert svc.accounts.enrolled_ward() is not None
    svc.accounts.set_up(DEMO_WARD, admin_username="admin", admin_full_name="Lê Văn Quản",
                        admin_password="matkhau1")
    ward = svc.accounts.ward()
    assert ward.agency_code == "000.00.31.H26"  # the upstream ward is kept, not the form's
    assert (ward.code_range.start, ward.counter_no) == (2000, 3)
    assert svc.accounts.is_set_up()
    svc.close()


def test_check_command_reports_a_healthy_and_a_damaged_store(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from counter_app.cli import main

    assert main(["--data-dir", str(tmp_path), "seed-demo", "--dossiers", "5"]) == 0
    assert main(["--data-dir", str(tmp_path), "check"]) == 0
    assert "quick_check: ok" in capsys.readouterr().out
    (tmp_path / "counter.db").write_bytes(b"not a database" * 100)
    for f in ("counter.db-wal", "counter.db-shm"):
        (tmp_path / f).unlink(missing_ok=True)
    assert main(["--data-dir", str(tmp_path), "check"]) == 2
    assert "Lỗi:" in capsys.readouterr().err
