"""Pairing and trust: an unpaired or revoked PC gets nothing from any hub endpoint."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from hub_helpers import LiveHub, client_for

from counter_app.hub import peers
from counter_app.hub.errors import NotPaired, PairingRefused
from counter_app.hub.wire import HUB_PREFIX


def _endpoints(hub: LiveHub) -> list[tuple[str, str]]:
    out = []
    for r in hub.app.routes:
        if isinstance(r, APIRoute):
            path = re.sub(r"\{[^}]+\}", "1", r.path)
            out += [(m, path) for m in r.methods if m != "HEAD"]
    return out


def _refused_everywhere(hub: LiveHub, headers: dict[str, str]) -> None:
    eps = _endpoints(hub)
    assert len(eps) >= 12
    with httpx.Client(base_url=hub.url, timeout=5, trust_env=False) as http:
        for method, path in eps:
            body = {"code": "000000", "name": "x", "role": "counter"} if path.endswith(
                "/pair") else {}
            r = http.request(method, path, json=body, headers={
                **headers, "Idempotency-Key": "k" * 16, "X-Motcua-Device": "d"},
                params={"day_from": "2026-11-20"})
            assert r.status_code == 401, (method, path, r.status_code, r.text)
            assert r.json()["error"] in ("not_paired", "pairing_refused")


def test_unpaired_pc_is_refused_on_every_endpoint(hub: LiveHub) -> None:
    _refused_everywhere(hub, {})
    _refused_everywhere(hub, {"Authorization": "Bearer forged-token"})


def test_revoked_pc_is_refused_on_every_endpoint(hub: LiveHub, tmp_path: Path) -> None:
    got = hub.pair(tmp_path / "c1")
    with client_for(tmp_path / "c1") as c:
        assert c.info()["role"] == "counter"
        token = c._http.headers["Authorization"]
    assert peers.revoke(hub.rt.engine, got.peer_id, hub.rt.clock.now())
    _refused_everywhere(hub, {"Authorization": token})
    with client_for(tmp_path / "c1") as c, pytest.raises(NotPaired):
        c.board()


def test_code_is_single_use_and_guessing_burns_it(hub: LiveHub, tmp_path: Path) -> None:
    code = hub.code()
    with httpx.Client(base_url=hub.url, trust_env=False) as http:
        ok = http.post(f"{HUB_PREFIX}/pair", json={"code": code, "name": "a", "role": "display"})
        assert ok.status_code == 200 and ok.json()["token"]
        again = http.post(f"{HUB_PREFIX}/pair", json={"code": code, "name": "b",
                                                       "role": "display"})
        assert again.status_code == 401
        code = hub.code()
        for guess in range(peers.MAX_FAILURES):
            http.post(f"{HUB_PREFIX}/pair", json={"code": f"{guess:06d}"[:6] if f"{guess:06d}"
                                                  != code else "999999", "name": "x",
                                                  "role": "counter"})
        late = http.post(f"{HUB_PREFIX}/pair", json={"code": code, "name": "c",
                                                      "role": "counter"})
        assert late.status_code == 401  # burnt by the guesses


def test_pc_of_another_ward_cannot_pair(hub: LiveHub, tmp_path: Path) -> None:
    with httpx.Client(base_url=hub.url, trust_env=False) as http:
        r = http.post(f"{HUB_PREFIX}/pair", json={"code": hub.code(), "name": "x",
                                                   "role": "counter", "ward_code": "H99999"})
    assert r.status_code == 403 and r.json()["error"] == "ward_mismatch"


def test_wrong_code_is_a_typed_refusal(hub: LiveHub, tmp_path: Path) -> None:
    from counter_app.domain.clock import SystemClock
    from counter_app.hub import link
    from counter_app.services.context import open_services

    svc = open_services(tmp_path / "x" / "counter.db", SystemClock())
    with pytest.raises(PairingRefused):
        link.pair(svc.engine, tmp_path / "x", svc.clock.now(), url=hub.url, code="123",
                  name="x", role="counter")
    svc.close()
