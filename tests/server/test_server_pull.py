"""Pull: the ward's change log pages without skipping or repeating, even under writers."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from server_helpers import ADMIN_TOKEN, NOW, WARD_A, WARD_B, Dev, Harness

from counter_app.domain.clock import to_db


def test_pages_cover_other_devices_events_once(harness: Harness) -> None:
    a, b = harness.enrol(WARD_A), harness.enrol(WARD_A, "Quầy 2")
    sent = [a.event() for _ in range(25)]
    for i in range(0, 25, 6):
        assert harness.push(a, sent[i:i + 6]).status_code == 200
    got = harness.pull_all(b, limit=7)
    assert [c["payload"]["event_id"] for c in got] == [e["event_id"] for e in sent]
    assert [c["seq"] for c in got] == list(range(1, 26))
    assert all(c["kind"] == "event" and c["origin_device_id"] == a.device_id for c in got)
    assert got[0]["payload"]["payload"] == sent[0]["payload"]  # byte-identical text
    assert harness.pull_all(a) == []  # a device does not get its own events back
    page = harness.client.get("/api/v1/sync/changes", headers=a.headers,
                              params={"cursor": 0}).json()
    assert page["next_cursor"] == 25 and page["has_more"] is False and page["last_seq"] == 25


def test_wards_do_not_see_each_other(harness: Harness) -> None:
    a, b = harness.enrol(WARD_A), harness.enrol(WARD_B)
    harness.push(a, [a.event() for _ in range(3)])
    assert harness.pull_all(b) == []


def test_upstream_status_becomes_a_change(harness: Harness) -> None:
    a, b = harness.enrol(WARD_A), harness.enrol(WARD_A, "Quầy 2")
    ev = a.event()
    harness.push(a, [ev])
    code = ev["payload"].split('"code":"')[1].split('"')[0]
    r = harness.client.post(f"/api/v1/admin/dossiers/{code}/status",
                            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                            json={"status": 9, "at": to_db(NOW)})
    assert r.status_code == 200 and r.json()["status"] == 9
    changes = harness.pull_all(a)  # the origin device gets upstream decisions too
    assert [c["kind"] for c in changes] == ["dossier.status"]
    assert changes[0]["payload"]["status"] == 9 and changes[0]["payload"]["code"] == code
    assert [c["kind"] for c in harness.pull_all(b)] == ["event", "dossier.status"]
    denied = harness.client.post(f"/api/v1/admin/dossiers/{code}/status",
                                 headers=a.headers, json={"status": 10})
    assert denied.status_code == 401
    missing = harness.client.post("/api/v1/admin/dossiers/000.00.12.H62-261120-0999/status",
                                  headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                                  json={"status": 10})
    assert missing.status_code == 404


def test_cursor_beyond_horizon_is_reported(harness: Harness) -> None:
    a, b = harness.enrol(WARD_A), harness.enrol(WARD_A, "Quầy 2")
    harness.push(a, [a.event() for _ in range(3)])
    page = harness.client.get("/api/v1/sync/changes", headers=b.headers,
                              params={"cursor": 50}).json()
    # A server restored from an older backup: the device adopts next_cursor (< its cursor).
    assert page["changes"] == [] and page["last_seq"] == 3 and page["next_cursor"] == 3


def _pusher(base: str, dev: Dev, batches: int, size: int, errors: list[str]) -> None:
    with httpx.Client(base_url=base, headers=dev.headers, timeout=60) as client:
        for _ in range(batches):
            r = client.post("/api/v1/sync/push", json={
                "device_id": dev.device_id, "events": [dev.event() for _ in range(size)],
                "client_time": to_db(NOW)})
            if r.status_code != 200 or len(r.json()["acked"]) != size:
                errors.append(r.text[:200])


def test_concurrent_writers_never_make_a_reader_skip(live: tuple[Harness, str]) -> None:
    harness, base = live
    writers = [harness.enrol(WARD_A, f"Quầy {i}") for i in range(4)]
    reader = harness.enrol(WARD_A, "Đọc")
    errors: list[str] = []
    threads = [threading.Thread(target=_pusher, args=(base, w, 12, 15, errors))
               for w in writers]
    seen: list[dict[str, Any]] = []
    cursor = 0
    with httpx.Client(base_url=base, headers=reader.headers, timeout=60) as client:
        for t in threads:
            t.start()
        while True:
            page = client.get("/api/v1/sync/changes",
                              params={"cursor": cursor, "limit": 9}).json()
            seen.extend(page["changes"])
            assert page["next_cursor"] >= cursor
            cursor = page["next_cursor"]
            if not page["has_more"] and not any(t.is_alive() for t in threads):
                page = client.get("/api/v1/sync/changes", params={"cursor": cursor}).json()
                seen.extend(page["changes"])
                break
    for t in threads:
        t.join()
    assert errors == []
    total = 4 * 12 * 15
    seqs = [c["seq"] for c in seen]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    assert seqs == list(range(1, total + 1))
    assert len({c["payload"]["event_id"] for c in seen}) == total
