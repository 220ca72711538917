"""Server input (issue 7, item 4): bounds, per-item verdicts, collisions, authorship, wards,
content type, strict protocol rules; and the lookup page's flat timing (item 8)."""

from __future__ import annotations

import json
from typing import Any

from server_helpers import (
    ADMIN_TOKEN,
    WARD_A,
    WARD_B,
    Dev,
    Harness,
    dossier_payload,
    make_event,
)
from sqlalchemy import event as sa_event

from counter_app.domain.canonical import canonical_json, payload_hash


def _count(h: Harness, table: str) -> int:
    return int(h.scalar(f"SELECT COUNT(*) FROM {table}"))


def _reasons(body: dict[str, Any]) -> dict[str, str]:
    return {r["event_id"]: r["reason"] for r in body["rejected"]}


def _with_payload(dev: Dev, **over: Any) -> dict[str, Any]:
    """The next dossier event of ``dev`` with some payload fields replaced."""
    payload = dossier_payload(dev.next_code(), device_id=dev.device_id)
    payload.update(over)
    return dev.event(payload=payload)


def test_huge_integers_reject_only_their_item(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    good = dev.event()
    huge_seq = dev.event()
    huge_seq["device_seq"] = 2**70
    int64_seq = dev.event()
    int64_seq["device_seq"] = 2**63
    fee = _with_payload(dev, fee_amount=2**70)
    sets = _with_payload(dev, sets_count=2**64)
    line = _with_payload(dev, ledger_line=-(2**65))
    comp = _with_payload(dev, components=[{"name": "Bản chính", "originals": 2**80}])
    r = harness.push(dev, [good, huge_seq, int64_seq, fee, sets, line, comp])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["acked"] == [good["event_id"]]
    assert _reasons(body) == {
        huge_seq["event_id"]: "invalid_event", int64_seq["event_id"]: "invalid_event",
        fee["event_id"]: "invalid_payload", sets["event_id"]: "invalid_payload",
        line["event_id"]: "invalid_payload", comp["event_id"]: "invalid_payload"}
    assert _count(harness, "events") == 1 and _count(harness, "dossiers") == 1


def test_huge_cursor_is_422(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    for cursor in (2**64, 2**70):
        r = harness.client.get("/api/v1/sync/changes", headers=dev.headers,
                               params={"cursor": cursor})
        assert r.status_code == 422 and r.json()["error"] == "validation_failed"
    top = harness.client.get("/api/v1/sync/changes", headers=dev.headers,
                             params={"cursor": 2**63 - 1})
    assert top.status_code == 200 and top.json()["changes"] == []


def test_dates_beyond_bounds_reject_only_their_item(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    good = dev.event()
    year1 = dev.event()
    year1["device_time"] = "0001-01-01T00:00:00+07:00"
    year9999 = _with_payload(dev, due_at="9999-12-31T23:00:00-05:00")
    born = _with_payload(dev, birth_date="0001-01-01")
    body = harness.push(dev, [good, year1, year9999, born]).json()
    assert body["acked"] == [good["event_id"]]
    assert _reasons(body) == {year1["event_id"]: "invalid_event",
                              year9999["event_id"]: "invalid_payload",
                              born["event_id"]: "invalid_payload"}


def test_dates_beyond_bounds_in_the_envelope_are_422(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    r = harness.client.post("/api/v1/sync/push", headers=dev.headers, json={
        "device_id": dev.device_id, "events": [dev.event()],
        "client_time": "9999-12-31T23:59:59-23:00"})
    assert r.status_code == 422
    for when in ("0001-01-01T00:00:00+07:00", "9999-12-31T23:00:00-05:00"):
        status = harness.client.get("/api/v1/device/status", headers=dev.headers,
                                    params={"client_time": when})
        assert status.status_code == 422, status.text
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    code = json.loads(dev.event()["payload"])["code"]
    decided = harness.client.post(f"/api/v1/admin/dossiers/{code}/status", headers=admin,
                                  json={"status": 9, "at": "9999-12-31T23:00:00-05:00"})
    assert decided.status_code == 422
    assert _count(harness, "events") == 0


def test_same_code_twice_in_one_push_is_a_collision(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    code = dev.next_code()
    first = dev.event(payload=dossier_payload(code, name="Nguyễn Văn Một"))
    second = dev.event(payload=dossier_payload(code, name="Trần Thị Hai"))
    body = harness.push(dev, [first, second]).json()
    assert body["acked"] == [first["event_id"]]
    assert _reasons(body) == {second["event_id"]: "code_collision"}
    assert "clone_suspected" in harness.scalar("SELECT flags FROM devices")
    token = json.loads(first["payload"])["verify_token"]
    assert harness.client.get(f"/h/{code}", params={"t": token}).status_code == 200
    # The same dossier sent twice (a resend inside one batch) is no collision.
    again = dev.event(payload=json.loads(first["payload"]))
    assert harness.push(dev, [again]).json()["acked"] == [again["event_id"]]


def test_the_author_is_the_authenticated_device(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    other = harness.enrol(WARD_A)
    ev = _with_payload(dev, device_id=other.device_id, counter_no=7)
    assert harness.push(dev, [ev]).json()["acked"] == [ev["event_id"]]
    assert harness.scalar("SELECT device_id FROM dossiers") == dev.device_id
    assert harness.scalar("SELECT counter_no FROM dossiers") == dev.counter_no


def test_the_answer_never_depends_on_another_wards_events(harness: Harness) -> None:
    a_dev, b_dev = harness.enrol(WARD_A), harness.enrol(WARD_B)
    b_event = b_dev.event()
    assert harness.push(b_dev, [b_event]).json()["acked"] == [b_event["event_id"]]
    # Ward A reuses B's event id with another payload, then B's very event (an unknown type,
    # so no foreign dossier code is involved): both are plain acks, as if B did not exist.
    clash = a_dev.event()
    clash["event_id"] = b_event["event_id"]
    assert harness.push(a_dev, [clash]).json()["acked"] == [clash["event_id"]]
    b_note = make_event(2, type="note.added", payload={"text": "x"}, entity_type="note")
    assert harness.push(b_dev, [b_note]).json()["acked"] == [b_note["event_id"]]
    a_answer = harness.push(a_dev, [b_note]).json()
    assert a_answer["acked"] == [b_note["event_id"]] and a_answer["duplicates"] == []
    assert harness.scalar("SELECT COUNT(*) FROM events WHERE event_id = :e",
                          e=b_event["event_id"]) == 2


def test_the_answer_never_depends_on_another_wards_dossier_uids(harness: Harness) -> None:
    a_dev, b_dev = harness.enrol(WARD_A), harness.enrol(WARD_B)
    b_event = b_dev.event()
    harness.push(b_dev, [b_event])
    uid = json.loads(b_event["payload"])["uid"]
    payload = dossier_payload(a_dev.next_code(), device_id=a_dev.device_id)
    payload["uid"] = uid
    ev = a_dev.event(payload=payload)
    assert harness.push(a_dev, [ev]).json()["acked"] == [ev["event_id"]]


def test_a_push_needs_the_json_content_type(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    raw = json.dumps({"device_id": dev.device_id, "events": [dev.event()],
                      "client_time": "2026-11-20T02:15:00+00:00"})
    for ctype in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {**dev.headers, **({"Content-Type": ctype} if ctype else {})}
        r = harness.client.post("/api/v1/sync/push", headers=headers, content=raw)
        assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    assert _count(harness, "events") == 0
    ok = harness.client.post("/api/v1/sync/push", content=raw, headers={
        **dev.headers, "Content-Type": "Application/JSON; charset=utf-8"})
    assert ok.status_code == 200 and len(ok.json()["acked"]) == 1


def test_protocol_rules_hold_strictly(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    newline = dev.event()
    newline["type"] = "dossier.received\n"
    float_seq = dev.event()
    float_seq["device_seq"] = float(float_seq["device_seq"])
    float_status = _with_payload(dev, status=2.0)
    bool_count = _with_payload(dev, sets_count=True)
    nul = _with_payload(dev, applicant_name="Nguyễn\u0000Văn")
    body = harness.push(dev, [newline, float_seq, float_status, bool_count, nul]).json()
    assert body["acked"] == []
    assert _reasons(body) == {
        newline["event_id"]: "bad_type", float_seq["event_id"]: "invalid_event",
        float_status["event_id"]: "invalid_payload", bool_count["event_id"]: "invalid_payload",
        nul["event_id"]: "invalid_payload"}
    assert _count(harness, "events") == 0


def test_nul_characters_never_reach_the_database(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    assert harness.client.get("/h/000.00.12.H62-261120-0001%00").status_code == 404
    assert harness.client.get("/api/v1/dossiers/X%00", headers=dev.headers).status_code == 404
    bad_id = dev.event()
    bad_id["event_id"] = "\u0000"
    assert harness.push(dev, [bad_id]).status_code == 422
    assert harness.scalar("SELECT COUNT(*) FROM audit_log WHERE status = 422") == 1


def _statements(h: Harness, path: str) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    sa_event.listen(h.engine, "before_cursor_execute", record)
    try:
        assert h.client.get(path).status_code == 404
    finally:
        sa_event.remove(h.engine, "before_cursor_execute", record)
    return seen


def test_lookup_does_the_same_work_for_a_known_code_and_an_unknown_one(
        harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    events = [dev.event() for _ in range(3)]
    harness.push(dev, events)
    known = json.loads(events[1]["payload"])["code"]
    unknown = dev.next_code()
    on_known = _statements(harness, f"/h/{known}?t=aaaaaaaaaaaaaaaa")
    on_unknown = _statements(harness, f"/h/{unknown}?t=aaaaaaaaaaaaaaaa")
    assert on_known == on_unknown
    # Only the token is read (never the citizen's row), through the (ward_id, code) index.
    selects = [s for s in on_known if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "applicant_name" not in selects[0]
    assert "ward_id" in selects[0]


def test_a_body_hashed_as_the_device_does_is_still_accepted(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    payload = dossier_payload(dev.next_code(), device_id=dev.device_id)
    payload.update(birth_date=None, finished_at=None, note="Ghi chú\nhai dòng")
    text = canonical_json(payload)
    ev = dev.event(payload=payload)
    assert ev["payload_hash"] == payload_hash(text)
    assert harness.push(dev, [ev]).json()["acked"] == [ev["event_id"]]


def test_enrolment_refuses_control_characters(harness: Harness) -> None:
    code = harness.enrol_code(WARD_A)
    r = harness.client.post("/api/v1/enrol", json={"code": code, "device_name": "Quầy\u00001",
                                                    "app_version": "0.1.0"})
    assert r.status_code == 422
    assert harness.scalar("SELECT COUNT(*) FROM devices") == 0
