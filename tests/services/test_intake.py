"""Receiving a dossier: one transaction, a correct code and due date, an event."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import text
from svc_helpers import request_for

from counter_app.domain.canonical import payload_hash
from counter_app.domain.clock import VN_TZ, FixedClock, vn_datetime
from counter_app.domain.lifecycle import Status
from counter_app.services.context import AppServices
from counter_app.services.errors import ValidationFailed

CERTIFY_COPY = "2.000815"  # same day, 15:00 rule
MARITAL = "1.004873"  # 3 working days


def _login(svc: AppServices):  # type: ignore[no-untyped-def]
    return svc.accounts.login("canbo", "canbo123")


def _scalar(svc: AppServices, sql: str) -> int:
    with svc.engine.connect() as c:
        return int(c.execute(text(sql)).scalar_one())


def test_receive_writes_dossier_components_and_event(services: AppServices) -> None:
    official = _login(services)
    d = services.intake.receive(request_for(services, MARITAL), official=official)
    assert d.status is Status.RECEIVED
    assert d.code == "000.00.12.H26-261120-0001"
    assert d.official_name == "Trần Văn Đức"
    stored = services.dossiers.get(d.code)
    assert stored.components and stored.applicant_name == "Nguyễn Thị Hồng Nhung"
    with services.engine.connect() as c:
        ev = c.execute(text("SELECT * FROM event WHERE type = 'dossier.received'")).one()
    assert ev.entity_uid == d.uid and ev.state == "pending"
    assert payload_hash(ev.payload) == ev.payload_hash
    assert json.loads(ev.payload)["code"] == d.code


def test_due_date_three_working_days_friday_before_tet(services: AppServices,
                                                       clock: FixedClock) -> None:
    clock.set(vn_datetime(2026, 2, 13, 16, 30))
    d = services.intake.receive(request_for(services, MARITAL), official=_login(services))
    assert d.due_at.astimezone(VN_TZ) == datetime(2026, 2, 25, 16, 30, tzinfo=VN_TZ)


@pytest.mark.parametrize(("hh", "mm", "due_day"), [(14, 59, 20), (15, 5, 23)])
def test_same_day_procedure_and_the_15h_rule(services: AppServices, clock: FixedClock,
                                             hh: int, mm: int, due_day: int) -> None:
    clock.set(vn_datetime(2026, 11, 20, hh, mm))  # a Friday
    d = services.intake.receive(request_for(services, CERTIFY_COPY), official=_login(services))
    assert d.due_at.astimezone(VN_TZ).date().day == due_day


def test_invalid_input_changes_nothing(services: AppServices) -> None:
    before = _scalar(services, "SELECT COUNT(*) FROM event")
    with pytest.raises(ValidationFailed) as err:
        services.intake.receive(request_for(services, MARITAL, id_number="00119001234",
                                            applicant_name="  "), official=_login(services))
    assert {"id_number", "applicant_name"} <= set(err.value.errors)
    assert services.dossiers.count() == 0
    assert _scalar(services, "SELECT COUNT(*) FROM event") == before
    assert _scalar(services, "SELECT COUNT(*) FROM code_sequence") == 0


def test_id_number_must_agree_with_birth_date(services: AppServices) -> None:
    from datetime import date

    with pytest.raises(ValidationFailed) as err:
        services.intake.receive(request_for(services, MARITAL, birth_date=date(1991, 3, 15)),
                                official=_login(services))
    assert "id_number" in err.value.errors


def test_missing_required_component_is_refused(services: AppServices) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.intake.receive(request_for(services, MARITAL, components=()),
                                official=_login(services))
    assert "components" in err.value.errors


def test_decomposed_input_is_stored_nfc(services: AppServices) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    d = services.intake.receive(request_for(services, MARITAL, applicant_name=nfd),
                                official=_login(services))
    assert d.applicant_name == unicodedata.normalize("NFC", nfd)
    assert services.dossiers.find(__import__("counter_app.services.dossiers", fromlist=["x"])
                                  .DossierQuery(text="nguyen thi hong"))[0].code == d.code


def test_failed_transaction_leaves_no_trace(services: AppServices,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import counter_app.services.intake as intake_mod

    def boom(*_a: object, **_k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(intake_mod, "append_event", boom)
    with pytest.raises(OSError):
        services.intake.receive(request_for(services, MARITAL), official=_login(services))
    assert services.dossiers.count() == 0
    assert _scalar(services, "SELECT COUNT(*) FROM dossier_component") == 0
    monkeypatch.undo()
    d = services.intake.receive(request_for(services, MARITAL), official=_login(services))
    assert d.code.endswith("-0001")  # the number was never issued, so it is the first one


def test_event_sequence_is_gapless(services: AppServices) -> None:
    official = _login(services)
    for _ in range(5):
        services.intake.receive(request_for(services, MARITAL), official=official)
    with services.engine.connect() as c:
        seqs = [r[0] for r in c.execute(text("SELECT device_seq FROM event ORDER BY device_seq"))]
    assert seqs == list(range(1, len(seqs) + 1))


def test_event_log_is_append_only(services: AppServices) -> None:
    services.intake.receive(request_for(services, MARITAL), official=_login(services))
    with pytest.raises(Exception, match="append-only"), services.engine.begin() as c:
        c.execute(text("UPDATE event SET payload = '{}'"))
    with pytest.raises(Exception, match="append-only"), services.engine.begin() as c:
        c.execute(text("DELETE FROM event"))
