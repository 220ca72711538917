"""Push: idempotency, conflicts, poison items, gaps, clones, wards, limits."""

from __future__ import annotations

import json
import random

from server_helpers import WARD_A, WARD_B, Dev, Harness, dossier_payload, make_event

from counter_app.domain.canonical import payload_hash


def _count(h: Harness, table: str) -> int:
    return int(h.scalar(f"SELECT COUNT(*) FROM {table}"))


def test_push_applies_and_materialises(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    events = [dev.event() for _ in range(5)]
    r = harness.push(dev, events)
    assert r.status_code == 200
    body = r.json()
    assert body["protocol"] == "motcua-sync/1"
    assert body["acked"] == [e["event_id"] for e in events]
    assert body["duplicates"] == body["conflicts"] == body["rejected"] == body["gaps"] == []
    assert body["last_applied_seq"] == 5
    assert _count(harness, "events") == 5 and _count(harness, "dossiers") == 5
    code = json.loads(events[0]["payload"])["code"]
    got = harness.client.get(f"/api/v1/dossiers/{code}", headers=dev.headers)
    assert got.status_code == 200 and got.json()["applicant_name"] == "Nguyễn Thị Hồng Nhung"


def test_replay_out_of_order_is_idempotent(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    events = [dev.event() for _ in range(30)]
    batches = [events[i:i + 10] for i in range(0, 30, 10)]
    first = harness.push(dev, batches[0]).json()
    assert len(first["acked"]) == 10
    # Lost replies: the client resends everything, batches shuffled, items reversed.
    order = [batches[2], batches[0], batches[1], list(reversed(events)), batches[0]]
    acked: set[str] = set()
    for batch in order:
        body = harness.push(dev, batch).json()
        assert body["conflicts"] == body["rejected"] == []
        acked |= set(body["acked"]) | set(body["duplicates"])
    assert acked == {e["event_id"] for e in events}
    assert _count(harness, "events") == 30 and _count(harness, "dossiers") == 30
    final = harness.push(dev, events[:5]).json()
    assert final["duplicates"] == [e["event_id"] for e in events[:5]]
    assert final["last_applied_seq"] == 30 and final["gaps"] == []


def test_same_id_different_payload_is_quarantined(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    original = dev.event()
    assert harness.push(dev, [original]).json()["acked"] == [original["event_id"]]
    payload = json.loads(original["payload"])
    payload["applicant_name"] = "Kẻ Ghi Đè"
    forged = make_event(1, type="dossier.received", payload=payload,
                        event_id=original["event_id"])
    body = harness.push(dev, [forged]).json()
    assert body["acked"] == body["duplicates"] == []
    assert [c["event_id"] for c in body["conflicts"]] == [original["event_id"]]
    assert harness.scalar("SELECT payload_hash FROM events") == original["payload_hash"]
    assert harness.scalar("SELECT applicant_name FROM dossiers") == "Nguyễn Thị Hồng Nhung"
    assert harness.scalar("SELECT payload_hash FROM quarantined_events") == \
        forged["payload_hash"]


def test_corrupt_items_rejected_rest_committed(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    good1, bad_hash, truncated, good2, bad_type, not_canon = (dev.event() for _ in range(6))
    bad_hash["payload_hash"] = payload_hash(bad_hash["payload"] + " ")
    truncated["payload"] = truncated["payload"][:40]  # a proxy cut it; hash re-made to match
    truncated["payload_hash"] = payload_hash(truncated["payload"])
    bad_type["type"] = "Dossier Received!"
    spaced = json.dumps(json.loads(not_canon["payload"]), indent=1)
    not_canon.update(payload=spaced, payload_hash=payload_hash(spaced))
    batch = [good1, bad_hash, truncated, good2, bad_type, not_canon]
    body = harness.push(dev, batch).json()
    assert body["acked"] == [good1["event_id"], good2["event_id"]]
    reasons = {r["event_id"]: r["reason"] for r in body["rejected"]}
    assert reasons == {bad_hash["event_id"]: "bad_hash", truncated["event_id"]: "bad_json",
                       bad_type["event_id"]: "bad_type", not_canon["event_id"]: "not_canonical"}
    assert _count(harness, "events") == 2 and _count(harness, "rejections") == 4
    # Rejected seqs are settled (recorded with a reason): no gap, the watermark passes them.
    assert body["gaps"] == [] and body["last_applied_seq"] == 6


def test_one_poison_event_in_200(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    events = [dev.event() for _ in range(200)]
    poison = events[117]
    poison["payload"] = poison["payload"].replace('"status":2', '"status":"hai"')
    poison["payload_hash"] = payload_hash(poison["payload"])
    body = harness.push(dev, events).json()
    assert len(body["acked"]) == 199
    assert body["rejected"] == [{"event_id": poison["event_id"], "reason": "invalid_payload",
                                 "detail": "bad fields: status"}]
    assert _count(harness, "events") == 199 and _count(harness, "dossiers") == 199


def test_unknown_future_type_is_stored(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    ev = dev.event(type="ticket.issued", payload={"uid": "t-1", "number": "A001"})
    body = harness.push(dev, [ev]).json()
    assert body["acked"] == [ev["event_id"]]
    assert harness.scalar("SELECT type FROM events") == "ticket.issued"
    assert _count(harness, "dossiers") == 0


def test_sequence_gap_is_flagged_then_closed(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    events = [dev.event() for _ in range(7)]
    body = harness.push(dev, events[:3] + events[5:]).json()
    # Events after a gap are applied (a printed receipt is a fact) but the gap is flagged.
    assert len(body["acked"]) == 5
    assert body["gaps"] == [{"expected": 4, "got": 6}]
    assert body["last_applied_seq"] == 3
    status = harness.client.get("/api/v1/device/status", headers=dev.headers).json()
    assert status["open_gaps"] == [{"expected": 4, "got": 6}] and status["max_seq_seen"] == 7
    assert "gap" in harness.scalar("SELECT flags FROM devices")
    body = harness.push(dev, events[3:5]).json()
    assert body["gaps"] == [] and body["last_applied_seq"] == 7
    assert "gap" not in harness.scalar("SELECT flags FROM devices")


def test_cloned_device_is_detected(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    other = harness.enrol(WARD_A, "Quầy 2")
    first = dev.event()
    assert harness.push(dev, [first]).json()["acked"]
    code = json.loads(first["payload"])["code"]
    # A copy of the device's store on another PC: same identity, same numbers, new dossiers.
    clone = Dev(dev.device_id, dev.token, WARD_A, 1, 1, 999)
    same_seq = clone.event(code=code)
    body = harness.push(clone, [same_seq]).json()
    assert body["rejected"][0]["reason"] == "device_seq_reused"
    later = clone.event(seq=2, code=code)
    body = harness.push(clone, [later]).json()
    assert body["rejected"][0]["reason"] == "code_collision"
    # Another enrolled device issuing a code of the first device's block.
    body = harness.push(other, [other.event(code=code)]).json()
    assert body["rejected"][0]["reason"] == "code_out_of_range"
    assert "clone_suspected" in harness.scalar(
        "SELECT flags FROM devices WHERE device_id = :d", d=dev.device_id)
    assert _count(harness, "dossiers") == 1
    assert harness.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'clone_suspected'") == 2


def test_foreign_ward_is_403_and_audited(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    b_dev = harness.enrol(WARD_B)
    b_event = b_dev.event()
    assert harness.push(b_dev, [b_event]).status_code == 200
    b_code = json.loads(b_event["payload"])["code"]
    sneaky = dev.event(payload=dossier_payload(b_code))
    r = harness.push(dev, [dev.event(), sneaky])
    assert r.status_code == 403 and r.json()["error"] == "foreign_ward"
    assert harness.scalar("SELECT COUNT(*) FROM events WHERE device_id = :d",
                          d=dev.device_id) == 0
    pull = harness.client.get("/api/v1/sync/changes", headers=dev.headers,
                              params={"ward": WARD_B})
    assert pull.status_code == 403
    peek = harness.client.get(f"/api/v1/dossiers/{b_code}", headers=dev.headers)
    assert peek.status_code == 403
    spoof = harness.push(dev, [dev.event()], device_id=b_dev.device_id)
    assert spoof.status_code == 403 and spoof.json()["error"] == "device_mismatch"
    rows = harness.scalar("SELECT COUNT(*) FROM audit_log WHERE status = 403 AND device_id = :d "
                          "AND ward_code = :w", d=dev.device_id, w=WARD_A)
    assert rows == 4


def test_validation_errors_are_422_with_fields(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    ev = dev.event()
    del ev["event_id"]  # an item the reply could not name: the whole request is refused
    r = harness.push(dev, [dev.event(), ev])
    assert r.status_code == 422
    body = r.json()
    assert body["protocol"] == "motcua-sync/1" and body["error"] == "validation_failed"
    assert ["body", "events", 1, "event_id"] in [d["loc"] for d in body["detail"]]
    assert _count(harness, "events") == 0
    too_many = [dev.event() for _ in range(501)]
    assert harness.push(dev, too_many).status_code == 422
    assert harness.scalar("SELECT COUNT(*) FROM audit_log WHERE status = 422 "
                          "AND device_id = :d", d=dev.device_id) == 2


def test_request_too_large_is_413_json(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    blob = "x" * (harness.settings.max_request_bytes + 10)
    r = harness.client.post("/api/v1/sync/push", headers=dev.headers, content=blob)
    assert r.status_code == 413
    assert r.json()["error"] == "request_too_large"
    assert harness.scalar("SELECT COUNT(*) FROM audit_log WHERE status = 413 "
                          "AND device_id = :d", d=dev.device_id) == 1


def test_random_replays_keep_rows_equal_to_distinct_events(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    events = [dev.event() for _ in range(60)]
    rng = random.Random(7)
    for _ in range(15):
        batch = rng.sample(events, rng.randint(1, 25))
        assert harness.push(dev, batch).status_code == 200
    harness.push(dev, events)
    assert _count(harness, "events") == 60
    status = harness.client.get("/api/v1/device/status", headers=dev.headers).json()
    assert status["last_applied_seq"] == 60 and status["open_gaps"] == []


def test_credentials_are_checked_before_the_body(harness: Harness) -> None:
    r = harness.client.post("/api/v1/sync/push", content=b"<html>garbage</html>",
                            headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and r.json()["error"] == "token_missing"
