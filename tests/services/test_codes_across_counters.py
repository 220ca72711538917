"""Two counters of one ward, offline for a day, never issue the same dossier code."""

from __future__ import annotations

from pathlib import Path

from svc_helpers import request_for

from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.catalogue import CatalogueService
from counter_app.services.context import open_services
from counter_app.services.demo import DEMO_WARD


def _counter(tmp: Path, clock: FixedClock, no: int):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    svc = open_services(tmp / f"c{no}.db", clock)
    svc.accounts.set_up(replace(DEMO_WARD, counter_no=no), admin_username="admin",
                        admin_full_name="Lê Văn Quản", admin_password="matkhau1")
    CatalogueService(svc.engine, clock).load_default()
    return svc, svc.accounts.login("admin", "matkhau1")


def test_two_counters_offline_for_a_day_issue_disjoint_codes(tmp_path: Path) -> None:
    clock = FixedClock(vn_datetime(2026, 11, 20, 7, 45))
    (a, oa), (b, ob) = _counter(tmp_path, clock, 1), _counter(tmp_path, clock, 2)
    codes_a, codes_b = [], []
    for i in range(60):  # interleaved through the day
        clock.set(vn_datetime(2026, 11, 20, 8 + i // 10, (i * 7) % 60))
        codes_a.append(a.intake.receive(request_for(a, "1.004873"), official=oa).code)
        codes_b.append(b.intake.receive(request_for(b, "1.004873"), official=ob).code)
    assert len(set(codes_a)) == len(codes_a) == 60
    assert not set(codes_a) & set(codes_b)
    assert codes_a[0].endswith("-0001") and codes_b[0].endswith("-1000")
    a.close()
    b.close()
