"""Enrolment, credentials, revocation, device status."""

from __future__ import annotations

from server_helpers import WARD_A, WARD_B, Harness

from counter_app.domain.codes import CodeRange


def test_enrol_gives_disjoint_ranges_per_ward(harness: Harness) -> None:
    devs = [harness.enrol(WARD_A, f"Quầy {i}") for i in range(3)]
    other = harness.enrol(WARD_B)
    ranges = [CodeRange(d.range_start, d.range_end) for d in devs]
    assert [d.counter_no for d in devs] == [1, 2, 3]
    assert ranges[0] == CodeRange.for_counter(1)
    assert all(not a.overlaps(b) for i, a in enumerate(ranges) for b in ranges[i + 1:])
    assert other.counter_no == 1  # blocks are per ward
    assert len({d.device_id for d in [*devs, other]}) == 4


def test_enrol_code_is_one_time(harness: Harness) -> None:
    code = harness.enrol_code(WARD_A)
    body = {"code": code, "device_name": "Quầy 1", "app_version": "0.1.0"}
    first = harness.client.post("/api/v1/enrol", json=body)
    assert first.status_code == 200
    again = harness.client.post("/api/v1/enrol", json=body)
    assert again.status_code == 401
    assert again.json()["error"] == "enrol_code_invalid"
    assert again.json()["protocol"] == "motcua-sync/1"
    assert harness.scalar("SELECT COUNT(*) FROM devices") == 1
    assert harness.scalar("SELECT COUNT(*) FROM audit_log WHERE status = 401") == 1


def test_enrol_code_typed_loosely_and_expiry(harness: Harness) -> None:
    code = harness.enrol_code(WARD_A)
    r = harness.client.post("/api/v1/enrol", json={
        "code": code.lower().replace("-", " "), "device_name": "Q", "app_version": "1"})
    assert r.status_code == 200
    late = harness.enrol_code(WARD_A)
    harness.clock.advance(hours=25)
    r = harness.client.post("/api/v1/enrol", json={"code": late, "device_name": "Q",
                                                   "app_version": "1"})
    assert r.status_code == 401


def test_token_is_stored_hashed(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    stored = harness.scalar("SELECT token_hash FROM devices WHERE device_id = :d",
                            d=dev.device_id)
    assert dev.token not in stored and len(stored) == 64


def test_status_reports_identity_range_and_seq(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    r = harness.client.get("/api/v1/device/status", headers=dev.headers,
                           params={"client_time": "2026-11-20T03:15:00+00:00"})
    assert r.status_code == 200
    s = r.json()
    assert s["ward_code"] == WARD_A and s["counter_no"] == 1
    assert s["code_range"] == {"start": 1, "end": 999}
    assert s["last_applied_seq"] == 0 and s["revoked"] is False
    assert s["clock_skew_seconds"] == 3600.0


def test_wrong_missing_and_revoked_tokens_are_401(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    assert harness.client.get("/api/v1/sync/changes").status_code == 401
    bad = harness.client.get("/api/v1/sync/changes",
                             headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"] == "token_invalid"
    assert harness.push(dev, [dev.event()]).status_code == 200
    admin_revoke = __import__("district_server.services.admin", fromlist=["revoke"]).revoke
    admin_revoke(harness.engine, dev.device_id, now=harness.clock.now())
    r = harness.push(dev, [dev.event()])
    assert r.status_code == 401 and r.json()["error"] == "device_revoked"
    status = harness.client.get("/api/v1/device/status", headers=dev.headers)
    assert status.status_code == 200 and status.json()["revoked"] is True
    audited = harness.scalar(
        "SELECT COUNT(*) FROM audit_log WHERE status = 401 AND device_id = :d", d=dev.device_id)
    assert audited == 1
    # The revoked device keeps its block: a new device gets the next one.
    assert harness.enrol(WARD_A).counter_no == 2


def test_replacement_code_rekeys_same_identity(harness: Harness) -> None:
    from district_server.services.admin import revoke

    dev = harness.enrol(WARD_A)
    assert harness.push(dev, [dev.event(), dev.event()]).status_code == 200
    revoke(harness.engine, dev.device_id, now=harness.clock.now())
    again = harness.enrol(WARD_A, replace_device=dev.device_id)
    assert (again.device_id, again.counter_no) == (dev.device_id, dev.counter_no)
    again.seq, again.code_seq = dev.seq, dev.code_seq
    r = harness.push(again, [again.event()])
    assert r.status_code == 200 and r.json()["last_applied_seq"] == 3
    assert harness.push(dev, [dev.event()]).status_code == 401  # the old token is dead


def test_pinned_counter_block_refused_while_in_use(harness: Harness) -> None:
    harness.enrol(WARD_A)
    code = harness.enrol_code(WARD_A, counter_no=1)
    r = harness.client.post("/api/v1/enrol", json={"code": code, "device_name": "Q",
                                                   "app_version": "1"})
    assert r.status_code == 409 and r.json()["error"] == "counter_in_use"
