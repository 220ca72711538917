"""The server over real HTTP (uvicorn on 127.0.0.1, port 0)."""

from __future__ import annotations

import httpx
from server_helpers import NOW, WARD_A, Harness

from counter_app.domain.clock import to_db


def test_enrol_push_pull_over_http(live: tuple[Harness, str]) -> None:
    harness, base = live
    with httpx.Client(base_url=base, timeout=30) as client:
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and health["protocol"] == "motcua-sync/1"
        code = harness.enrol_code(WARD_A)
        r = client.post("/api/v1/enrol", json={"code": code, "device_name": "Quầy 1",
                                               "app_version": "0.1"})
        assert r.status_code == 200
        token, device_id = r.json()["token"], r.json()["device_id"]
        other = harness.enrol(WARD_A, "Quầy 2")
        events = [other.event() for _ in range(4)]
        assert client.post("/api/v1/sync/push", headers=other.headers, json={
            "device_id": other.device_id, "events": events,
            "client_time": to_db(NOW)}).status_code == 200
        page = client.get("/api/v1/sync/changes", headers={"Authorization": f"Bearer {token}"})
        assert [c["payload"]["event_id"] for c in page.json()["changes"]] == \
            [e["event_id"] for e in events]
        status = client.get("/api/v1/device/status",
                            headers={"Authorization": f"Bearer {token}"}).json()
        assert status["device_id"] == device_id and status["counter_no"] == 1
        big = client.post(
            "/api/v1/sync/push", headers={**other.headers, "Content-Type": "application/json"},
            content=b"{" + b" " * (9 * 1024 * 1024) + b"}")
        assert big.status_code == 413 and big.json()["error"] == "request_too_large"
