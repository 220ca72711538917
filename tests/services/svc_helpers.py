"""Builders shared by the service tests."""

from __future__ import annotations

from datetime import date

from counter_app.services.context import AppServices
from counter_app.services.intake import ComponentInput, IntakeRequest


def request_for(svc: AppServices, code: str, **overrides: object) -> IntakeRequest:
    """A valid intake request for the procedure with this code, with its required papers."""
    proc = svc.catalogue.in_force(code, on=svc.clock.now().date())
    comps = tuple(ComponentInput(c.name, max(c.originals, 1), c.certified_copies, c.photocopies)
                  for c in proc.components)
    base: dict[str, object] = dict(
        procedure_id=proc.id, applicant_name="Nguyễn Thị Hồng Nhung", id_number="001190012345",
        address="Số 12 ngõ 34 Thụy Khuê, phường Thụy Khuê, Hà Nội", birth_date=date(1990, 3, 15),
        sex="Nữ", phone="0912 345 678", components=comps,
    )
    base.update(overrides)
    return IntakeRequest(**base)  # type: ignore[arg-type]
