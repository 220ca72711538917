"""Upstream publications through the admin API, on SQLite and PostgreSQL: online dossiers
(``dossier.upsert``), calendar overrides (``calendar.override``) and procedure versions
(``catalogue.procedure``), each pulled by the ward's devices exactly once."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from server_helpers import (
    ADMIN_TOKEN,
    NOW,
    WARD_A,
    WARD_B,
    Harness,
    online_dossier,
    procedure_version,
)
from sqlalchemy import text

from counter_app.domain.catalogue import parse_procedure_items
from counter_app.sync.protocol import DossierRecord
from district_server.services import admin
from district_server.services.admin import AdminError

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def kinds(harness: Harness, dev: Any) -> list[str]:
    return [c["kind"] for c in harness.pull_all(dev)]


def horizon(harness: Harness, ward: str) -> int:
    return int(harness.scalar("SELECT last_change_seq FROM wards WHERE agency_code = :w", w=ward))


# -- online dossiers --------------------------------------------------------------------------


def test_online_dossier_is_registered_once_and_pulled_as_one_upsert(harness: Harness) -> None:
    a, other_ward = harness.enrol(WARD_A), harness.enrol(WARD_B)
    rec = online_dossier()
    r = harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=ADMIN, json=rec)
    assert r.status_code == 201, r.text
    assert DossierRecord.model_validate(r.json()) == DossierRecord.model_validate(rec)
    changes = harness.pull_all(a)
    assert [c["kind"] for c in changes] == ["dossier.upsert"]
    assert changes[0]["origin_device_id"] is None
    assert DossierRecord.model_validate(changes[0]["payload"]) == DossierRecord.model_validate(rec)
    assert harness.pull_all(other_ward) == []
    held = harness.client.get(f"/api/v1/dossiers/{rec['code']}", headers=a.headers)
    assert held.status_code == 200 and held.json()["channel"] == 2
    assert harness.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.online' "
                          "AND ward_code = :w", w=WARD_A) == 1

    again = harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=ADMIN,
                                json={**rec, "code": rec["code"].lower()})
    assert again.status_code == 200 and again.json()["code"] == rec["code"]
    assert horizon(harness, WARD_A) == 1  # the identical resend wrote nothing
    assert harness.scalar("SELECT COUNT(*) FROM dossiers") == 1
    done = harness.client.post(f"/api/v1/admin/dossiers/{rec['code']}/status", headers=ADMIN,
                               json={"status": 9})
    assert done.status_code == 200
    # The portal resending its original filing is still the same dossier: the status the
    # server decided since is kept, not reset, and nothing new is published.
    resent = harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=ADMIN,
                                 json=rec)
    assert resent.status_code == 200 and resent.json()["status"] == 9
    assert [c["kind"] for c in harness.pull_all(a, cursor=1)] == ["dossier.status"]


def test_same_code_or_uid_with_other_content_is_a_conflict(harness: Harness) -> None:
    rec = online_dossier()
    assert harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=ADMIN,
                               json=rec).status_code == 201
    other_name = {**rec, "applicant_name": "Lê Văn Tám"}
    same_uid = {**online_dossier(seq=9502), "uid": rec["uid"]}
    for body in (other_name, same_uid):
        r = harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=ADMIN,
                                json=body)
        assert r.status_code == 409, r.text
        assert r.json()["error"] == "dossier_exists" and r.json()["protocol"] == "motcua-sync/1"
    assert harness.scalar("SELECT applicant_name FROM dossiers WHERE code = :c",
                          c=rec["code"]) == "Trần Thị Thu Hà"
    assert kinds(harness, harness.enrol(WARD_A, "Quầy 1")) == ["dossier.upsert"]


def test_online_numbers_never_meet_a_counters_numbers(harness: Harness) -> None:
    """Block 10 (9000–9999) numbers online dossiers; devices get blocks 1–9 only."""
    a = harness.enrol(WARD_A)
    ev = a.event()  # a counter's own dossier, then the portal tries its number
    assert harness.push(a, [ev]).json()["acked"]
    counter_code = ev["payload"].split('"code":"')[1].split('"')[0]
    r = harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=ADMIN,
                            json=online_dossier(code=counter_code))
    assert r.status_code == 422 and "9000–9999" in r.text, r.text
    for n in range(2, 10):
        assert harness.enrol(WARD_A, f"Quầy {n}").counter_no == n
    code = harness.enrol_code(WARD_A)
    refused = harness.client.post("/api/v1/enrol", json={"code": code, "device_name": "Quầy 10",
                                                          "app_version": "0.1.0"})
    assert refused.status_code == 409 and refused.json()["error"] == "no_free_range"
    with pytest.raises(AdminError):
        harness.enrol_code(WARD_B, counter_no=10)


def test_a_device_still_holding_block_10_stops_online_registration(harness: Harness) -> None:
    old = harness.enrol(WARD_A)  # as if enrolled before block 10 was kept for online dossiers
    with harness.engine.begin() as conn:
        conn.execute(text("UPDATE devices SET counter_no = 10, code_range_start = 9000, "
                          "code_range_end = 9999 WHERE device_id = :d"), {"d": old.device_id})
    url = f"/api/v1/admin/wards/{WARD_A}/dossiers"
    r = harness.client.post(url, headers=ADMIN, json=online_dossier())
    assert r.status_code == 409 and r.json()["error"] == "online_block_in_use", r.text
    assert harness.scalar("SELECT COUNT(*) FROM dossiers") == 0
    admin.revoke(harness.engine, old.device_id, now=harness.clock.now())
    assert harness.client.post(url, headers=ADMIN, json=online_dossier()).status_code == 201


def test_online_dossier_is_validated_before_anything_is_written(harness: Harness) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ánh")
    cases = {
        "foreign": (WARD_A, online_dossier(ward=WARD_B)),
        "counter channel": (WARD_A, online_dossier(channel=1)),
        "not NFC": (WARD_A, online_dossier(applicant_name=decomposed)),
        "bad code": (WARD_A, online_dossier(code="HS-0001")),
        "due before received": (WARD_A, online_dossier(due_at="2026-11-19T02:15:00+00:00")),
    }
    for what, (ward, body) in cases.items():
        r = harness.client.post(f"/api/v1/admin/wards/{ward}/dossiers", headers=ADMIN, json=body)
        assert r.status_code == 422, what
        assert r.json()["error"] == "invalid_dossier", what
    nfd = harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=ADMIN,
                              json=online_dossier(applicant_name=decomposed)).json()
    assert nfd["detail"] == ["applicant_name: text is not NFC-normalised"]
    unknown = harness.client.post("/api/v1/admin/wards/000.00.99.H62/dossiers", headers=ADMIN,
                                  json=online_dossier(ward="000.00.99.H62"))
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_ward"
    dev = harness.enrol(WARD_A)
    denied = harness.client.post(f"/api/v1/admin/wards/{WARD_A}/dossiers", headers=dev.headers,
                                 json=online_dossier())
    assert denied.status_code == 401
    assert harness.scalar("SELECT COUNT(*) FROM dossiers") == 0
    assert horizon(harness, WARD_A) == 0


# -- calendar ---------------------------------------------------------------------------------


def test_calendar_override_reaches_every_ward_once(harness: Harness) -> None:
    a, b = harness.enrol(WARD_A), harness.enrol(WARD_B)
    body = {"day": "2026-11-23", "kind": "day_off", "name": "Nghỉ bù"}
    r = harness.client.post("/api/v1/admin/calendar", headers=ADMIN, json=body)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["changed"]) == [WARD_A, WARD_B] and r.json()["unchanged"] == []
    for dev in (a, b):
        changes = harness.pull_all(dev)
        assert [c["kind"] for c in changes] == ["calendar.override"]
        assert changes[0]["payload"] == body
    again = harness.client.post("/api/v1/admin/calendar", headers=ADMIN, json=body).json()
    assert again["changed"] == [] and sorted(again["unchanged"]) == [WARD_A, WARD_B]
    swap = {"day": "2026-11-23", "kind": "working_day", "name": "Làm bù", "wards": [WARD_A]}
    assert harness.client.post("/api/v1/admin/calendar", headers=ADMIN,
                               json=swap).json()["changed"] == [WARD_A]
    assert kinds(harness, a) == ["calendar.override", "calendar.override"]
    assert kinds(harness, b) == ["calendar.override"]
    assert harness.scalar("SELECT kind FROM calendar_overrides c JOIN wards w ON w.id = "
                          "c.ward_id WHERE w.agency_code = :w", w=WARD_A) == "working_day"


def test_calendar_override_refusals_write_nothing(harness: Harness) -> None:
    unknown = harness.client.post("/api/v1/admin/calendar", headers=ADMIN, json={
        "day": "2026-11-23", "kind": "day_off", "name": "Nghỉ", "wards": [WARD_A, "000.00.99.H62"]})
    assert unknown.status_code == 404
    for bad in ({"day": "2026-11-31", "kind": "day_off", "name": "x"},
                {"day": "2026-11-23", "kind": "holiday", "name": "x"},
                {"day": "2026-11-23", "kind": "day_off", "name": "\x00"}):
        r = harness.client.post("/api/v1/admin/calendar", headers=ADMIN, json=bad)
        assert r.status_code == 422, bad
    assert horizon(harness, WARD_A) == 0
    assert harness.scalar("SELECT COUNT(*) FROM calendar_overrides") == 0


# -- catalogue --------------------------------------------------------------------------------


def test_procedure_version_is_published_to_the_chosen_wards(harness: Harness) -> None:
    a, b = harness.enrol(WARD_A), harness.enrol(WARD_B)
    body = {"procedures": [procedure_version()], "wards": [WARD_A]}
    r = harness.client.post("/api/v1/admin/catalogue", headers=ADMIN, json=body)
    assert r.status_code == 200, r.text
    assert [(p["ward"], p["code"], p["effective_from"]) for p in r.json()["published"]] == [
        (WARD_A, "2.000884", "2026-12-01")]
    changes = harness.pull_all(a)
    assert [c["kind"] for c in changes] == ["catalogue.procedure"]
    sent, rejected = parse_procedure_items([changes[0]["payload"]])
    expected, _ = parse_procedure_items([procedure_version()])
    assert rejected == [] and sent == expected
    assert harness.pull_all(b) == []
    again = harness.client.post("/api/v1/admin/catalogue", headers=ADMIN, json=body).json()
    assert again["published"] == [] and len(again["unchanged"]) == 1
    assert horizon(harness, WARD_A) == 1


def test_a_bad_item_refuses_the_whole_publication(harness: Harness) -> None:
    bad = procedure_version("2.81", duration={"kind": "weeks"})
    r = harness.client.post("/api/v1/admin/catalogue", headers=ADMIN,
                            json={"procedures": [procedure_version(), bad]})
    assert r.status_code == 422 and r.json()["error"] == "invalid_procedure"
    (item,) = r.json()["detail"]
    assert item["item"] == 2 and len(item["reasons"]) == 2
    assert any("n.nnnnnn" in reason for reason in item["reasons"])
    assert horizon(harness, WARD_A) == horizon(harness, WARD_B) == 0
    assert harness.scalar("SELECT COUNT(*) FROM catalogue_versions") == 0


def test_a_version_in_force_is_never_rewritten_but_a_pending_one_may_be(
        harness: Harness) -> None:
    def publish(item: dict[str, Any]) -> Any:
        return harness.client.post("/api/v1/admin/catalogue", headers=ADMIN,
                                   json={"procedures": [item], "wards": [WARD_A]})

    today = NOW.date().isoformat()  # 2026-11-20 in Hà Nội too
    assert publish(procedure_version(effective_from=today)).status_code == 200
    rewrite = publish(procedure_version(effective_from=today, fee={"kind": "flat", "amount": 1}))
    assert rewrite.status_code == 409 and rewrite.json()["error"] == "version_in_force"
    closed = publish(procedure_version(effective_from=today, effective_to="2027-01-01"))
    assert closed.status_code == 200 and len(closed.json()["published"]) == 1
    assert publish(procedure_version()).status_code == 200  # pending (2026-12-01)
    corrected = publish(procedure_version(fee={"kind": "flat", "amount": 15_000}))
    assert corrected.status_code == 200 and len(corrected.json()["published"]) == 1
    assert horizon(harness, WARD_A) == 4
    stored = harness.scalar("SELECT payload FROM catalogue_versions WHERE effective_from = "
                            "'2026-12-01'")
    assert '"amount":15000' in stored


def test_catalogue_body_is_the_counter_import_shape(harness: Harness) -> None:
    item = procedure_version(duration={"kind": "working_days", "days": "3"},
                   name=unicodedata.normalize("NFD", "Chứng thực chữ ký  "))
    r = harness.client.post("/api/v1/admin/catalogue", headers=ADMIN, json={"procedures": [item]})
    assert r.status_code == 200, r.text
    dev = harness.enrol(WARD_B)
    (change,) = harness.pull_all(dev)
    # What goes to the counters is what their import keeps: NFC text, days as a number.
    assert change["payload"]["duration"] == {"kind": "working_days", "days": 3}
    assert change["payload"]["name"] == "Chứng thực chữ ký"
    assert unicodedata.is_normalized("NFC", change["payload"]["name"])
